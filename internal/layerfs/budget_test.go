package layerfs

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// TestVerify: the digest of the uncompressed stream, whether the layer is
// a region of a file (hashed alongside the walk, which skips bodies), a
// stream, or compressed; trailing padding after the end-of-archive blocks
// counts, as it does for the diff ID.
func TestVerify(t *testing.T) {
	data := testutil.LayerTar(t, testutil.Entry{Name: "a", Body: string(bytes.Repeat([]byte("x"), 100_000))},
		testutil.Entry{Name: "b", Body: "y"})
	data = append(data, make([]byte, 10240)...) // record padding, as tar(1) writes
	want := sha(data)
	for name, l := range map[string]Layer{
		"region":      {RA: bytes.NewReader(data), Size: int64(len(data))},
		"stream":      {R: bytes.NewReader(data)},
		"gzip region": {RA: bytes.NewReader(gz(t, data)), Size: int64(len(gz(t, data)))},
		"gzip stream": {R: bytes.NewReader(gz(t, data))},
	} {
		visit := func(e *Entry, f File) error { return nil }
		ix, err := Walk(context.Background(), l, Options{Verify: true}, visit)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ix.DiffID != want {
			t.Errorf("%s: DiffID %s, want %s", name, ix.DiffID, want)
		}
	}
	ix, err := Walk(context.Background(), Layer{RA: bytes.NewReader(data), Size: int64(len(data))}, Options{}, nil)
	if err != nil || ix.DiffID != "" {
		t.Errorf("without Verify: DiffID %q, %v", ix.DiffID, err)
	}
}

// TestWalkBudgets: every budget a walk charges stops it with an error
// naming that budget.
func TestWalkBudgets(t *testing.T) {
	var entries []testutil.Entry
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		entries = append(entries, testutil.Entry{Name: n, Body: "x"})
	}
	five := testutil.LayerTar(t, entries...)
	links := testutil.LayerTar(t, testutil.Entry{Name: "l1", Type: tar.TypeSymlink, Link: "target-one"},
		testutil.Entry{Name: "l2", Type: tar.TypeSymlink, Link: "target-two"})
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: 4 << 20, Typeflag: tar.TypeReg})
	tw.Write(make([]byte, 4<<20))
	tw.Close()
	zeros := gz(t, raw.Bytes())
	tests := []struct {
		name   string
		layer  []byte
		limits budget.Limits
		kind   budget.Kind
	}{
		{"entries per layer", five, budget.Limits{LayerEntries: 4}, budget.LayerEntries},
		{"entries per image", five, budget.Limits{ImageEntries: 4}, budget.ImageEntries},
		{"path data", links, budget.Limits{PathBytes: budget.RecordOverhead + 10}, budget.PathBytes},
		{"decompressed bytes", zeros, budget.Limits{ImageBytes: 1 << 20}, budget.ImageBytes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, l := range []Layer{{RA: bytes.NewReader(tt.layer), Size: int64(len(tt.layer))}, {R: bytes.NewReader(tt.layer)}} {
				_, err := Walk(context.Background(), l, Options{Budget: budget.New(tt.limits)}, nil)
				be, ok := errors.AsType[*budget.ExceededError](err)
				if !ok || be.Kind != tt.kind {
					t.Errorf("got %v, want the %s budget", err, tt.kind)
				}
			}
			// The defaults let it through.
			if _, err := Walk(context.Background(), Layer{R: bytes.NewReader(tt.layer)}, Options{Budget: budget.New(budget.Limits{})}, nil); err != nil {
				t.Errorf("default budget: %v", err)
			}
		})
	}
	// Spill bytes are charged while a spill file exists, then given back.
	big := gz(t, testutil.LayerTar(t, testutil.Entry{Name: "big.jar", Body: string(bytes.Repeat([]byte("j"), memLimit+1))}))
	b := budget.New(budget.Limits{SpillBytes: memLimit})
	_, err := Walk(context.Background(), Layer{R: bytes.NewReader(big)}, Options{Budget: b, TempDir: t.TempDir()}, func(e *Entry, f File) error {
		if f == nil {
			return nil
		}
		_, err := f.ReaderAt()
		return err
	})
	if be, ok := errors.AsType[*budget.ExceededError](err); !ok || be.Kind != budget.SpillBytes {
		t.Errorf("spill over budget: %v", err)
	}
	b = budget.New(budget.Limits{SpillBytes: 2 * memLimit})
	_, err = Walk(context.Background(), Layer{R: bytes.NewReader(big)}, Options{Budget: b, TempDir: t.TempDir()}, func(e *Entry, f File) error {
		if f == nil {
			return nil
		}
		if _, err := f.ReaderAt(); err != nil {
			return err
		}
		if b.Used(budget.SpillBytes) != memLimit+1 {
			t.Errorf("spill charged %d while open", b.Used(budget.SpillBytes))
		}
		return nil
	})
	if err != nil || b.Used(budget.SpillBytes) != 0 {
		t.Errorf("spill within budget: %v, %d bytes still charged", err, b.Used(budget.SpillBytes))
	}
}

// TestSparse: a GNU sparse entry reads as its logical size, charged to
// the decompressed bytes, and offers no random access (its holes would be
// copied to disk).
func TestSparse(t *testing.T) {
	var raw bytes.Buffer
	raw.Write(sparseHeader("s.jar", 1<<20))
	data := make([]byte, 512)
	copy(data, "PK")
	raw.Write(data)
	raw.Write(make([]byte, 1024))
	for _, l := range []Layer{{RA: bytes.NewReader(raw.Bytes()), Size: int64(raw.Len())}, {R: bytes.NewReader(raw.Bytes())}} {
		b := budget.New(budget.Limits{})
		_, err := Walk(context.Background(), l, Options{Budget: b}, func(e *Entry, f File) error {
			if f == nil {
				return nil
			}
			if _, err := f.ReaderAt(); !errors.Is(err, ErrSparse) {
				t.Errorf("ReaderAt: %v, want ErrSparse", err)
			}
			n, err := io.Copy(io.Discard, f)
			if n != 1<<20 || err != nil {
				t.Errorf("read %d, %v", n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Used(budget.ImageBytes); got < 1<<20 {
			t.Errorf("charged %d decompressed bytes for a 1 MiB sparse read", got)
		}
	}
}

// sparseHeader is an old-GNU sparse header: logical bytes, one 512-byte
// data block at offset 0.
func sparseHeader(name string, logical int64) []byte {
	h := make([]byte, 512)
	copy(h, name)
	oct := func(b []byte, v int64) {
		s := []byte(strconvOctal(v, len(b)-1))
		copy(b, s)
	}
	oct(h[100:108], 0o644)
	oct(h[108:116], 0)
	oct(h[116:124], 0)
	oct(h[124:136], 512)
	oct(h[136:148], 0)
	h[156] = 'S'
	copy(h[257:265], "ustar  \x00")
	oct(h[386:398], 0)
	oct(h[398:410], 512)
	oct(h[483:495], logical)
	copy(h[148:156], "        ")
	var sum int64
	for _, c := range h {
		sum += int64(c)
	}
	copy(h[148:156], strconvOctal(sum, 6)+"\x00 ")
	return h
}

func strconvOctal(v int64, width int) string {
	s := ""
	for ; v > 0; v /= 8 {
		s = string(rune('0'+v%8)) + s
	}
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// TestCancel: a walk of an endless stream of entries stops at its next
// read once the context ends.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	entry := testutil.LayerTar(t, testutil.Entry{Name: "a", Body: "x"})[:1024] // header and body, no end blocks
	reads := 0
	endless := readerFunc(func(p []byte) (int, error) {
		if reads++; reads == 100 {
			cancel()
		}
		return copy(p, entry), nil
	})
	_, err := Walk(ctx, Layer{R: endless}, Options{}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
