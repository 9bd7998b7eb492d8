package dockerfile

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

type row struct {
	ID   string
	Line int
}

func check(t *testing.T, path string) []row {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, err := Check(path, f)
	if err != nil {
		t.Fatal(err)
	}
	var out []row
	for _, x := range fs {
		if x.Evidence.Path != path {
			t.Errorf("finding without path: %+v", x)
		}
		out = append(out, row{x.ID, x.Evidence.Line})
	}
	return out
}

func TestBad(t *testing.T) {
	got := check(t, "testdata/bad.Dockerfile")
	want := []row{
		{"BW-IMG-001", 19}, // USER root
		{"BW-IMG-007", 8},  // ARG token
		{"BW-IMG-007", 9},  // ENV password
		{"BW-IMG-003", 14}, // ADD URL
		{"BW-IMG-008", 17}, // EXPOSE 22
		{"BW-IMG-009", 7},  // FROM debian
		{"BW-IMG-010", 13}, // curl | sh
		{"BW-IMG-011", 16}, // wget http://
		{"BW-IMG-002", 7},  // no HEALTHCHECK (final stage)
		{"BW-IMG-004", 15}, // ADD archive
		{"BW-IMG-005", 11}, // update alone
		{"BW-IMG-006", 12}, // install without cleanup
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestGood(t *testing.T) {
	if got := check(t, "testdata/good.Dockerfile"); len(got) != 0 {
		t.Errorf("clean Dockerfile: %v", got)
	}
}

func TestSecretsRedacted(t *testing.T) {
	fs, err := Check("Dockerfile", strings.NewReader("FROM x:1\nENV API_KEY=ghp_R7kQ2mX9vL4pN8tB3wY6zC1dF5hJ0sA2eG4i\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if strings.Contains(f.Evidence.Match, "R7kQ2m") {
			t.Errorf("secret not redacted: %+v", f)
		}
	}
}

func TestBadInput(t *testing.T) {
	if _, err := Check("x", strings.NewReader(strings.Repeat("x", 5<<20))); err == nil {
		t.Error("oversized Dockerfile accepted")
	}
}

func FuzzCheck(f *testing.F) {
	b, _ := os.ReadFile("testdata/bad.Dockerfile")
	f.Add(string(b))
	f.Add("FROM a AS b\nFROM b\nUSER 0:0\nHEALTHCHECK NONE\n")
	f.Add("# escape=`\nFROM x\nRUN a `\n b\n")
	f.Fuzz(func(t *testing.T, s string) {
		fs, err := Check("Dockerfile", strings.NewReader(s))
		if err != nil {
			return
		}
		finding.Sort(fs)
	})
}
