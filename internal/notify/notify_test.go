package notify_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/notify"
	"github.com/bulwark-sec/bulwark/internal/store"
)

// The HMAC-SHA256 test vector of RFC 4231, test case 2 (key "Jefe").
func TestSignRFC4231(t *testing.T) {
	got := notify.Sign("Jefe", []byte("what do ya want for nothing?"))
	want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"event":"findings.changed"}`)
	sig := notify.Sign("k", body)
	tests := []struct {
		name, secret, header string
		body                 []byte
		want                 bool
	}{
		{"good", "k", sig, body, true},
		{"wrong secret", "k2", sig, body, false},
		{"tampered body", "k", sig, []byte(`{"event":"x"}`), false},
		{"no prefix", "k", sig[len("sha256="):], body, false},
		{"not hex", "k", "sha256=zz", body, false},
		{"empty", "k", "", body, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := notify.Verify(tc.secret, tc.body, tc.header); got != tc.want {
				t.Errorf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	f := func(id, pkg, ver string) store.Finding {
		return store.Finding{ID: id, Package: pkg, Version: ver, Type: "deb", Severity: "high"}
	}
	prev := []store.Finding{f("CVE-1", "a", "1"), f("CVE-2", "b", "1"), f("CVE-3", "c", "1")}
	cur := []store.Finding{f("CVE-3", "c", "1"), f("CVE-1", "a", "1"), f("CVE-4", "d", "2"), f("CVE-2", "b", "2")}
	added, fixed := notify.Diff(prev, cur)
	if diff := cmp.Diff([]store.Finding{f("CVE-2", "b", "2"), f("CVE-4", "d", "2")}, added); diff != "" {
		t.Errorf("added (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]store.Finding{f("CVE-2", "b", "1")}, fixed); diff != "" {
		t.Errorf("fixed (-want +got):\n%s", diff)
	}
	if a, x := notify.Diff(cur, cur); a != nil || x != nil {
		t.Errorf("no change reported as %v %v", a, x)
	}
}

func TestSend(t *testing.T) {
	var got *http.Request
	var gotBody []byte
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	s := &notify.Sender{}
	body := []byte(`{"event":"findings.changed","image":"app:1"}`)
	code, err := s.Send(context.Background(), srv.URL, "secret", notify.EventFindingsChanged, "42", body)
	if err != nil || code != http.StatusNoContent {
		t.Fatalf("Send = %d, %v", code, err)
	}
	if string(gotBody) != string(body) || !notify.Verify("secret", gotBody, got.Header.Get(notify.SignatureHeader)) ||
		got.Header.Get("X-Bulwark-Delivery") != "42" || got.Header.Get("X-Bulwark-Event") != notify.EventFindingsChanged {
		t.Errorf("receiver saw body %q headers %v", gotBody, got.Header)
	}
	for _, tc := range []struct {
		status    int
		retryable bool
	}{{500, true}, {503, true}, {429, true}, {408, true}, {404, false}, {400, false}} {
		status = tc.status
		code, err := s.Send(context.Background(), srv.URL, "secret", "e", "1", body)
		var se *notify.StatusError
		if code != tc.status || !errors.As(err, &se) || notify.Retryable(err) != tc.retryable {
			t.Errorf("status %d: code %d err %v retryable %v", tc.status, code, err, notify.Retryable(err))
		}
	}
	srv.Close()
	if _, err := s.Send(context.Background(), srv.URL, "secret", "e", "1", body); err == nil || !notify.Retryable(err) {
		t.Errorf("closed receiver: %v (retryable %v)", err, notify.Retryable(err))
	}
}

func TestBackoff(t *testing.T) {
	base, max := time.Second, 30*time.Second
	for attempt, want := range map[int]time.Duration{0: time.Second, 1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 5: 16 * time.Second, 6: 30 * time.Second, 40: 30 * time.Second} {
		got := notify.Backoff(attempt, base, max)
		if got < want || got > want+want/5 {
			t.Errorf("Backoff(%d) = %v, want %v plus at most 20%%", attempt, got, want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for raw, ok := range map[string]bool{"https://hooks.example/x": true, "http://127.0.0.1:9/": true, "ftp://x/": false, "http://": false, "::bad": false, "file:///etc/passwd": false} {
		if err := notify.CheckURL(raw); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v", raw, err)
		}
	}
}
