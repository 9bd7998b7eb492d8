package facts

import (
	"path"
	"strings"
)

// AuditRule is the file-watch part of one audit rule: either a watch
// ("-w PATH -p PERMS") or a syscall rule with a path or dir field
// ("-a always,exit -F path=PATH -F perm=PERMS").
type AuditRule struct {
	Path  string
	Dir   bool // matched by -F dir= (a subtree)
	Perms string
	Key   string
	Raw   string
}

// ParseAuditRules extracts file-watch rules from audit rule text (the output
// of `auditctl -l` or a rules file). Comments, control lines (-D, -b, -e, -f)
// and rules without a path are ignored.
func ParseAuditRules(text string) []AuditRule {
	var out []AuditRule
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if r, ok := parseAuditRule(line); ok {
			out = append(out, r)
		}
	}
	return out
}

func parseAuditRule(line string) (AuditRule, bool) {
	f := strings.Fields(line)
	r := AuditRule{Raw: line}
	for i := 0; i < len(f); i++ {
		next := func() string {
			if i+1 < len(f) {
				i++
				return f[i]
			}
			return ""
		}
		switch f[i] {
		case "-w":
			r.Path = next()
		case "-p":
			r.Perms = next()
		case "-k":
			r.Key = next()
		case "-F":
			k, v, _ := strings.Cut(next(), "=")
			switch k {
			case "path":
				r.Path = v
			case "dir":
				r.Path, r.Dir = v, true
			case "perm":
				r.Perms = v
			case "key", "k":
				r.Key = v
			}
		}
	}
	if r.Path == "" {
		return AuditRule{}, false
	}
	r.Path = CanonicalPath(r.Path)
	return r, true
}

// CanonicalPath cleans an absolute host path and folds /var/run into /run,
// which is a symlink to it on every current distribution.
func CanonicalPath(p string) string {
	p = path.Clean("/" + strings.Trim(p, `"'`))
	if p == "/var/run" || strings.HasPrefix(p, "/var/run/") {
		p = strings.TrimPrefix(p, "/var")
	}
	return p
}

// AuditRuleFor returns the first rule that watches exactly target. Unlike a
// substring search, a rule on /etc/docker/daemon.json does not count for
// /etc/docker, nor one on /usr/bin/dockerd-rootless.sh for /usr/bin/dockerd.
func AuditRuleFor(rules []AuditRule, target string) (AuditRule, bool) {
	t := CanonicalPath(target)
	for _, r := range rules {
		if r.Path == t {
			return r, true
		}
	}
	return AuditRule{}, false
}
