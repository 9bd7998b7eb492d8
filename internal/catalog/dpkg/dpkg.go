// Package dpkg catalogs Debian packages from the dpkg database:
// var/lib/dpkg/status, and the one-stanza-per-file var/lib/dpkg/status.d/
// that distroless images use instead.
//
// Only packages whose files are on disk are reported: every state except
// not-installed and config-files (dpkg(1), "package states"). Each package
// carries its source package and source version, because Debian's
// advisories name source packages.
package dpkg

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

const (
	statusPath = "var/lib/dpkg/status"
	statusDir  = "var/lib/dpkg/status.d/"
	// maxStatusSize bounds the database file; the largest real ones are a
	// few MB.
	maxStatusSize = 256 << 20
)

// Cataloger reads dpkg databases. The zero value is ready to use.
type Cataloger struct{}

var _ catalog.Cataloger = (*Cataloger)(nil)

// New returns a dpkg cataloger.
func New() *Cataloger { return &Cataloger{} }

func (*Cataloger) Name() string    { return "dpkg" }
func (*Cataloger) Version() string { return "1" }

func (*Cataloger) Wants(p string, _ fs.FileMode, size int64) bool {
	if size > maxStatusSize {
		return false
	}
	if p == statusPath {
		return true
	}
	if rest, ok := strings.CutPrefix(p, statusDir); ok {
		return rest != "" && !strings.Contains(rest, "/") && !strings.HasSuffix(rest, ".md5sums")
	}
	return false
}

func (*Cataloger) Parse(ctx context.Context, f catalog.File) ([]sbom.Package, error) {
	pkgs, err := parseStatus(f, catalog.NewRecords(ctx))
	if err != nil {
		return nil, fmt.Errorf("dpkg: %w", err)
	}
	for i := range pkgs {
		pkgs[i].Locations = []sbom.Location{{Path: f.Path()}}
	}
	return pkgs, nil
}

// errNoPackage marks a stanza without a Package field.
var errNoPackage = errors.New("stanza without Package field")

// ParseStatus reads a dpkg status file (deb822 stanzas separated by blank
// lines) and returns the installed packages in file order.
func ParseStatus(r io.Reader) ([]sbom.Package, error) {
	return parseStatus(r, catalog.NewRecords(context.Background()))
}

// parseStatus is ParseStatus, counting stanzas against records.
func parseStatus(r io.Reader, records *catalog.Records) ([]sbom.Package, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var (
		pkgs  []sbom.Package
		st    stanza
		line  int
		start int
	)
	flush := func() error {
		defer st.reset()
		if st.empty() {
			return nil
		}
		if err := records.Add(); err != nil {
			return err
		}
		p, ok, err := st.pkg()
		if err != nil {
			return fmt.Errorf("stanza at line %d: %w", start, err)
		}
		if ok {
			pkgs = append(pkgs, p)
		}
		return nil
	}
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(bytes.TrimSpace(b)) == 0 {
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		if st.empty() {
			start = line
		}
		if b[0] == ' ' || b[0] == '\t' {
			continue // continuation of a multi-line field; none we read
		}
		k, v, ok := bytes.Cut(b, []byte{':'})
		if !ok {
			return nil, fmt.Errorf("line %d: not a field", line)
		}
		st.set(string(k), string(bytes.TrimSpace(v)))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading status: %w", err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return pkgs, nil
}

// stanza keeps the fields of one package that matter.
type stanza struct {
	name, status, version, arch, source, license string
	any                                          bool
}

func (s *stanza) reset()      { *s = stanza{} }
func (s *stanza) empty() bool { return !s.any }

func (s *stanza) set(k, v string) {
	s.any = true
	switch strings.ToLower(k) {
	case "package":
		s.name = v
	case "status":
		s.status = v
	case "version":
		s.version = v
	case "architecture":
		s.arch = v
	case "source":
		s.source = v
	case "license": // not standard dpkg, but some distroless builders add it
		s.license = v
	}
}

// pkg returns the stanza's package and whether it is installed. A missing
// Status field (status.d stanzas have none) means installed.
func (s *stanza) pkg() (sbom.Package, bool, error) {
	if s.name == "" {
		return sbom.Package{}, false, errNoPackage
	}
	if s.status != "" {
		f := strings.Fields(s.status)
		if len(f) != 3 {
			return sbom.Package{}, false, fmt.Errorf("package %s: malformed Status %q", s.name, s.status)
		}
		if f[2] == "not-installed" || f[2] == "config-files" {
			return sbom.Package{}, false, nil
		}
	}
	if s.version == "" {
		return sbom.Package{}, false, fmt.Errorf("package %s: no Version", s.name)
	}
	p := sbom.Package{Name: s.name, Version: s.version, Type: sbom.Deb, Arch: s.arch}
	p.SourceName, p.SourceVersion = s.name, s.version
	if s.source != "" {
		name, ver, ok := strings.Cut(s.source, " ")
		p.SourceName = name
		if ok {
			ver = strings.TrimSpace(ver)
			if strings.HasPrefix(ver, "(") && strings.HasSuffix(ver, ")") {
				p.SourceVersion = strings.TrimSpace(ver[1 : len(ver)-1])
			}
		}
	}
	if s.license != "" {
		p.License = []string{s.license}
	}
	return p, true, nil
}

// ReadsDatabases marks status files as package databases.
func (*Cataloger) ReadsDatabases() bool { return true }

var _ catalog.DatabaseReader = (*Cataloger)(nil)
