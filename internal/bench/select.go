package bench

import (
	"fmt"
	"strings"
)

// Selection chooses which checks run.
//
// Include and Exclude hold patterns: an exact id ("2.1"), a section or
// group prefix ("5", "1.1", which match the id itself and every id below it),
// a glob where "*" matches any run of characters ("5.*", "3.1*"), or "all".
// With no Include patterns, every CIS check runs (sections 1–7); the
// community extras C.x run only when a pattern names them. Level 1 keeps
// Level 1 checks only; Level 2 keeps both profiles, as CIS Level 2 extends
// Level 1. Checks without a CIS level are not affected by Level.
type Selection struct {
	Include []string
	Exclude []string
	Level   int
}

// ParseSelection builds a Selection from comma-separated pattern lists.
func ParseSelection(include, exclude []string, level int) (Selection, error) {
	if level < 0 || level > 2 {
		return Selection{}, fmt.Errorf("bench: level %d: want 1 or 2", level)
	}
	sel := Selection{Level: level}
	var err error
	if sel.Include, err = splitPatterns(include); err != nil {
		return Selection{}, err
	}
	if sel.Exclude, err = splitPatterns(exclude); err != nil {
		return Selection{}, err
	}
	return sel, nil
}

func splitPatterns(lists []string) ([]string, error) {
	var out []string
	for _, l := range lists {
		for _, p := range strings.Split(l, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			for _, r := range p {
				if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '*' || r == ':') {
					return nil, fmt.Errorf("bench: check pattern %q: only digits, letters, '.', ':' and '*' are allowed", p)
				}
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// Match reports whether c is selected.
func (s Selection) Match(c Check) bool {
	if s.Level > 0 && c.Level > s.Level {
		return false
	}
	in := false
	if len(s.Include) == 0 {
		in = !strings.HasPrefix(c.ID, "C.")
	}
	for _, p := range s.Include {
		if MatchPattern(p, c.ID) {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for _, p := range s.Exclude {
		if MatchPattern(p, c.ID) {
			return false
		}
	}
	return true
}

// Unmatched returns the Include and Exclude patterns that select no check,
// which are almost always typos.
func (s Selection) Unmatched(checks []Check) []string {
	var out []string
	for _, p := range append(append([]string(nil), s.Include...), s.Exclude...) {
		found := false
		for _, c := range checks {
			if MatchPattern(p, c.ID) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, p)
		}
	}
	return out
}

// MatchPattern reports whether pattern (see Selection) matches id. Matching
// ignores case so "c.5.3.1" names C.5.3.1.
func MatchPattern(pattern, id string) bool {
	pattern, id = strings.ToLower(pattern), strings.ToLower(id)
	if pattern == "all" {
		return true
	}
	if strings.Contains(pattern, "*") {
		return glob(pattern, id)
	}
	return id == pattern || strings.HasPrefix(id, pattern+".")
}

// glob matches with '*' as the only metacharacter, iteratively so that no
// pattern can make it slow.
func glob(pattern, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && pattern[px] == '*':
			starP, starS = px, sx
			px++
		case px < len(pattern) && pattern[px] == s[sx]:
			px++
			sx++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}
