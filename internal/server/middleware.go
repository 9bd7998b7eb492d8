package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/store"
)

type ctxKey int

const reqIDKey ctxKey = 0

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(reqIDKey).(string)
	return id
}

// validRequestID accepts a caller's X-Request-ID only when it is short and
// plain, so it can go into logs unescaped.
func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// recorder notes the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// middleware wraps every request: request id, panic guard, access log and
// metrics. Authentication is per route (guard), since routes differ.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		r = r.WithContext(context.WithValue(r.Context(), reqIDKey, id))
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "server: handler panic", "request_id", id, "panic", fmt.Sprint(p))
				if rec.status == 0 {
					writeError(rec, r, http.StatusInternalServerError, "internal error")
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.observe(r.Method, route, rec.status, d)
			level := slog.LevelInfo
			if s.cfg.QuietRequests {
				level = slog.LevelDebug
			}
			if rec.status >= 500 {
				level = slog.LevelError
			}
			s.log.Log(r.Context(), level, "request", "request_id", id, "method", r.Method, "path", r.URL.Path, "route", route,
				"status", rec.status, "bytes", rec.bytes, "duration_ms", float64(d.Microseconds())/1000, "remote", r.RemoteAddr)
		}()
		next.ServeHTTP(rec, r)
	})
}

// tokenCache keeps recent token lookups so the hot path (report
// submission) does not query the store on every request. A revoked token
// stops working within ttl.
type tokenCache struct {
	st  store.Tokens
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cachedToken
}

type cachedToken struct {
	tok store.Token
	exp time.Time
}

func newTokenCache(st store.Tokens, ttl time.Duration) *tokenCache {
	return &tokenCache{st: st, ttl: ttl, m: map[string]cachedToken{}}
}

func (c *tokenCache) lookup(ctx context.Context, secret string) (store.Token, error) {
	h := store.HashSecret(secret)
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[h]
	c.mu.Unlock()
	if ok && now.Before(e.exp) {
		return e.tok, nil
	}
	tok, err := c.st.TokenByHash(ctx, h)
	if err != nil {
		return store.Token{}, err
	}
	c.mu.Lock()
	if len(c.m) > 10000 {
		clear(c.m)
	}
	c.m[h] = cachedToken{tok: tok, exp: now.Add(c.ttl)}
	c.mu.Unlock()
	return tok, nil
}

func (c *tokenCache) forget() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// limiter is a token bucket per key (a token id, or a client address for
// requests without a valid token).
type limiter struct {
	rate  float64
	burst float64
	mu    sync.Mutex
	m     map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), m: map[string]*bucket{}}
}

// allow takes one token from key's bucket, or says how long until one is
// available.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.m[key]
	if !ok {
		if len(l.m) > 50000 {
			// Full buckets are indistinguishable from new ones: drop them.
			for k, v := range l.m {
				if v.tokens+now.Sub(v.last).Seconds()*l.rate >= l.burst {
					delete(l.m, k)
				}
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.m[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// access is what a route demands.
type access int

const (
	public access = iota // anyone, no token
	read                 // viewer, admin; agent where the handler allows
	submit               // agent, admin
	admin                // admin only
)

// handlerFunc is a route's handler; errors become JSON error answers.
type handlerFunc func(w http.ResponseWriter, r *http.Request, tok store.Token) error

// httpError is an error with an HTTP status.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func errf(code int, format string, args ...any) error {
	return &httpError{code: code, msg: fmt.Sprintf(format, args...)}
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// guard authenticates and authorises a request for a route, applies the
// rate limit and the body cap, then runs h.
func (s *Server) guard(need access, agentOK bool, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var tok store.Token
		if need != public {
			secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || !strings.HasPrefix(strings.TrimSpace(secret), store.TokenPrefix) {
				// Unauthenticated callers share a budget per address, so
				// guessing tokens is as slow as any other abuse.
				if ok, wait := s.limits.allow("ip:"+clientIP(r), time.Now()); !ok {
					tooMany(w, r, wait)
					return
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="bulwark"`)
				writeError(w, r, http.StatusUnauthorized, "missing bearer token (Authorization: Bearer bwt_...)")
				return
			}
			var err error
			tok, err = s.tokens.lookup(r.Context(), secret)
			if err != nil {
				if ok, wait := s.limits.allow("ip:"+clientIP(r), time.Now()); !ok {
					tooMany(w, r, wait)
					return
				}
				if errors.Is(err, store.ErrNotFound) {
					w.Header().Set("WWW-Authenticate", `Bearer realm="bulwark", error="invalid_token"`)
					writeError(w, r, http.StatusUnauthorized, "unknown or revoked token")
					return
				}
				s.log.ErrorContext(r.Context(), "server: token lookup", "err", err)
				writeError(w, r, http.StatusServiceUnavailable, "token store unavailable")
				return
			}
			if !permitted(tok.Role, need, agentOK) {
				writeError(w, r, http.StatusForbidden, fmt.Sprintf("a %s token may not do this", tok.Role))
				return
			}
			if ok, wait := s.limits.allow(fmt.Sprintf("tok:%d", tok.ID), time.Now()); !ok {
				tooMany(w, r, wait)
				return
			}
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
		}
		release, ok := s.reserveBody(w, r, tok.ID)
		if !ok {
			return
		}
		defer release()
		if err := h(w, r, tok); err != nil {
			s.fail(w, r, err)
		}
	}
}

func permitted(role store.Role, need access, agentOK bool) bool {
	switch need {
	case public:
		return true
	case read:
		return role == store.Admin || role == store.Viewer || role == store.Agent && agentOK
	case submit:
		return role == store.Admin || role == store.Agent
	case admin:
		return role == store.Admin
	}
	return false
}

func tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
	writeError(w, r, http.StatusTooManyRequests, "rate limit exceeded")
}

// fail answers err: its own status for an httpError, 413 for an
// oversized body, 404 for a missing record, 500 otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		writeError(w, r, he.code, he.msg)
	case errors.As(err, &mbe):
		writeError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", mbe.Limit))
	case errors.Is(err, errBadReport):
		writeError(w, r, http.StatusBadRequest, err.Error())
	case errors.Is(err, store.ErrNotFound):
		writeError(w, r, http.StatusNotFound, "not found")
	case errors.Is(err, context.Canceled):
		writeError(w, r, 499, "request cancelled")
	default:
		s.log.ErrorContext(r.Context(), "server: request failed", "request_id", requestID(r.Context()), "err", err)
		writeError(w, r, http.StatusInternalServerError, "internal error (see the server log, request id "+requestID(r.Context())+")")
	}
}
