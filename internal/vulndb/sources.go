package vulndb

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/alpine"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/debian"
	"github.com/bulwark-sec/bulwark/internal/advisory/feed/osv"
)

// Kind is a feed file format.
type Kind string

const (
	KindOSVZip        Kind = "osv-zip"        // an ecosystem's all.zip
	KindOSVDir        Kind = "osv-dir"        // a folder of OSV JSON records
	KindOSVRecord     Kind = "osv-json"       // one OSV JSON record
	KindDebianList    Kind = "debian-list"    // data/DSA/list or data/DLA/list
	KindDebianTracker Kind = "debian-tracker" // the tracker JSON export
	KindAlpineSecDB   Kind = "alpine-secdb"   // v3.N/{main,community}.json
)

// FileError says which feed file failed to parse.
type FileError struct {
	Source string // the source name ("osv/Go") or ""
	Path   string
	Err    error
}

func (e *FileError) Error() string {
	if e.Source != "" {
		return fmt.Sprintf("feed %s (%s): %v", e.Source, e.Path, e.Err)
	}
	return fmt.Sprintf("feed file %s: %v", e.Path, e.Err)
}
func (e *FileError) Unwrap() error { return e.Err }

// parsed is one feed file after parsing.
type parsed struct {
	meta SourceMeta
	advs []*advisory.Advisory
}

// parseFile parses one local feed file (or OSV folder) of a known kind.
// name may be empty; it is then derived from the content.
func parseFile(ctx context.Context, path string, kind Kind, name string) (*parsed, error) {
	var (
		advs []*advisory.Advisory
		err  error
		fp   feed.Fingerprint
	)
	if kind == KindOSVDir {
		advs, err = osv.ParseDir(ctx, os.DirFS(path), ".")
		// A folder has no single content hash; the ids and modification
		// times of its records stand in.
		h := sha256.New()
		for _, a := range advs {
			fmt.Fprintf(h, "%s\x00%s\n", a.ID, a.Modified.Format(time.RFC3339Nano))
		}
		fp = feed.Fingerprint("sha256:" + hex.EncodeToString(h.Sum(nil)))
	} else {
		advs, fp, err = parseOne(ctx, path, kind)
	}
	if err != nil {
		return nil, &FileError{Source: name, Path: path, Err: err}
	}
	if name == "" {
		name = deriveName(path, kind, advs)
	}
	fi, _ := os.Stat(path)
	m := SourceMeta{Name: name, URL: path, Fingerprint: fp, Count: len(advs)}
	if fi != nil {
		m.FetchedAt = fi.ModTime().UTC()
	}
	return &parsed{meta: m, advs: advs}, nil
}

func parseOne(ctx context.Context, path string, kind Kind) ([]*advisory.Advisory, feed.Fingerprint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if !fi.Mode().IsRegular() {
		return nil, "", errors.New("not a regular file")
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, "", err
	}
	fp := feed.Fingerprint("sha256:" + hex.EncodeToString(h.Sum(nil)))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, "", err
	}
	var advs []*advisory.Advisory
	switch kind {
	case KindOSVZip:
		advs, err = osv.ParseZip(ctx, f, fi.Size())
	case KindOSVRecord:
		if fi.Size() > osv.MaxRecordSize {
			return nil, "", fmt.Errorf("osv: record of %d bytes is over the %d-byte limit", fi.Size(), osv.MaxRecordSize)
		}
		var data []byte
		if data, err = io.ReadAll(f); err == nil {
			var a *advisory.Advisory
			if a, err = osv.ParseRecord(data); err == nil {
				advs = []*advisory.Advisory{a}
			}
		}
	case KindDebianList:
		source := "debian-dsa"
		if k, _ := listKind(path); k == "DLA" {
			source = "debian-dla"
		}
		advs, err = debian.ParseList(ctx, f, source)
	case KindDebianTracker:
		advs, err = debian.ParseTracker(ctx, bufio.NewReaderSize(f, 1<<20))
	case KindAlpineSecDB:
		advs, err = alpine.Parse(ctx, f)
	default:
		err = fmt.Errorf("unknown feed kind %q", kind)
	}
	return advs, fp, err
}

// listKind reads the first advisory header of a list file: DSA, DLA or DTSA.
func listKind(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for sc.Scan() {
		line := sc.Text()
		if _, rest, ok := strings.Cut(line, "] "); ok && strings.HasPrefix(line, "[") {
			k, _, _ := strings.Cut(rest, "-")
			return k, nil
		}
	}
	return "", errors.New("no advisory header")
}

func deriveName(path string, kind Kind, advs []*advisory.Advisory) string {
	switch kind {
	case KindOSVZip, KindOSVDir, KindOSVRecord:
		for _, a := range advs {
			if len(a.Affected) > 0 {
				return "osv/" + a.Affected[0].Ecosystem
			}
		}
		return "osv/" + filepath.Base(path)
	case KindDebianList:
		k, _ := listKind(path)
		return "debian/" + k
	case KindDebianTracker:
		return "debian/tracker"
	case KindAlpineSecDB:
		for _, a := range advs {
			if len(a.Affected) > 0 {
				branch := strings.TrimPrefix(a.Affected[0].Ecosystem, "Alpine:")
				return "alpine/" + branch + "/" + strings.TrimSuffix(filepath.Base(path), ".json")
			}
		}
		return "alpine/" + filepath.Base(path)
	}
	return filepath.Base(path)
}

// Detect tells the kind of a local feed file or folder from its content.
func Detect(path string) (Kind, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("vulndb: %w", err)
	}
	if fi.IsDir() {
		return KindOSVDir, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("vulndb: %w", err)
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	trim := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return KindOSVZip, nil
	case bytes.HasPrefix(trim, []byte("[")):
		return KindDebianList, nil
	case bytes.HasPrefix(trim, []byte("{")):
		return detectJSON(trim)
	}
	return "", fmt.Errorf("vulndb: %s: not a feed this version reads (OSV zip or JSON, Debian list or tracker JSON, Alpine secdb JSON)", path)
}

var osvKeys = []string{"id", "schema_version", "modified", "published", "withdrawn", "aliases", "related", "summary", "details", "severity", "affected", "references", "credits", "database_specific", "upstream"}
var secdbKeys = []string{"distroversion", "reponame", "archs", "urlprefix", "apkurl", "packages"}

// detectJSON looks at the first key of the top-level object: OSV and secdb
// have fixed field names; the tracker's keys are package names.
func detectJSON(head []byte) (Kind, error) {
	dec := json.NewDecoder(bytes.NewReader(head))
	if _, err := dec.Token(); err != nil {
		return "", fmt.Errorf("vulndb: not JSON: %w", err)
	}
	tok, err := dec.Token()
	if err != nil {
		return "", fmt.Errorf("vulndb: not JSON: %w", err)
	}
	key, _ := tok.(string)
	switch {
	case slices.Contains(secdbKeys, key):
		return KindAlpineSecDB, nil
	case slices.Contains(osvKeys, key):
		return KindOSVRecord, nil
	}
	return KindDebianTracker, nil
}

// layoutFile is one file of a mirror laid out like ../shared/advisories.
type layoutFile struct {
	name string // source name
	rel  string // slash path under the mirror root
	kind Kind
}

// scanLayout lists the feed files of a local mirror-layout folder.
func scanLayout(root string) ([]layoutFile, bool) {
	var out []layoutFile
	fsys := os.DirFS(root)
	zips, _ := fs.Glob(fsys, "osv/*/all.zip")
	for _, z := range zips {
		out = append(out, layoutFile{name: "osv/" + strings.Split(z, "/")[1], rel: z, kind: KindOSVZip})
	}
	for _, k := range []string{"DSA", "DLA"} {
		if fi, err := fs.Stat(fsys, "debian/"+k+"/list"); err == nil && fi.Mode().IsRegular() {
			out = append(out, layoutFile{name: "debian/" + k, rel: "debian/" + k + "/list", kind: KindDebianList})
		}
	}
	if fi, err := fs.Stat(fsys, "debian/tracker.json"); err == nil && fi.Mode().IsRegular() {
		out = append(out, layoutFile{name: "debian/tracker", rel: "debian/tracker.json", kind: KindDebianTracker})
	}
	secdbs, _ := fs.Glob(fsys, "alpine/*/*.json")
	for _, s := range secdbs {
		parts := strings.Split(s, "/")
		out = append(out, layoutFile{name: "alpine/" + parts[1] + "/" + strings.TrimSuffix(parts[2], ".json"), rel: s, kind: KindAlpineSecDB})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	isLayout := false
	for _, d := range []string{"osv", "debian", "alpine"} {
		if fi, err := fs.Stat(fsys, d); err == nil && fi.IsDir() {
			isLayout = true
		}
	}
	return out, isLayout
}
