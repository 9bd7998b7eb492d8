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
	readers := []string{"vulndb", "match", "scan", "server", "agent"}
	for _, r := range readers {
		t.Run(r, func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command(goCmd, "list", "-deps", mod+r).Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", r, err)
			}
			for dep := range strings.FieldsSeq(string(out)) {
				if strings.HasPrefix(dep, mod+"advisory/feed") || dep == mod+"vulndb/importer" {
					t.Errorf("%s links %s", r, dep)
				}
			}
		})
	}
}
