package daemonjson

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ParseLimits reads the hard limit on open files from the text of
// /proc/PID/limits. "unlimited" is reported as the largest value.
func ParseLimits(text string) (nofileHard uint64, err error) {
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, "Max open files")
		if !ok {
			continue
		}
		// Columns: soft limit, hard limit, units.
		f := strings.Fields(rest)
		if len(f) < 2 {
			return 0, fmt.Errorf("daemon: reading limits: malformed line %q", line)
		}
		if f[1] == "unlimited" {
			return ^uint64(0), nil
		}
		n, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("daemon: reading limits: hard limit %q: %w", f[1], err)
		}
		return n, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("daemon: reading limits: %w", err)
	}
	return 0, fmt.Errorf("daemon: reading limits: no \"Max open files\" line")
}

// DaemonNofile reads the hard open-files limit of process pid from
// /proc/PID/limits under hostRoot.
func DaemonNofile(hostRoot string, pid int) (uint64, error) {
	if pid <= 0 {
		return 0, fmt.Errorf("daemon: reading limits: dockerd's pid is unknown")
	}
	root, err := os.OpenRoot(hostRoot)
	if err != nil {
		return 0, fmt.Errorf("daemon: reading limits: %w", err)
	}
	defer root.Close()
	f, err := root.Open(fmt.Sprintf("proc/%d/limits", pid))
	if err != nil {
		return 0, fmt.Errorf("daemon: reading limits: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return 0, fmt.Errorf("daemon: reading limits: %w", err)
	}
	return ParseLimits(string(b))
}
