package egress

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestDenied(t *testing.T) {
	for _, tt := range []struct {
		ip     string
		denied bool
	}{
		{"127.0.0.1", true}, {"127.8.9.10", true}, {"::1", true}, {"10.1.2.3", true}, {"172.16.0.1", true},
		{"172.31.255.255", true}, {"192.168.1.1", true}, {"169.254.169.254", true}, {"100.64.0.1", true},
		{"100.127.255.254", true}, {"0.0.0.0", true}, {"::", true}, {"fe80::1", true}, {"fd00:ec2::254", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:169.254.169.254", true}, {"224.0.0.1", true}, {"255.255.255.255", true},
		{"8.8.8.8", false}, {"172.32.0.1", false}, {"100.128.0.1", false}, {"2606:4700::1111", false}, {"1.1.1.1", false},
	} {
		got, _ := Denied(netip.MustParseAddr(tt.ip))
		if got != tt.denied {
			t.Errorf("Denied(%s) = %v", tt.ip, got)
		}
	}
}

func TestPolicyNew(t *testing.T) {
	if _, err := New([]string{"registry.internal:5000", "10.0.0.0/8", "127.0.0.1", "[::1]:5000"}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "a/b", "user@host", "a b"} {
		if _, err := New([]string{bad}); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}

// TestTransport dials a loopback server by address and by a name that
// resolves to loopback (the check runs on the address dialled), refused
// by default and allowed when listed.
func TestTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "internal") }))
	defer srv.Close()
	hostport := strings.TrimPrefix(srv.URL, "http://")
	port := hostport[strings.LastIndex(hostport, ":")+1:]
	get := func(p *Policy, url string) error {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", url, nil)
		resp, err := (&http.Client{Transport: p.Transport()}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	none, _ := New(nil)
	for _, url := range []string{srv.URL, "http://localhost:" + port} {
		if err := get(none, url); !errors.Is(err, ErrDenied) {
			t.Errorf("GET %s with no allow-list: %v", url, err)
		}
	}
	for _, allow := range []string{hostport, "127.0.0.1", "127.0.0.0/8"} {
		p, _ := New([]string{allow})
		if err := get(p, srv.URL); err != nil {
			t.Errorf("GET %s allowing %s: %v", srv.URL, allow, err)
		}
	}
	// Listing an address does not allow other names that resolve to it.
	p, _ := New([]string{hostport})
	if err := get(p, "http://localhost:"+port); !errors.Is(err, ErrDenied) {
		t.Errorf("localhost allowed by listing %s: %v", hostport, err)
	}
	// A listed network allows any name that resolves into it.
	p, _ = New([]string{"127.0.0.0/8"})
	if err := get(p, "http://localhost:"+port); err != nil {
		t.Errorf("localhost with 127.0.0.0/8 listed: %v", err)
	}
}
