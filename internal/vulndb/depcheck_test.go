package vulndb_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// TestReadersLinkNoFeedParser keeps the feed parsers out of what only reads
// the database (as go-containerregistry's depcheck test keeps the daemon
// client out of its CLI): they belong to package importer alone.
func TestReadersLinkNoFeedParser(t *testing.T) {
	goCmd := testutil.NeedCommand(t, "go")
	const mod = "github.com/bulwark-sec/bulwark/internal/"
	var pkgs []string
	for _, r := range []string{"vulndb", "match", "scan", "server", "agent"} {
		pkgs = append(pkgs, mod+r)
	}
	// One go list for all of them: each loads the whole package graph.
	out, err := exec.Command(goCmd, append([]string{"list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}"}, pkgs...)...).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", strings.Join(pkgs, " "), err)
	}
	listed := 0
	for line := range strings.Lines(string(out)) {
		pkg, deps, _ := strings.Cut(strings.TrimSpace(line), " ")
		listed++
		for dep := range strings.FieldsSeq(deps) {
			if strings.HasPrefix(dep, mod+"advisory/feed") || dep == mod+"vulndb/importer" {
				t.Errorf("%s links %s", strings.TrimPrefix(pkg, mod), dep)
			}
		}
	}
	if listed != len(pkgs) {
		t.Fatalf("go list printed %d packages, want %d:\n%s", listed, len(pkgs), out)
	}
}
