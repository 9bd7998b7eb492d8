package distro

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Feed says where the advisories for a distribution release are stored and
// how its packages are named and ordered there. It is the one mapping from
// an image's os-release to the database's ecosystem names: feed parsers
// store releases under the names [Ecosystem] derives (they call
// [CanonicalEcosystem] on what the publisher wrote), and the matcher looks
// packages up under the same names, so a feed's coverage of a release is a
// plain lookup of its ecosystem in the database.
type Feed struct {
	// Ecosystem is the release's name in the database: "Debian:12",
	// "Ubuntu:22.04:LTS", "AlmaLinux:9", "Red Hat:9", "Amazon Linux:2023",
	// "Wolfi", "SUSE:Linux Enterprise Server 15 SP5"…
	Ecosystem string
	// Also lists further ecosystems whose statements apply to the same
	// packages: Ubuntu Pro ("Ubuntu:Pro:22.04:LTS") for an Ubuntu LTS
	// release, whose standard archive's advisories then say where an
	// Ubuntu Pro fix exists.
	Also []string
	// Scheme is the version ordering: "dpkg", "apk" or "rpm".
	Scheme string
	// Binary is true when the feed names binary packages (AlmaLinux, Rocky
	// Linux, SUSE, Amazon Linux), false when it names source packages
	// (Debian, Ubuntu, Alpine, Wolfi, Chainguard, Red Hat).
	Binary bool
}

var numeric = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`) })

// Ecosystem maps a detected distribution to its feed. ok is false for a
// distribution or release no feed names (the packages are then reported as
// not checked). ID decides; VERSION_ID gives the release (the major
// version for the Red Hat family, "22.04" for Ubuntu, "v3.19" for Alpine).
// ID_LIKE is used only for rebuilds of Red Hat Enterprise Linux that carry
// its release numbers (ID_LIKE containing "rhel"), which Red Hat's own
// statements then cover.
func Ecosystem(d *sbom.Distro) (Feed, bool) {
	if d == nil {
		return Feed{}, false
	}
	if f, ok := byID(d.ID, d); ok {
		return f, true
	}
	for _, like := range d.IDLike {
		if like == "rhel" {
			return byID("rhel", d)
		}
	}
	return Feed{}, false
}

func byID(id string, d *sbom.Distro) (Feed, bool) {
	v := strings.TrimSpace(d.VersionID)
	major, _, _ := strings.Cut(v, ".")
	if v != "" && !numeric().MatchString(v) {
		return Feed{}, false
	}
	switch id {
	case "debian":
		if major != "" {
			return Feed{Ecosystem: "Debian:" + major, Scheme: "dpkg"}, true
		}
		if eco, ok := DebianEcosystem(d.Codename); ok {
			return Feed{Ecosystem: eco, Scheme: "dpkg"}, true
		}
	case "ubuntu":
		if y, m, ok := strings.Cut(v, "."); ok && len(m) == 2 {
			if n, err := strconv.Atoi(y); err == nil && n%2 == 0 && m == "04" {
				return Feed{Ecosystem: "Ubuntu:" + v + ":LTS", Also: []string{"Ubuntu:Pro:" + v + ":LTS"}, Scheme: "dpkg"}, true
			}
			return Feed{Ecosystem: "Ubuntu:" + v, Scheme: "dpkg"}, true
		}
	case "alpine":
		if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
			return Feed{Ecosystem: "Alpine:v" + parts[0] + "." + parts[1], Scheme: "apk"}, true
		}
	case "wolfi":
		return Feed{Ecosystem: "Wolfi", Scheme: "apk"}, true
	case "chainguard":
		return Feed{Ecosystem: "Chainguard", Scheme: "apk"}, true
	case "rhel", "centos":
		if major != "" {
			return Feed{Ecosystem: "Red Hat:" + major, Scheme: "rpm"}, true
		}
	case "almalinux":
		if major != "" {
			return Feed{Ecosystem: "AlmaLinux:" + major, Scheme: "rpm", Binary: true}, true
		}
	case "rocky":
		if major != "" {
			return Feed{Ecosystem: "Rocky Linux:" + major, Scheme: "rpm", Binary: true}, true
		}
	case "amzn":
		if major != "" {
			return Feed{Ecosystem: "Amazon Linux:" + major, Scheme: "rpm", Binary: true}, true
		}
	case "sles", "sled", "sles_sap", "sle_hpc", "sle-bci":
		if minor, ok := strings.CutPrefix(v, major+"."); ok && minor != "0" && minor != "" {
			return Feed{Ecosystem: "SUSE:Linux Enterprise Server " + major + " SP" + minor, Scheme: "rpm", Binary: true}, true
		}
		if major != "" {
			return Feed{Ecosystem: "SUSE:Linux Enterprise Server " + major, Scheme: "rpm", Binary: true}, true
		}
	case "sle-micro":
		if v != "" {
			return Feed{Ecosystem: "SUSE:Linux Enterprise Micro " + v, Scheme: "rpm", Binary: true}, true
		}
	case "opensuse-leap":
		if v != "" {
			return Feed{Ecosystem: "openSUSE:Leap " + v, Scheme: "rpm", Binary: true}, true
		}
	case "opensuse-leap-micro":
		if v != "" {
			return Feed{Ecosystem: "openSUSE:Leap Micro " + v, Scheme: "rpm", Binary: true}, true
		}
	case "opensuse-tumbleweed":
		return Feed{Ecosystem: "openSUSE:Tumbleweed", Scheme: "rpm", Binary: true}, true
	}
	return Feed{}, false
}

var (
	// "Linux Enterprise Module for Basesystem 15 SP5", "Linux Enterprise
	// Server 15 SP5-LTSS", "Linux Enterprise Server for SAP Applications
	// 15 SP5", "Linux Enterprise High Performance Computing 15 SP5-ESPOS".
	sleProduct = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^Linux Enterprise (.+?) ([0-9]+)(?: SP([0-9]+))?(?:-[A-Z]+)?$`)
	})
	// "Linux Enterprise Micro 5.5".
	sleMicro = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Linux Enterprise Micro ([0-9]+\.[0-9]+)$`) })
)

// CanonicalEcosystem returns the name a publisher's ecosystem is stored
// under, so it equals what [Ecosystem] derives for the release. SUSE files
// a service pack's packages under the product or module that ships them
// ("SUSE:Linux Enterprise Module for Basesystem 15 SP5", "SUSE:Linux
// Enterprise Server 15 SP5-LTSS"): every product of one SUSE Linux
// Enterprise service pack shares its packages, so all of them are stored
// as "SUSE:Linux Enterprise Server 15 SP5". Other names are kept.
func CanonicalEcosystem(eco string) string {
	rest, ok := strings.CutPrefix(eco, "SUSE:")
	if !ok {
		return eco
	}
	if m := sleMicro().FindStringSubmatch(rest); m != nil {
		return "SUSE:Linux Enterprise Micro " + m[1]
	}
	if m := sleProduct().FindStringSubmatch(rest); m != nil && !strings.HasPrefix(m[1], "Micro") {
		if m[3] == "" || m[3] == "0" {
			return "SUSE:Linux Enterprise Server " + m[2]
		}
		return "SUSE:Linux Enterprise Server " + m[2] + " SP" + m[3]
	}
	return eco
}
