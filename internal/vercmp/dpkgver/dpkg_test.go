package dpkgver

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/vercmp/internal/ordertest"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0},
		{"1.0", "1.1", -1},
		{"1.10", "1.9", 1},
		{"1.01", "1.1", 0},
		{"0:1.0", "1.0", 0},
		{"1:0.1", "2.0", 1},
		{"1.0-1", "1.0-2", -1},
		{"1.0-1", "1.0", 1},
		{"1.0-0", "1.0", 0}, // revision "0" has no non-digit and value 0
		// Debian Policy 5.6.12: ~~ < ~~a < ~ < (end) < a.
		{"1.0~~", "1.0~~a", -1},
		{"1.0~~a", "1.0~", -1},
		{"1.0~", "1.0", -1},
		{"1.0", "1.0a", -1},
		{"1.0~rc1", "1.0", -1},
		{"1.0+b1", "1.0", 1},
		{"1.0+b1", "1.0a", 1}, // letters sort before non-letters
		{"1.0.1", "1.0+b1", 1},
		{"2.30-1", "2.30-1+deb12u1", -1},
		{"1:2.3", "2:0", -1},
		{"7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1},
		{"1.2.3-1~bpo12+1", "1.2.3-1", -1},
		{"000001", "1", 0},
		{"1.0-1.2", "1.0-1.10", -1},
		// Trimmed blanks do not matter.
		{" 1.0\t", "1.0", 0},
		// Warnings still compare as dpkg does.
		{"a1", "1", 1},
		{"1_2", "1.2", 1},
		// Strings dpkg refuses sort first, bytewise.
		{"", "0", -1},
		{"1 0", "0", -1},
		{"a:1", "0", -1},
		{"1.0-", "1.0", -1},
		{"", "1 0", -1},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Compare(tt.b, tt.a); got != -tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Version
		wantErr string
	}{
		{in: "1.0", want: Version{Upstream: "1.0"}},
		{in: "2:1.0-3", want: Version{Epoch: 2, Upstream: "1.0", Revision: "3"}},
		{in: "1:2:3-4-5", want: Version{Epoch: 1, Upstream: "2:3-4", Revision: "5"}},
		{in: "  1.0 ", want: Version{Upstream: "1.0"}},
		{in: "+1:2", want: Version{Epoch: 1, Upstream: "2"}},
		{in: "", wantErr: `dpkg: parsing "": version string is empty: invalid version`},
		{in: "1 2", wantErr: `dpkg: parsing "1 2": version string has embedded spaces: invalid version`},
		{in: ":1", wantErr: `dpkg: parsing ":1": epoch in version is empty: invalid version`},
		{in: "1a:1", wantErr: `dpkg: parsing "1a:1": epoch in version is not number: invalid version`},
		{in: "-1:1", wantErr: `dpkg: parsing "-1:1": epoch in version is negative: invalid version`},
		{in: "2147483648:1", wantErr: `dpkg: parsing "2147483648:1": epoch in version is too big: invalid version`},
		{in: "1:", wantErr: `dpkg: parsing "1:": nothing after colon in version number: invalid version`},
		{in: "1-", wantErr: `dpkg: parsing "1-": revision number is empty: invalid version`},
		{in: "-1", wantErr: `dpkg: parsing "-1": version number is empty: invalid version`},
		{in: "a1", wantErr: `dpkg: parsing "a1": version number does not start with digit: invalid version`},
		{in: "1_0", wantErr: `dpkg: parsing "1_0": invalid character in version number: invalid version`},
		{in: "1-a_b", wantErr: `dpkg: parsing "1-a_b": invalid character in revision number: invalid version`},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrSyntax) {
				t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestString(t *testing.T) {
	for in, want := range map[string]string{"0:1.0-1": "1.0-1", "3:2.0": "3:2.0", "1.0": "1.0"} {
		v, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.String(); got != want {
			t.Errorf("Parse(%q).String() = %q, want %q", in, got, want)
		}
	}
}

func TestPolicyChain(t *testing.T) {
	ordertest.Chain(t, Compare, []string{
		"", "0:", "1 1", // refused by dpkg: first, bytewise
		"0~", "0", "0a", "0+", "1.0~~", "1.0~~a", "1.0~", "1.0",
		"1.0-0.1", "1.0-1~bpo1", "1.0-1", "1.0-1+b1", "1.0a", "1.0+", "1.0.1", "1.1", "9", "10", "1:0",
	})
}

func FuzzCompare(f *testing.F) {
	seeds := [][3]string{
		{"1.0", "1.0~rc1", "1:0.9"},
		{"1.0-1", "1.0-1+b1", "1.0.1"},
		{"", " ", "a:1"},
		{"1.0~~", "1.0~~a", "1.0~"},
		{"2:1.2.3-4~bpo12+1", "1.2.3-4", "\x80"},
		{"0009", "9", "09a"},
		{"1-", "1:", ":1"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ordertest.Triple(t, Compare, a, b, c)
		_ = Valid(a)
	})
}

var sink int

func BenchmarkCompare(b *testing.B) {
	pairs := [][2]string{
		{"7.88.1-10+deb12u5", "7.88.1-10+deb12u12"},
		{"1:2.38.1-5+deb12u3", "1:2.38.1-5+deb12u2"},
		{"2.36-9+deb12u7", "2.36-9+deb12u10"},
		{"3.0.11-1~deb12u2", "3.0.11-1~deb12u2"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		sink += Compare(p[0], p[1])
	}
}
