package checks

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

type catalogueRow struct {
	id, title, level string
}

func readCatalogue(t *testing.T) []catalogueRow {
	t.Helper()
	f, err := os.Open(testutil.Shared(t, "bench/cis-docker-checks.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []catalogueRow
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 4 {
			continue
		}
		rows = append(rows, catalogueRow{id: cols[0], title: cols[2], level: cols[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 100 {
		t.Fatalf("catalogue has %d rows; expected the full list", len(rows))
	}
	return rows
}

// notAutomated returns the ids README.md's bench section lists as not
// automated, with their reasons.
func notAutomated(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testutil.RepoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	begin, end := strings.Index(text, "<!-- bench:begin -->"), strings.Index(text, "<!-- bench:end -->")
	if begin < 0 || end < begin {
		t.Fatal("README.md has no bench section markers")
	}
	row := regexp.MustCompile("(?m)^\\|\\s*`?([0-9C][0-9.]*)`?\\s*\\|[^|]*\\|\\s*([^|]*?)\\s*\\|\\s*$")
	out := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(text[begin:end], -1) {
		out[m[1]] = m[2]
	}
	return out
}

// Every catalogued check is automated or listed in README.md with the reason
// it cannot be; every implemented check is in the catalogue with its level.
func TestCatalogueCoverage(t *testing.T) {
	rows := readCatalogue(t)
	byID := map[string]bench.Check{}
	for _, c := range All(Config{}) {
		if _, dup := byID[c.ID]; dup {
			t.Errorf("check %s defined twice", c.ID)
		}
		byID[c.ID] = c
	}
	listed := notAutomated(t)
	inCatalogue := map[string]bool{}
	for _, r := range rows {
		inCatalogue[r.id] = true
		c, ok := byID[r.id]
		if ok && c.Automated {
			if want, err := strconv.Atoi(r.level); err == nil && c.Level != want {
				t.Errorf("%s: level %d, catalogue says %s", r.id, c.Level, r.level)
			}
			if _, dup := listed[r.id]; dup {
				t.Errorf("%s is automated but README lists it as not automated", r.id)
			}
			continue
		}
		if reason := listed[r.id]; len(reason) < 10 {
			t.Errorf("%s (%s) is neither automated nor listed in README.md with a reason", r.id, r.title)
		}
	}
	for id := range byID {
		if !inCatalogue[id] {
			t.Errorf("check %s is not in the catalogue", id)
		}
	}
	for id := range listed {
		if !inCatalogue[id] {
			t.Errorf("README lists %s, which is not in the catalogue", id)
		}
	}
}
