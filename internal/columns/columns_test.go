package columns_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/columns"
)

// TestSameLayoutAsTabwriter: without escapes the output is byte for byte
// what text/tabwriter writes with the same padding, blocks and ragged rows
// included.
func TestSameLayoutAsTabwriter(t *testing.T) {
	for _, in := range []string{
		"",
		"a\tb\tc\n",
		"NAME\tVERSION\tTITLE\nlibc6\t2.36-9\tglibc\nzlib1g\t1:1.2.13\tzlib - update\n",
		"h1\th2\n\nafter blank\tx\n",
		"one\ttwo\tthree\nshort\nx\ty\tz\n",
		"ragged\nmore\tcells\there\nand\tfewer\n",
		"no newline at end\tx",
		"ünïcode\tx\nab\ty\n",
		"empty\t\tcells\n\t\tz\n",
	} {
		var want bytes.Buffer
		tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
		fmt.Fprint(tw, in)
		tw.Flush()
		var got bytes.Buffer
		cw := columns.NewWriter(&got, 2)
		fmt.Fprint(cw, in)
		if err := cw.Flush(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("%q (-tabwriter +columns):\n%s", in, diff)
		}
	}
}

// TestColourTakesNoWidth: a coloured cell pushes nothing out of line; the
// padding is outside the colour.
func TestColourTakesNoWidth(t *testing.T) {
	var b bytes.Buffer
	cw := columns.NewWriter(&b, 2)
	fmt.Fprintf(cw, "PKG\tSEVERITY\tFIXED\n")
	fmt.Fprintf(cw, "a\t%s\t1.0\n", columns.Paint("critical", "1;31"))
	fmt.Fprintf(cw, "bb\t%s\t2.0\n", "unknown")
	fmt.Fprintf(cw, "c\t%s\t3.0\n", columns.Paint("low", "36"))
	cw.Flush()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	col := -1
	for i, l := range lines {
		plain := strip(l)
		at := strings.Index(plain, []string{"FIXED", "1.0", "2.0", "3.0"}[i])
		if col == -1 {
			col = at
		}
		if at != col {
			t.Errorf("line %d: third column at %d, want %d:\n%s", i, at, col, b.String())
		}
	}
	if !strings.Contains(b.String(), "\x1b[1;31mcritical\x1b[0m  ") {
		t.Errorf("padding not after the colour: %q", b.String())
	}
	if got := columns.Width("\x1b[1;31mcritical\x1b[0m"); got != 8 {
		t.Errorf("Width = %d, want 8", got)
	}
}

func strip(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func FuzzWidth(f *testing.F) {
	for _, s := range []string{"", "abc", "\x1b[31mred\x1b[0m", "\x1b[", "\x1b[1;3", "é\x1b[0m", "\x1b\x1b[m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n := columns.Width(s); n < 0 || n > len(s) {
			t.Errorf("Width(%q) = %d", s, n)
		}
		if !strings.Contains(s, "\x1b") && columns.Width(s) != len([]rune(s)) {
			t.Errorf("Width(%q) differs from the rune count", s)
		}
	})
}
