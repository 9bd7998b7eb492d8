// Package plugin serves the guard as a Docker authorization plugin and
// watches running containers.
//
//	dockerd ─HTTP/unix socket─▶ /Plugin.Activate      ─▶ {"Implements":["authz"]}
//	        ─▶ /AuthZPlugin.AuthZReq ─▶ decode ─▶ guard.Decide ─▶ audit log ─▶ {Allow, Msg, Err}
//	        ─▶ /AuthZPlugin.AuthZRes ─▶ {Allow: true} (responses are not judged)
//
// The protocol adapter is our own: every request the plugin cannot read is
// answered with a denial that says why, and the decision always reaches
// the audit log. The policy can be swapped ([Server.Reload]) while
// requests are in flight.
package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/bulwark-sec/bulwark/internal/guard"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// DefaultSocket is where dockerd looks for a plugin named "bulwark".
const DefaultSocket = "/run/docker/plugins/bulwark.sock"

// maxRequest bounds an AuthZ request: a forwarded body is at most 1 MiB,
// base64 makes it 4/3 larger, headers and certificates add a little.
const maxRequest = 4 << 20

// Request is the daemon's AuthZ request (github.com/docker/docker
// pkg/authorization.Request, the fields the guard reads).
type Request struct {
	User            string            `json:"User,omitempty"`
	UserAuthNMethod string            `json:"UserAuthNMethod,omitempty"`
	RequestMethod   string            `json:"RequestMethod,omitempty"`
	RequestURI      string            `json:"RequestUri,omitempty"`
	RequestBody     []byte            `json:"RequestBody,omitempty"`
	RequestHeaders  map[string]string `json:"RequestHeaders,omitempty"`
}

// Response is the plugin's answer.
type Response struct {
	Allow bool   `json:"Allow"`
	Msg   string `json:"Msg,omitempty"`
	Err   string `json:"Err,omitempty"`
}

// DecodeRequest reads one AuthZ request. It is strict where leniency could
// hide a body (a RequestBody that is not base64) and bounded in size.
func DecodeRequest(r io.Reader) (Request, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxRequest+1))
	if err != nil {
		return Request{}, fmt.Errorf("plugin: reading request: %w", err)
	}
	if len(b) > maxRequest {
		return Request{}, errors.New("plugin: request over 4 MiB")
	}
	var req Request
	if err := json.Unmarshal(b, &req); err != nil {
		return Request{}, fmt.Errorf("plugin: decoding request: %w", err)
	}
	return req, nil
}

// Input converts a request for the guard.
func (r Request) Input() guard.Input {
	return guard.Input{User: r.User, AuthMethod: r.UserAuthNMethod, Method: r.RequestMethod, URI: r.RequestURI,
		Body: r.RequestBody, Headers: r.RequestHeaders}
}

// Server is the plugin's HTTP handler.
type Server struct {
	g     *guard.Guard
	audit *AuditLog
}

// NewServer serves g, logging every decision to audit (nil: no log).
func NewServer(g *guard.Guard, audit *AuditLog) *Server {
	return &Server{g: g, audit: audit}
}

// Reload replaces the policy without interrupting requests.
func (s *Server) Reload(p *policy.Policy) error { return s.g.SetPolicy(p) }

// Handler returns the plugin protocol's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /Plugin.Activate", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, io.LimitReader(r.Body, maxRequest))
		writeJSON(w, map[string][]string{"Implements": {"authz"}})
	})
	mux.HandleFunc("POST /AuthZPlugin.AuthZReq", s.authzReq)
	mux.HandleFunc("POST /AuthZPlugin.AuthZRes", func(w http.ResponseWriter, r *http.Request) {
		// Decisions are made on requests; a response carries nothing
		// the rules judge.
		io.Copy(io.Discard, io.LimitReader(r.Body, 64<<20))
		writeJSON(w, Response{Allow: true})
	})
	return mux
}

func (s *Server) authzReq(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx := r.Context()
	req, err := DecodeRequest(r.Body)
	if err != nil {
		// Nothing can be judged: deny, in every mode.
		msg := "bulwark guard: denied: rule " + policy.RuleRequestBody + ": " + err.Error()
		s.audit.Write(ctx, Record{Time: start.UTC(), Decision: "deny", Rule: policy.RuleRequestBody, Error: err.Error(), Micros: micros(start)})
		writeJSON(w, Response{Allow: false, Msg: msg})
		return
	}
	d, derr := s.g.Decide(ctx, req.Input())
	if derr != nil {
		slog.ErrorContext(ctx, "guard: deciding", "uri", req.RequestURI, "err", derr)
	}
	rec := NewRecord(start, req, d)
	rec.Micros = micros(start)
	s.audit.Write(ctx, rec)
	resp := Response{Allow: d.Allow, Msg: d.Message()}
	if !d.Allow && d.Rule == policy.RuleInternalError {
		// Err makes the daemon report a plugin failure rather than a
		// policy denial; Msg still names the rule.
		resp.Err = d.Message()
	}
	writeJSON(w, resp)
}

func micros(start time.Time) int64 { return time.Since(start).Microseconds() }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/vnd.docker.plugins.v1+json")
	json.NewEncoder(w).Encode(v)
}

// Listen opens the plugin's unix socket, replacing a stale socket file
// but never a live one (another plugin instance answering there).
func Listen(ctx context.Context, path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("plugin: %w", err)
	}
	if _, err := os.Lstat(path); err == nil {
		var d net.Dialer
		dctx, cancel := context.WithTimeout(ctx, time.Second)
		c, err := d.DialContext(dctx, "unix", path)
		cancel()
		if err == nil {
			c.Close()
			return nil, fmt.Errorf("plugin: %s: another process is serving this socket", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("plugin: removing stale socket: %w", err)
		}
	}
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("plugin: %w", err)
	}
	// Only root (the daemon) talks to the plugin.
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("plugin: %w", err)
	}
	return l, nil
}

// Serve answers the daemon on l until ctx ends, then lets requests in
// flight finish (up to 10 s).
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return fmt.Errorf("plugin: serving: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("plugin: shutting down: %w", err)
	}
	return nil
}
