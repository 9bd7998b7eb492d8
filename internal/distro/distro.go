// Package distro identifies the operating system of an image from
// os-release and, when that is missing, from the release files that older or
// minimal images still carry.
//
// # Data flow
//
// During the layer walk, files for which [Wants] is true are kept (they are
// tiny). After the layers are merged, [Detect] reads them through a lookup
// that already resolved symlinks and whiteouts, trying os-release first and
// the fallbacks in a fixed order. No file at all means (nil, nil): the caller
// reports "OS not identified", never a default.
package distro

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Files are the paths Detect may read, in the order it tries them.
var Files = []string{
	"etc/os-release",
	"usr/lib/os-release",
	"etc/alpine-release",
	"etc/debian_version",
	"etc/redhat-release",
	"etc/centos-release",
	"etc/rocky-release",
	"etc/almalinux-release",
	"etc/fedora-release",
	"etc/system-release",
	"etc/lsb-release",
}

// MaxFileSize bounds a release file; anything larger is not one.
const MaxFileSize = 64 << 10

// Wants reports whether a file at p should be kept for Detect.
func Wants(p string, size int64) bool {
	if size > MaxFileSize {
		return false
	}
	for _, f := range Files {
		if p == f {
			return true
		}
	}
	return false
}

// Lookup returns the content of a file of the merged image, following
// symlinks inside the image.
type Lookup func(path string) ([]byte, bool)

// Detect identifies the distribution, or returns nil when no release file
// says anything.
func Detect(read Lookup) *sbom.Distro {
	for _, p := range []string{"etc/os-release", "usr/lib/os-release"} {
		if b, ok := read(p); ok {
			if d := ParseOSRelease(b); d != nil {
				d.Source = p
				fillDebianVersion(d, read)
				return d
			}
		}
	}
	for _, fb := range fallbacks {
		b, ok := read(fb.path)
		if !ok {
			continue
		}
		if d := fb.parse(bytes.TrimSpace(b)); d != nil {
			d.Source = fb.path
			return d
		}
	}
	return nil
}

// ParseOSRelease parses an os-release file (freedesktop.org format:
// KEY=value lines, values optionally quoted with shell escapes).
func ParseOSRelease(b []byte) *sbom.Distro {
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), MaxFileSize)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		kv[strings.TrimSpace(k)] = unquote(strings.TrimSpace(v))
	}
	if kv["ID"] == "" {
		return nil
	}
	d := &sbom.Distro{
		ID:         strings.ToLower(kv["ID"]),
		VersionID:  kv["VERSION_ID"],
		Codename:   kv["VERSION_CODENAME"],
		PrettyName: kv["PRETTY_NAME"],
	}
	if like := strings.Fields(kv["ID_LIKE"]); len(like) > 0 {
		d.IDLike = like
	}
	return d
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		inner := v[1 : len(v)-1]
		if v[0] == '"' {
			if s, err := strconv.Unquote(`"` + strings.ReplaceAll(inner, `\$`, `$`) + `"`); err == nil {
				return s
			}
		}
		return inner
	}
	return v
}

// fillDebianVersion completes Debian testing/unstable, whose os-release has
// no VERSION_ID: debian_version then says "trixie/sid".
func fillDebianVersion(d *sbom.Distro, read Lookup) {
	if d.ID != "debian" || d.VersionID != "" {
		return
	}
	if b, ok := read("etc/debian_version"); ok {
		v := strings.TrimSpace(string(b))
		if c, _, ok := strings.Cut(v, "/"); ok && d.Codename == "" {
			d.Codename = c
		}
	}
}

type fallback struct {
	path  string
	parse func([]byte) *sbom.Distro
}

var (
	redhatRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.*?) (?:Linux )?release ([0-9][0-9.]*)`) })
	verRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+(\.[0-9]+)*`) })
)

var fallbacks = []fallback{
	{"etc/alpine-release", func(b []byte) *sbom.Distro {
		v := verRe().Find(b)
		if v == nil {
			return nil
		}
		return &sbom.Distro{ID: "alpine", VersionID: string(v), PrettyName: "Alpine Linux v" + string(v)}
	}},
	{"etc/debian_version", func(b []byte) *sbom.Distro {
		s := string(b)
		if v := verRe().FindString(s); v != "" {
			major, _, _ := strings.Cut(v, ".")
			return &sbom.Distro{ID: "debian", VersionID: major, PrettyName: "Debian " + v}
		}
		if c, _, ok := strings.Cut(s, "/"); ok && c != "" {
			return &sbom.Distro{ID: "debian", Codename: c, PrettyName: "Debian " + s}
		}
		return nil
	}},
	{"etc/redhat-release", parseRedHat},
	{"etc/centos-release", parseRedHat},
	{"etc/rocky-release", parseRedHat},
	{"etc/almalinux-release", parseRedHat},
	{"etc/fedora-release", parseRedHat},
	{"etc/system-release", parseRedHat},
	{"etc/lsb-release", func(b []byte) *sbom.Distro {
		kv := map[string]string{}
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
				kv[k] = unquote(v)
			}
		}
		if kv["DISTRIB_ID"] == "" {
			return nil
		}
		return &sbom.Distro{ID: strings.ToLower(kv["DISTRIB_ID"]), VersionID: kv["DISTRIB_RELEASE"],
			Codename: kv["DISTRIB_CODENAME"], PrettyName: kv["DISTRIB_DESCRIPTION"]}
	}},
}

// parseRedHat reads "<Name> [Linux ]release <version> (<codename>)" lines.
func parseRedHat(b []byte) *sbom.Distro {
	m := redhatRe().FindSubmatch(b)
	if m == nil {
		return nil
	}
	name := strings.ToLower(string(m[1]))
	id := ""
	switch {
	case strings.Contains(name, "red hat"):
		id = "rhel"
	case strings.Contains(name, "centos"):
		id = "centos"
	case strings.Contains(name, "rocky"):
		id = "rocky"
	case strings.Contains(name, "alma"):
		id = "almalinux"
	case strings.Contains(name, "fedora"):
		id = "fedora"
	case strings.Contains(name, "amazon"):
		id = "amzn"
	case strings.Contains(name, "oracle"):
		id = "ol"
	default:
		id = strings.Fields(name)[0]
	}
	return &sbom.Distro{ID: id, VersionID: string(m[2]), PrettyName: strings.TrimSpace(string(b))}
}
