package kernel

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// fakeRing is a ring over plain memory, written the way the kernel writes
// records: an 8-byte header (length, busy and discard bits) and the
// sample padded to 8 bytes, wrapping at the end.
type fakeRing struct {
	r          ring
	cons, prod uint64
}

func newFakeRing(size int) *fakeRing {
	f := &fakeRing{}
	f.r = ring{consPos: &f.cons, prodPos: &f.prod, data: make([]byte, size), mask: uint64(size - 1)}
	return f
}

func (f *fakeRing) put(sample []byte, flags uint32) {
	size := uint64(len(f.r.data))
	binary.LittleEndian.PutUint32(f.r.data[f.prod&f.r.mask:], uint32(len(sample))|flags)
	at := f.prod + ringHdr
	for i, b := range sample {
		f.r.data[(at+uint64(i))%size] = b
	}
	f.prod = at + uint64(len(sample)+7)&^7
}

func (f *fakeRing) drain() [][]byte {
	var got [][]byte
	f.r.next(func(s []byte) { got = append(got, bytes.Clone(s)) })
	return got
}

func TestRingRecords(t *testing.T) {
	f := newFakeRing(64)
	a, b := []byte("first record"), []byte("x")
	f.put(a, 0)
	f.put([]byte("dropped"), ringDiscard)
	f.put(b, 0)
	if !f.r.ready() {
		t.Fatal("committed records are not ready")
	}
	got := f.drain()
	if len(got) != 2 || !bytes.Equal(got[0], a) || !bytes.Equal(got[1], b) {
		t.Fatalf("records %q, want %q and %q", got, a, b)
	}
	if f.cons != f.prod || f.r.ready() || f.r.pending() != 0 {
		t.Fatalf("consumer at %d, producer at %d after a drain", f.cons, f.prod)
	}

	// A record that wraps past the end comes out whole.
	c := []byte("0123456789abcdefghijklmnop")
	f.put(c, 0)
	if got := f.drain(); len(got) != 1 || !bytes.Equal(got[0], c) {
		t.Fatalf("wrapped record %q, want %q", got, c)
	}

	// A record still being written stops the drain, and it resumes there.
	f.put([]byte("busy"), ringBusy)
	if f.r.ready() || len(f.drain()) != 0 {
		t.Fatal("a record being written was read")
	}
	binary.LittleEndian.PutUint32(f.r.data[f.cons&f.r.mask:], 4)
	if got := f.drain(); len(got) != 1 || string(got[0]) != "busy" {
		t.Fatalf("after commit: %q", got)
	}
}

// FuzzRingNext feeds the reader arbitrary ring contents and positions:
// whatever the memory says, it must not read outside the ring or loop.
func FuzzRingNext(f *testing.F) {
	f.Add(make([]byte, 64), uint64(0), uint64(16))
	f.Add(bytes.Repeat([]byte{0xff}, 64), uint64(60), uint64(200))
	f.Add(append([]byte{200, 0, 0, 0, 0, 0, 0, 0}, make([]byte, 56)...), uint64(0), uint64(64))
	f.Fuzz(func(t *testing.T, mem []byte, cons, prod uint64) {
		if len(mem) < 64 {
			return
		}
		fr := newFakeRing(64)
		copy(fr.r.data, mem)
		fr.cons, fr.prod = cons&^7, prod&^7
		if fr.prod-fr.cons > 64 {
			fr.prod = fr.cons + 64 // the kernel never runs further ahead than the ring
		}
		n := fr.r.next(func(s []byte) {
			if len(s) > 64 {
				t.Fatalf("a %d-byte record from a 64-byte ring", len(s))
			}
		})
		if n > 8 || fr.cons-cons&^7 > 64 {
			t.Fatalf("%d records, consumer moved %d", n, fr.cons-cons&^7)
		}
	})
}
