package server

import (
	"strconv"
	"testing"
	"time"
)

func TestRematchParent(t *testing.T) {
	built := time.Date(2026, 11, 27, 19, 28, 27, 449354968, time.UTC)
	n := strconv.FormatInt(built.UnixNano(), 10)
	tests := []struct {
		key  string
		want int64
		ok   bool
	}{
		{"rematch:17:" + n, 17, true},
		{"rematch:17:" + n + "1", 0, false}, // another build
		{"rematch:abc:" + n, 0, false},
		{"rematch:17", 0, false},
		{"job:17", 0, false},
		{"", 0, false},
		{"rematch:img:scan4", 0, false}, // an ingest-triggered job key is not a scan key
	}
	for _, tc := range tests {
		got, ok := rematchParent(tc.key, built)
		if got != tc.want || ok != tc.ok {
			t.Errorf("rematchParent(%q) = %d, %v; want %d, %v", tc.key, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(10, 2)
	now := time.Unix(1000, 0)
	var got []bool
	for _, dt := range []time.Duration{0, 0, 0, 50 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond} {
		now = now.Add(dt)
		ok, _ := l.allow("k", now)
		got = append(got, ok)
	}
	// A burst of two, the third refused; 50ms later half a token (refused);
	// after that one token per 100ms.
	want := []bool{true, true, false, false, true, true}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("allow sequence %v, want %v", got, want)
		}
	}
	if ok, wait := l.allow("k", now); ok || wait <= 0 || wait > 100*time.Millisecond {
		t.Errorf("empty bucket: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.allow("other", now); !ok {
		t.Error("keys share a bucket")
	}
}

func TestValidRequestID(t *testing.T) {
	for id, want := range map[string]bool{"abc-123_X.y": true, "": false, "a b": false, "a\nb": false, string(make([]byte, 65)): false, "ü": false} {
		if got := validRequestID(id); got != want {
			t.Errorf("validRequestID(%q) = %v", id, got)
		}
	}
}
