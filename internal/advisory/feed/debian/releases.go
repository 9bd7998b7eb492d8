package debian

import "github.com/bulwark-sec/bulwark/internal/distro"

// Ecosystem returns "Debian:<number>" for a codename, or false when the
// codename is unknown: package distro's table, which the matcher reads too.
func Ecosystem(codename string) (string, bool) { return distro.DebianEcosystem(codename) }
