package feed

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var content = bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB

func fp(b []byte) Fingerprint {
	s := sha256.Sum256(b)
	return Fingerprint("sha256:" + hex.EncodeToString(s[:]))
}

func googHash(b []byte) string {
	m := md5.Sum(b)
	c := crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))
	cb := []byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)}
	return "crc32c=" + base64.StdEncoding.EncodeToString(cb) + ",md5=" + base64.StdEncoding.EncodeToString(m[:])
}

// server serves one file with ETag and Last-Modified through
// http.ServeContent (which implements conditional and Range requests), and
// lets a test break chosen requests.
type server struct {
	mu       sync.Mutex
	data     []byte
	etag     string
	googHash string
	requests []*http.Request
	// breakReq, when set, handles request n (1-based) instead.
	breakReq func(n int, w http.ResponseWriter, r *http.Request) bool
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Clone(context.Background()))
	n := len(s.requests)
	data, etag, gh, br := s.data, s.etag, s.googHash, s.breakReq
	s.mu.Unlock()
	if br != nil && br(n, w, r) {
		return
	}
	if r.URL.Path != "/feed/all.zip" {
		http.NotFound(w, r)
		return
	}
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	if gh != "" {
		w.Header().Set("X-Goog-Hash", gh)
	}
	http.ServeContent(w, r, "all.zip", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), bytes.NewReader(data))
}

func (s *server) header(i int, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i >= len(s.requests) {
		return "<no request>"
	}
	return s.requests[i].Header.Get(name)
}

func newDownloader(t *testing.T) *Downloader {
	return &Downloader{Dir: t.TempDir(), Attempts: 3, Backoff: time.Millisecond}
}

func readAll(t *testing.T, rc io.ReadCloser) []byte {
	t.Helper()
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFetchConditional(t *testing.T) {
	for _, tt := range []struct {
		name, etag, wantHeader string
	}{
		{"etag", `"v1"`, "If-None-Match"},
		{"last-modified", "", "If-Modified-Since"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &server{data: content, etag: tt.etag, googHash: googHash(content)}
			ts := httptest.NewServer(s)
			defer ts.Close()
			f := newDownloader(t).Fetcher("osv/Go/all.zip", ts.URL+"/feed/all.zip")
			ctx := context.Background()

			rc, got, err := f.Fetch(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(readAll(t, rc), content) || got != fp(content) {
				t.Fatalf("first fetch: wrong content or fingerprint %s", got)
			}
			// Same content: the server answers 304 and Fetch says unchanged.
			if _, _, err := f.Fetch(ctx, got); !errors.Is(err, ErrUnchanged) {
				t.Fatalf("second fetch: err = %v, want ErrUnchanged", err)
			}
			if h := s.header(1, tt.wantHeader); h == "" {
				t.Errorf("second request carried no %s", tt.wantHeader)
			}
			// Without a previous fingerprint the cached copy is returned.
			rc, got2, err := f.Fetch(ctx, "")
			if err != nil || got2 != got {
				t.Fatalf("third fetch: %v, %s", err, got2)
			}
			rc.Close()
			// New content on the server: downloaded again.
			s.mu.Lock()
			s.data, s.etag, s.googHash = []byte("new content"), `"v2"`, ""
			s.mu.Unlock()
			if tt.etag == "" {
				// Last-Modified alone cannot see a change at the same time.
				return
			}
			rc, got3, err := f.Fetch(ctx, got)
			if err != nil {
				t.Fatal(err)
			}
			if b := readAll(t, rc); string(b) != "new content" || got3 != fp(b) {
				t.Fatalf("changed fetch: %q %s", b, got3)
			}
		})
	}
}

func TestFetchResumesAfterCut(t *testing.T) {
	s := &server{data: content, etag: `"v1"`, googHash: googHash(content)}
	s.breakReq = func(n int, w http.ResponseWriter, r *http.Request) bool {
		if n != 1 {
			return false
		}
		// Announce the whole file, send a third of it, drop the connection.
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Length", "1048576")
		w.WriteHeader(http.StatusOK)
		w.Write(content[:len(content)/3])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	d := newDownloader(t)
	res, err := d.Download(context.Background(), "x/all.zip", ts.URL+"/feed/all.zip")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed || res.Received != int64(len(content)-len(content)/3) || res.Fingerprint != fp(content) {
		t.Errorf("result %+v: want a resumed download of the remaining bytes", res)
	}
	if got, want := s.header(1, "Range"), "bytes=349525-"; got != want {
		t.Errorf("Range = %q, want %q", got, want)
	}
	if got := s.header(1, "If-Range"); got != `"v1"` {
		t.Errorf("If-Range = %q", got)
	}
}

func TestFetchResumeAcrossProcesses(t *testing.T) {
	// A killed process leaves NAME.part and NAME.part.meta; a new Downloader
	// on the same directory continues from them.
	s := &server{data: content, etag: `"v1"`}
	var cut atomic.Bool
	cut.Store(true)
	s.breakReq = func(n int, w http.ResponseWriter, r *http.Request) bool {
		if !cut.Load() {
			return false
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Length", "1048576")
		w.WriteHeader(http.StatusOK)
		w.Write(content[:1000])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	dir := t.TempDir()
	d1 := &Downloader{Dir: dir, Attempts: 1}
	if _, err := d1.Download(context.Background(), "f", ts.URL+"/feed/all.zip"); err == nil {
		t.Fatal("cut download succeeded")
	}
	cut.Store(false)
	d2 := &Downloader{Dir: dir, Attempts: 1}
	res, err := d2.Download(context.Background(), "f", ts.URL+"/feed/all.zip")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed || res.Received != int64(len(content)-1000) || res.Fingerprint != fp(content) {
		t.Errorf("result %+v: want resumed from byte 1000", res)
	}
}

func TestFetchRetries(t *testing.T) {
	tests := []struct {
		name     string
		failures int
		status   int
		wantErr  string
		wantReqs int
	}{
		{"recovers from 503", 2, http.StatusServiceUnavailable, "", 3},
		{"recovers from 429", 1, http.StatusTooManyRequests, "", 2},
		{"gives up", 5, http.StatusBadGateway, "gave up after 3 attempts", 3},
		{"no retry on 403", 5, http.StatusForbidden, "403", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &server{data: content, etag: `"v1"`}
			s.breakReq = func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n > tt.failures {
					return false
				}
				w.WriteHeader(tt.status)
				return true
			}
			ts := httptest.NewServer(s)
			defer ts.Close()
			_, err := newDownloader(t).Download(context.Background(), "f", ts.URL+"/feed/all.zip")
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			s.mu.Lock()
			n := len(s.requests)
			s.mu.Unlock()
			if n != tt.wantReqs {
				t.Errorf("%d requests, want %d", n, tt.wantReqs)
			}
		})
	}
}

func TestFetchVerifies(t *testing.T) {
	tests := []struct {
		name     string
		googHash string
		maxSize  int64
		path     string
		wantErr  string
		wantIs   error
	}{
		{"good checksums", googHash(content), 0, "/feed/all.zip", "", nil},
		{"bad md5", "md5=" + base64.StdEncoding.EncodeToString(make([]byte, 16)), 0, "/feed/all.zip", "md5 checksum mismatch", nil},
		{"bad crc32c", "crc32c=AAAAAA==", 0, "/feed/all.zip", "crc32c checksum mismatch", nil},
		{"too large", "", 1000, "/feed/all.zip", "over the 1000-byte limit", nil},
		{"not found", "", 0, "/feed/missing.zip", "404", ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(&server{data: content, etag: `"v1"`, googHash: tt.googHash})
			defer ts.Close()
			d := newDownloader(t)
			d.MaxSize = tt.maxSize
			f := d.Fetcher("f", ts.URL+tt.path)
			rc, _, err := f.Fetch(context.Background(), "")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				rc.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Fatalf("err = %v, want errors.Is %v", err, tt.wantIs)
			}
			// Nothing unverified is left as the cached copy.
			if _, _, err := f.Open(); err == nil {
				t.Error("a failed download left a cached copy")
			}
		})
	}
}

func TestFetchCorruptCache(t *testing.T) {
	s := &server{data: content, etag: `"v1"`}
	ts := httptest.NewServer(s)
	defer ts.Close()
	d := newDownloader(t)
	f := d.Fetcher("f", ts.URL+"/feed/all.zip")
	rc, first, err := f.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	// Damage the cached copy: no conditional request, a full download.
	path, _ := d.path("f")
	if err := os.WriteFile(path, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	rc, again, err := f.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if again != first || s.header(1, "If-None-Match") != "" {
		t.Errorf("fingerprint %s (want %s), If-None-Match %q (want none)", again, first, s.header(1, "If-None-Match"))
	}
}

func TestHeaderParsers(t *testing.T) {
	type cr struct {
		Start, Total int64
		OK           bool
	}
	crs := map[string]cr{
		"bytes 100-199/200": {100, 200, true},
		"bytes 0-9/*":       {0, -1, true},
		"bytes x-9/10":      {0, 0, false},
		"items 0-9/10":      {0, 0, false},
		"bytes 5-9":         {0, 0, false},
	}
	for in, want := range crs {
		s, tot, ok := contentRange(in)
		if diff := cmp.Diff(want, cr{s, tot, ok}); diff != "" {
			t.Errorf("contentRange(%q) (-want +got):\n%s", in, diff)
		}
	}
	if diff := cmp.Diff(map[string]string{"md5": "abc==", "crc32c": "x=="},
		parseGoogHash("crc32c=x==, md5=abc==, other=1")); diff != "" {
		t.Errorf("parseGoogHash (-want +got):\n%s", diff)
	}
	if got := retryAfter("7"); got != 7*time.Second {
		t.Errorf("retryAfter = %v", got)
	}
}
