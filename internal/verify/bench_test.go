package verify_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/verify"
	"github.com/bulwark-sec/bulwark/internal/verify/verifytest"
)

// slowTransport adds a round-trip time to every registry request and
// counts them, standing in for the network between a host and its
// registry (the loopback registry answers in microseconds).
type slowTransport struct {
	rtt time.Duration
	n   atomic.Int64
}

func (t *slowTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	time.Sleep(t.rtt)
	return http.DefaultTransport.RoundTrip(r)
}

// signedControl is a key-signed image with an SLSA provenance attestation
// in a loopback registry, and the trust that verifies it.
func signedControl(tb testing.TB) (string, *verify.Trust) {
	reg := verifytest.NewHostileRegistry(tb)
	s := verifytest.NewKeySigner(tb)
	ref := verifytest.KeySigned(tb, reg, s, "bench/app", "bench")
	k, err := verify.LoadKey(s.Public)
	if err != nil {
		tb.Fatal(err)
	}
	return ref, &verify.Trust{Keys: []verify.Key{k}}
}

// TestCachedVerificationUnderAMillisecond: the guard's cost per `docker
// run` of an image it has verified before.
func TestCachedVerificationUnderAMillisecond(t *testing.T) {
	ref, trust := signedControl(t)
	c := verify.NewCache(verify.New(verify.Options{Trust: trust, Insecure: true}), 0, 0)
	p, err := c.Verify(context.Background(), ref)
	if err != nil || !p.Verified {
		t.Fatalf("%v %+v", err, p)
	}
	const n = 10000
	start := time.Now()
	for range n {
		if _, err := c.Verify(context.Background(), ref); err != nil {
			t.Fatal(err)
		}
	}
	if per := time.Since(start) / n; per > time.Millisecond {
		t.Errorf("a cached verification takes %v, want under 1ms", per)
	}
}

// BenchmarkVerifyCached is a verification answered by the cache.
func BenchmarkVerifyCached(b *testing.B) {
	ref, trust := signedControl(b)
	c := verify.NewCache(verify.New(verify.Options{Trust: trust, Insecure: true}), 0, 0)
	if _, err := c.Verify(context.Background(), ref); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Verify(context.Background(), ref); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyCold verifies with a new verifier each time (nothing
// cached, new connections) against a registry rtt away: the time per
// verification against the round trips it makes and the time they alone
// take in sequence.
func BenchmarkVerifyCold(b *testing.B) {
	ref, trust := signedControl(b)
	for _, rtt := range []time.Duration{0, 2 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond} {
		b.Run(fmt.Sprintf("rtt=%v", rtt), func(b *testing.B) {
			tr := &slowTransport{rtt: rtt}
			for b.Loop() {
				v := verify.New(verify.Options{Trust: trust, Insecure: true, Transport: tr})
				p, err := v.Verify(context.Background(), ref)
				if err != nil || !p.Verified {
					b.Fatalf("%v %+v", err, p)
				}
			}
			b.ReportMetric(float64(tr.n.Load())/float64(b.N), "requests/op")
			if rtt > 0 {
				b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(rtt), "rtts/op")
			}
		})
	}
}
