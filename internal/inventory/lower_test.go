package inventory

import (
	"context"
	"io"
	"io/fs"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// tokens reports a content finding for every line "token=..." and a
// metadata finding for world-writable files; it counts the files it reads.
type tokens struct{ reads atomic.Int32 }

var (
	tokenRule = finding.Rule{ID: "T-1", Class: finding.Secret, Content: true}
	modeRule  = finding.Rule{ID: "M-1", Class: finding.Misconfig}
)

func (*tokens) Name() string    { return "tokens" }
func (*tokens) Version() string { return "1" }
func (*tokens) WantsContent(string, fs.FileMode, int64) bool {
	return true
}

func (c *tokens) Check(_ context.Context, e *layerfs.Entry, f catalog.File) ([]finding.Finding, error) {
	var out []finding.Finding
	if e.Kind == layerfs.KindFile && e.Mode.Perm()&0o002 != 0 {
		out = append(out, modeRule.At(finding.Evidence{Path: e.Path}))
	}
	if f == nil {
		return out, nil
	}
	c.reads.Add(1)
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "token="); ok {
			out = append(out, tokenRule.At(finding.Evidence{Path: e.Path, Line: i + 1, Match: v}))
		}
	}
	return out, nil
}

type placed struct{ Rule, Path, Match, Layer, Removed string }

func placedOf(fs []finding.Finding) []placed {
	var out []placed
	for _, f := range fs {
		out = append(out, placed{f.ID, f.Evidence.Path, f.Evidence.Match, f.Evidence.LayerDigest, f.Evidence.RemovedInLayer})
	}
	return out
}

// TestRemovedFiles: secrets in files a later layer deletes (whiteout,
// opaque directory) or replaces are reported with both layers; the same
// content left in place, re-added by a later layer, is reported once from
// the layer that added it; metadata findings of removed files are not
// reported (they are gone with the file).
func TestRemovedFiles(t *testing.T) {
	at := func(name, body string, mode int64) testutil.Entry {
		return testutil.Entry{Name: name, Body: body, Mode: mode}
	}
	l0 := testutil.LayerTar(t,
		at("root/.ssh/id_rsa", "token=key-one\n", 0o666),
		at("srv/app/.env", "token=env-one\n", 0o644),
		at("etc/kept", "token=kept\n", 0o644),
		at("etc/replaced", "token=old\n", 0o644),
		at("etc/chowned", "token=same\n", 0o644),
	)
	l1 := testutil.LayerTar(t,
		testutil.Entry{Name: "root/.ssh/.wh.id_rsa"},
		testutil.Entry{Name: "srv/app/.wh..wh..opq"},
		at("srv/app/other", "clean\n", 0o644),
		at("etc/replaced", "token=new\n", 0o644),
		at("etc/chowned", "token=same\n", 0o600),
	)
	a := &Analyzer{Checkers: []Checker{&tokens{}}}
	inv, err := Assemble(analyze(t, a, l0, l1), []string{"L0", "L1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []placed{
		{"T-1", "etc/chowned", "same", "L0", ""},
		{"T-1", "etc/kept", "kept", "L0", ""},
		{"T-1", "etc/replaced", "new", "L1", ""},
		{"T-1", "etc/replaced", "old", "L0", "L1"},
		{"T-1", "root/.ssh/id_rsa", "key-one", "L0", "L1"},
		{"T-1", "srv/app/.env", "env-one", "L0", "L1"},
	}
	if d := cmp.Diff(want, placedOf(inv.Findings)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
}

// TestUnchangedFileReadOnce: a file another layer of the same scan holds
// with the same path, size and modification time is not read again, and
// gives the same findings.
func TestUnchangedFileReadOnce(t *testing.T) {
	body := "token=abc\n"
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	l0 := testutil.LayerTar(t, testutil.Entry{Name: "etc/conf", Body: body, ModTime: mtime})
	l1 := testutil.LayerTar(t, testutil.Entry{Name: "etc/conf", Body: body, Mode: 0o600, ModTime: mtime})
	c := &tokens{}
	a := &Analyzer{Checkers: []Checker{c}}
	inv, err := Assemble(analyze(t, a, l0, l1), []string{"L0", "L1"})
	if err != nil {
		t.Fatal(err)
	}
	if n := c.reads.Load(); n != 1 {
		t.Errorf("read %d times, want once", n)
	}
	if d := cmp.Diff([]placed{{"T-1", "etc/conf", "abc", "L0", ""}}, placedOf(inv.Findings)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
}
