package python_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/catalog/python"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
	"github.com/bulwark-sec/bulwark/internal/vercmp/pep440"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

// listDistributions asks Python's own reader of installed metadata
// (importlib.metadata, which pip uses on Python 3.11 and later) for the
// name@version of every distribution in each folder.
func listDistributions(t *testing.T, dirs []string) map[string][]string {
	t.Helper()
	py := testutil.NeedCommand(t, "python3")
	const prog = `import importlib.metadata as m, json, sys
print(json.dumps({d: sorted(x.metadata["Name"] + "@" + x.version for x in m.distributions(path=[d])) for d in sys.argv[1:]}))`
	out, err := exec.Command(py, append([]string{"-c", prog}, dirs...)...).Output()
	if err != nil {
		t.Skipf("python3 cannot list distributions: %v", err)
	}
	var res map[string][]string
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("importlib.metadata output: %v", err)
	}
	return res
}

// catalogSite parses every metadata file of a site-packages folder with
// the cataloger, as the layer walker would offer them.
func catalogSite(t *testing.T, dir, imagePrefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var set []string
	c := python.New()
	for _, e := range entries {
		var rel string
		switch {
		case strings.HasSuffix(e.Name(), ".dist-info") && e.IsDir():
			rel = e.Name() + "/METADATA"
		case strings.HasSuffix(e.Name(), ".egg-info") && e.IsDir():
			rel = e.Name() + "/PKG-INFO"
		case strings.HasSuffix(e.Name(), ".egg-info"):
			rel = e.Name()
		default:
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		pkgs, err := catalogtest.ParseBytes(t, c, imagePrefix+rel, data, 0o644)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
		}
		for _, p := range pkgs {
			set = append(set, p.Name+"@"+p.Version)
		}
	}
	slices.Sort(set)
	return set
}

// TestAgreesWithImportlib compares the cataloger with Python's own
// reading of the same environments: the fixtures, and the Python
// installation of the machine running the test (real metadata from many
// publishers).
func TestAgreesWithImportlib(t *testing.T) {
	dirs := []string{
		"testdata/srv/venv/lib/python3.7/site-packages",
		"testdata/usr/lib/python3/dist-packages",
		"testdata/usr/local/lib/python3.10/site-packages",
	}
	if out, err := exec.Command("python3", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	lists := listDistributions(t, dirs)
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			want := lists[dir]
			if len(want) == 0 {
				t.Skip("Python finds no distributions")
			}
			got := catalogSite(t, dir, "usr/lib/python3/site-packages/")
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("differs from importlib.metadata (-python +bulwark):\n%s", d)
			}
			t.Logf("%d distributions", len(got))
		})
	}
}

// osvRecord is the part of an OSV record the expectation needs.
type osvRecord struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Withdrawn string   `json:"withdrawn"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Type   string              `json:"type"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
}

// osvAffects evaluates one affected entry for version v as the OSV schema
// defines it: v is affected when it is listed in versions, or when, walking
// an ECOSYSTEM range's events in version order, the last event at or below
// v introduced it (fixed closes the range at the fixed version,
// last_affected just above it).
func osvAffects(versions []string, ranges []struct {
	Type   string              `json:"type"`
	Events []map[string]string `json:"events"`
}, v string) bool {
	for _, lv := range versions {
		if pep440.Compare(lv, v) == 0 {
			return true
		}
	}
	for _, r := range ranges {
		if r.Type != "ECOSYSTEM" {
			continue
		}
		type ev struct{ kind, ver string }
		var evs []ev
		for _, e := range r.Events {
			for k, val := range e {
				if k != "limit" {
					evs = append(evs, ev{k, val})
				}
			}
		}
		slices.SortStableFunc(evs, func(a, b ev) int {
			if a.ver == "0" || b.ver == "0" {
				switch {
				case a.ver == b.ver:
					return 0
				case a.ver == "0":
					return -1
				}
				return 1
			}
			return pep440.Compare(a.ver, b.ver)
		})
		affected := false
		for _, e := range evs {
			switch e.kind {
			case "introduced":
				if e.ver == "0" || pep440.Compare(v, e.ver) >= 0 {
					affected = true
				}
			case "fixed":
				if pep440.Compare(v, e.ver) >= 0 {
					affected = false
				}
			case "last_affected":
				if pep440.Compare(v, e.ver) > 0 {
					affected = false
				}
			}
		}
		if affected {
			return true
		}
	}
	return false
}

// expectedPyPI reads the OSV PyPI export and returns, per normalised
// package name, the records affecting the given version.
func expectedPyPI(t *testing.T, zipPath string, installed map[string]string) map[string][]osvRecord {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]osvRecord{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		var r osvRecord
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if r.Withdrawn != "" {
			continue
		}
		for _, a := range r.Affected {
			name := sbom.NormalizePythonName(a.Package.Name)
			v, ok := installed[name]
			if a.Package.Ecosystem != "PyPI" || !ok {
				continue
			}
			if osvAffects(a.Versions, a.Ranges, v) {
				out[name] = append(out[name], r)
				break
			}
		}
	}
	return out
}

// TestPyPIFindingsMatchOSV is acceptance test 3: old releases of real
// distributions, installed in a virtual environment, are reported with
// exactly the advisories of the OSV PyPI export whose ranges include them,
// the expectation being computed here from the export's JSON with PEP 440
// ordering and no code of the matcher.
func TestPyPIFindingsMatchOSV(t *testing.T) {
	zipPath := testutil.Shared(t, "advisories/osv/PyPI/all.zip")
	dbPath := filepath.Join(t.TempDir(), "bulwark.db")
	ctx := context.Background()
	if _, err := importer.Import(ctx, dbPath, []string{zipPath}, importer.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	rep, err := scan.Inventory(ctx, "dir:testdata/srv/venv", scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	installed := map[string]string{}
	for _, p := range rep.Packages {
		if p.Type == sbom.Python {
			installed[sbom.NormalizePythonName(p.Name)] = p.Version
		}
	}
	wantInstalled := map[string]string{"jinja2": "2.10", "requests": "2.19.1", "urllib3": "1.24.1", "django": "2.2", "pyyaml": "5.3"}
	if d := cmp.Diff(wantInstalled, installed); d != "" {
		t.Fatalf("inventory (-want +got):\n%s", d)
	}
	if err := scan.Match(ctx, rep, db, false); err != nil {
		t.Fatal(err)
	}

	expected := expectedPyPI(t, zipPath, installed)
	for name := range installed {
		if len(expected[name]) == 0 {
			t.Fatalf("the export has no advisory for %s %s: pick an older version", name, installed[name])
		}
	}
	byPkg := map[string][]report.Vulnerability{}
	for _, v := range rep.Vulnerabilities {
		byPkg[sbom.NormalizePythonName(v.Package.Name)] = append(byPkg[sbom.NormalizePythonName(v.Package.Name)], v)
	}
	total := 0
	for name, recs := range expected {
		ids := map[string]bool{}
		for _, r := range recs {
			ids[r.ID] = true
		}
		// Every finding stands for at least one expected record, and
		// together they cover all of them; records that share an id or
		// alias are one finding.
		covered := map[string]bool{}
		for _, v := range byPkg[name] {
			n := 0
			for _, id := range append([]string{v.ID, v.Match.Advisory}, v.Aliases...) {
				if ids[id] {
					covered[id] = true
					n++
				}
			}
			if n == 0 {
				t.Errorf("%s: finding %s (%s) is not among the expected advisories", name, v.ID, v.Match.Range)
			}
		}
		var want, got []string
		for id := range ids {
			want = append(want, id)
		}
		for id := range covered {
			got = append(got, id)
		}
		slices.Sort(want)
		slices.Sort(got)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s %s: advisories (-OSV export +findings):\n%s", name, installed[name], d)
		}
		if g := groups(recs); len(byPkg[name]) != g {
			t.Errorf("%s: %d findings for %d distinct vulnerabilities", name, len(byPkg[name]), g)
		}
		total += len(recs)
	}
	for name := range byPkg {
		if _, ok := expected[name]; !ok {
			t.Errorf("findings for %s, which no advisory affects", name)
		}
	}
	t.Logf("%d advisories over %d distributions", total, len(installed))
}

// groups counts the records left once those sharing an id or alias are
// merged.
func groups(recs []osvRecord) int {
	parent := make([]int, len(recs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, r := range recs {
		for _, id := range append([]string{r.ID}, r.Aliases...) {
			if j, ok := owner[id]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[id] = i
			}
		}
	}
	n := 0
	for i := range parent {
		if find(i) == i {
			n++
		}
	}
	return n
}
