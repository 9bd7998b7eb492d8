package facts

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ParseMountinfo parses /proc/PID/mountinfo. Malformed lines are skipped.
func ParseMountinfo(text string) []Mount {
	var out []Mount
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		// id parent maj:min root point options [optional...] - fstype source superopts
		sep := -1
		for i, w := range f {
			if w == "-" && i >= 6 {
				sep = i
				break
			}
		}
		if sep < 0 || sep+2 >= len(f) {
			continue
		}
		out = append(out, Mount{Point: unescapeOctal(f[4]), FSType: f[sep+1], Source: unescapeOctal(f[sep+2])})
	}
	return out
}

// unescapeOctal undoes the \040-style escapes the kernel uses in mount tables.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ParseGroup parses /etc/group. Malformed lines are skipped.
func ParseGroup(text string) []Group {
	var out []Group
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) < 3 {
			continue
		}
		gid, err := strconv.Atoi(f[2])
		if err != nil || gid < 0 {
			continue
		}
		g := Group{Name: f[0], GID: gid, Members: []string{}}
		if len(f) > 3 {
			for _, m := range strings.Split(f[3], ",") {
				if m = strings.TrimSpace(m); m != "" {
					g.Members = append(g.Members, m)
				}
			}
		}
		out = append(out, g)
	}
	return out
}

// ParseProcNetTCP returns the listening sockets in /proc/net/tcp or tcp6.
func ParseProcNetTCP(text string) ([]Listener, error) {
	var out []Listener
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 4 {
			continue
		}
		if f[3] != "0A" { // TCP_LISTEN
			continue
		}
		hostHex, portHex, ok := strings.Cut(f[1], ":")
		if !ok {
			return nil, fmt.Errorf("facts: parsing tcp table line %d: bad address %q", i+1, f[1])
		}
		port, err := strconv.ParseUint(portHex, 16, 16)
		if err != nil {
			return nil, fmt.Errorf("facts: parsing tcp table line %d: bad port: %w", i+1, err)
		}
		addr, err := procAddr(hostHex)
		if err != nil {
			return nil, fmt.Errorf("facts: parsing tcp table line %d: %w", i+1, err)
		}
		out = append(out, Listener{Addr: addr, Port: int(port)})
	}
	return out, nil
}

// procAddr decodes the kernel's hex address: 32-bit words in host (little
// endian on every platform Docker supports) byte order.
func procAddr(h string) (string, error) {
	b, err := hex.DecodeString(h)
	if err != nil || (len(b) != 4 && len(b) != 16) {
		return "", fmt.Errorf("bad address %q", h)
	}
	for i := 0; i+4 <= len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	if len(b) == 4 {
		return netip.AddrFrom4([4]byte(b)).String(), nil
	}
	a := netip.AddrFrom16([16]byte(b))
	if a.Is4In6() {
		return a.Unmap().String(), nil
	}
	return a.String(), nil
}

// parseStatStart returns field 22 (starttime, in clock ticks) of
// /proc/PID/stat. The command name in field 2 may hold spaces and
// parentheses, so fields are counted from its last ')'.
func parseStatStart(stat string) (uint64, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("facts: parsing stat: no command field")
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 20 {
		return 0, fmt.Errorf("facts: parsing stat: %d fields", len(f))
	}
	n, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("facts: parsing stat: %w", err)
	}
	return n, nil
}

// parseStatusUID returns the real uid from /proc/PID/status.
func parseStatusUID(status string) (int, error) {
	for _, line := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				break
			}
			return strconv.Atoi(f[0])
		}
	}
	return 0, fmt.Errorf("facts: parsing status: no Uid line")
}
