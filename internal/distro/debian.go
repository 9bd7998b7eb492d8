package distro

import "sync"

// debianReleases maps every Debian codename to its release number, as used in the
// ecosystem name "Debian:<number>". Source: https://www.debian.org/releases/
// and the Debian release history (hamm 2.0, 1998, onwards). Releases before
// 7 are numbered "N.0" or "N.N", as Debian itself numbered them; from wheezy
// on a release is numbered by its major version only, which is what
// /etc/os-release VERSION_ID says.
//
// Testing codenames (trixie was testing until 2025, forky after it, duke
// next) already have their announced numbers, so they map like any release.
// "sid" is unstable and never gets a number: it maps to "Debian:sid", which
// the distro detector reports for an image whose os-release names no
// VERSION_ID and whose PRETTY_NAME ends in "/sid".
var debianReleases = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"hamm":     "2.0",
		"slink":    "2.1",
		"potato":   "2.2",
		"woody":    "3.0",
		"sarge":    "3.1",
		"etch":     "4.0",
		"lenny":    "5.0",
		"squeeze":  "6.0",
		"wheezy":   "7",
		"jessie":   "8",
		"stretch":  "9",
		"buster":   "10",
		"bullseye": "11",
		"bookworm": "12",
		"trixie":   "13",
		"forky":    "14",
		"duke":     "15",
		"sid":      "sid",
	}
})

// DebianEcosystem returns "Debian:<number>" for a codename, or false when
// the codename is unknown. Feed parsers (Debian's tracker) and the matcher
// both name releases through it.
func DebianEcosystem(codename string) (string, bool) {
	n, ok := debianReleases()[codename]
	if !ok {
		return "", false
	}
	return "Debian:" + n, true
}
