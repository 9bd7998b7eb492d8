package secrets

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	ahocorasick "github.com/petar-dambovaliev/aho-corasick"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

type hit struct {
	Rule, Path string
	Line       int
	Match      string
}

func hits(fs []finding.Finding) []hit {
	var out []hit
	for _, f := range fs {
		out = append(out, hit{f.ID, f.Evidence.Path, f.Evidence.Line, f.Evidence.Match})
	}
	return out
}

// Every rule fires on testdata/positive/<rule>.txt and on nothing in
// testdata/negative/.
func TestRulesPositiveAndNegative(t *testing.T) {
	s := New()
	s.AllowPaths = nil
	for _, r := range s.rules {
		t.Run(r.ID, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "positive", r.ID+".txt"))
			if err != nil {
				t.Fatalf("no positive fixture for %s: %v", r.ID, err)
			}
			got := s.Scan("f", b)
			found := false
			for _, f := range got {
				if f.ID == r.ID {
					found = true
					if strings.Contains(string(b), strings.TrimRight(f.Evidence.Match, "*")+"****") {
						t.Errorf("match not redacted: %q", f.Evidence.Match)
					}
				}
			}
			if !found {
				t.Errorf("%s: no finding in its positive fixture; got %v", r.ID, hits(got))
			}
		})
	}
	negs, _ := filepath.Glob(filepath.Join("testdata", "negative", "*"))
	if len(negs) == 0 {
		t.Fatal("no negative fixtures")
	}
	for _, p := range negs {
		b, _ := os.ReadFile(p)
		if got := s.Scan(p, b); len(got) > 0 {
			t.Errorf("%s: false positives %v", p, hits(got))
		}
	}
}

func TestLocationAndRedaction(t *testing.T) {
	s := New()
	// Built at run time so the source file itself holds no key.
	data := "# config\nregion = eu-west-1\naws_access_key_id = " + "AKIA" + "Z7VQ3MXN5KLP2RTW\n"
	got := hits(s.Scan("root/.aws/credentials", []byte(data)))
	want := []hit{{"secret-aws-access-key-id", "root/.aws/credentials", 3, "AKIA****************"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	if got := s.Scan("x", []byte("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")); len(got) != 0 {
		t.Errorf("documented example key reported: %v", hits(got))
	}
}

func TestWantsAndBinary(t *testing.T) {
	s := New()
	for p, want := range map[string]bool{
		"app/config.yaml":                                    true,
		"usr/share/doc/openssl/README":                       false,
		"usr/lib/python3/dist-packages/x/tests/test_keys.py": false,
		"srv/app/testdata/key.pem":                           false,
	} {
		if got := s.WantsContent(p, 0o644, 100); got != want {
			t.Errorf("WantsContent(%q) = %v", p, got)
		}
	}
	if s.WantsContent("big", 0o644, DefaultMaxSize+1) {
		t.Error("oversized file wanted")
	}
	bin := append([]byte("\x7fELF\x00\x00"), []byte("ghp_"+strings.Repeat("a1B2", 9))...)
	got, err := s.Check(context.Background(), &layerfs.Entry{Path: "usr/bin/x"}, catalog.NewBytesFile("usr/bin/x", bin))
	if err != nil || len(got) != 0 {
		t.Errorf("binary file searched: %v %v", got, err)
	}
}

// TestNoFindingsOnDebian guards against false positives: a real Debian
// bookworm root filesystem holds no credentials.
func TestNoFindingsOnDebian(t *testing.T) {
	root := testutil.DebianRoot(t, "bookworm") // read only
	s := New()
	var all []finding.Finding
	_, err := layerfs.WalkDir(context.Background(), root, layerfs.Options{}, func(e *layerfs.Entry, f layerfs.File) error {
		if f == nil || !s.WantsContent(e.Path, e.Mode, e.Size) {
			return nil
		}
		fs, err := s.Check(context.Background(), e, f)
		all = append(all, fs...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) > 0 {
		t.Errorf("%d findings on a clean Debian rootfs: %v", len(all), hits(all))
	}
}

func FuzzScan(f *testing.F) {
	f.Add([]byte("password = \"Zk38fjQ9xLw2pR7t\"\n"))
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"))
	f.Add([]byte("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc"))
	s := New()
	f.Fuzz(func(t *testing.T, b []byte) {
		got := s.Scan("f", b)
		for _, x := range got {
			if x.Evidence.Line < 1 || strings.Count(x.Evidence.Match, "*") < 4 {
				t.Fatalf("bad finding %+v", x)
			}
		}
		if viaText := s.scan(textAutomaton(), "f", b); !reflect.DeepEqual(got, viaText) {
			t.Fatalf("the two automata disagree: %v against %v", hits(got), hits(viaText))
		}
	})
}

// TestAutomataAgree: the DFA that searches file contents and the NFA that
// searches configuration texts report the same keyword matches in the same
// order, on every fixture and on this package's own source.
func TestAutomataAgree(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*"))
	srcs, _ := filepath.Glob("*.go")
	files = append(files, srcs...)
	if len(files) < 10 {
		t.Fatalf("only %d files", len(files))
	}
	matches := func(ac ahocorasick.AhoCorasick, b []byte) [][3]int {
		var out [][3]int
		it := ac.IterOverlappingByte(b)
		for m := it.Next(); m != nil; m = it.Next() {
			out = append(out, [3]int{m.Pattern(), m.Start(), m.End()})
		}
		return out
	}
	total := 0
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		dfa, nfa := matches(contentAutomaton(), b), matches(textAutomaton(), b)
		if !reflect.DeepEqual(dfa, nfa) {
			t.Errorf("%s: DFA matches %v, NFA %v", name, dfa, nfa)
		}
		total += len(dfa)
	}
	if total == 0 {
		t.Fatal("no keyword matched anywhere: the comparison proves nothing")
	}
}

// TestNoFindingsInOwnSource: the repository itself holds no credentials
// outside its test fixtures (testdata/ is on the default allow-list; the
// made-up credentials of _test.go files are fixtures too).
func TestNoFindingsInOwnSource(t *testing.T) {
	root := testutil.RepoRoot(t)
	s := New()
	var all []finding.Finding
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "bin" || strings.HasPrefix(rel, "bench/out") {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil || strings.HasSuffix(rel, "_test.go") || !s.WantsContent(filepath.ToSlash(rel), info.Mode(), info.Size()) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		all = append(all, s.Scan(filepath.ToSlash(rel), b)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) > 0 {
		t.Errorf("findings in the source tree: %v", hits(all))
	}
}
