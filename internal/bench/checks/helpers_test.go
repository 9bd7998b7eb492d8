package checks

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

// statuses runs the checks matching patterns against s and returns id ->
// status.
func statuses(t *testing.T, s *facts.Snapshot, cfg Config, patterns ...string) map[string]bench.Status {
	t.Helper()
	sel, err := bench.ParseSelection(patterns, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	rep := bench.Run(All(cfg), sel, s)
	out := map[string]bench.Status{}
	for _, r := range rep.Results {
		out[r.ID] = r.Status
	}
	return out
}

// warned lists the ids whose status is warn, sorted.
func warned(st map[string]bench.Status) []string {
	var out []string
	for id, s := range st {
		if s == bench.Warn {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return bench.CompareIDs(out[i], out[j]) < 0 })
	return out
}

// fakeFile is one entry of a fake host root.
type fakeFile struct {
	content  string
	mode     uint32 // chmod(2) bits, 0o4755 style
	uid, gid int
	dir      bool
}

// fakeRoot builds a host root with chosen owners and modes and gathers it
// (no engine). Changing owners needs root; otherwise the test skips.
func fakeRoot(t *testing.T, files map[string]fakeFile, opt facts.Options) *facts.Snapshot {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown files in the fake host root")
	}
	root := t.TempDir()
	for p, f := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if f.dir {
			if err := os.Mkdir(full, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(full, []byte(f.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(full, f.uid, f.gid); err != nil {
			t.Fatal(err)
		}
		// Chmod after chown: chown clears setuid/setgid bits.
		// syscall.Chmod takes the raw bits, setuid (0o4000) included.
		if err := syscall.Chmod(full, uint32(f.mode)); err != nil {
			t.Fatal(err)
		}
	}
	opt.HostRoot = root
	s, err := facts.Gather(context.Background(), nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
