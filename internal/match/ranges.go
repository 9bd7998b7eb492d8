package match

import (
	"cmp"
	"slices"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/vercmp"
)

// affects evaluates an Affected entry for version v, following the OSV
// specification's algorithm: events of a range, sorted by version with
// introduced "0" first, switch the state on at introduced and off at fixed
// (v ≥ fixed) or after last_affected (v > last_affected) and at limit.
// An explicit versions list matches by equality. It returns whether v is
// affected, the fix that applies (the first fixed event above v when
// affected, the fix v already has otherwise), and the matching range as
// text.
func affects(a advisory.Affected, v string, c vercmp.Comparer) (in bool, fixed, rng string) {
	for _, lv := range a.Versions {
		if lv == v || c.Compare(lv, v) == 0 {
			in, rng = true, "listed version "+lv
		}
	}
	semver, _ := vercmp.For("semver")
	var passedFix string
	for _, r := range a.Ranges {
		rc := c
		switch r.Type {
		case "SEMVER":
			rc = semver
		case "ECOSYSTEM", "":
		default:
			continue
		}
		hit, fix, lo, hi, closed, passed := evalRange(r.Events, v, rc)
		if hit {
			if !in || (fix != "" && fixed == "") {
				in, fixed, rng = true, fix, rangeText(r.Type, lo, hi, closed)
			}
		} else if passed != "" && passedFix == "" {
			passedFix = passed
		}
	}
	if !in {
		return false, passedFix, ""
	}
	return true, fixed, rng
}

type event struct {
	kind byte // 'i' introduced, 'f' fixed, 'l' last_affected, 'x' limit
	ver  string
}

func evalRange(evs []advisory.Event, v string, c vercmp.Comparer) (hit bool, fix, lo, hi string, closed bool, passedFix string) {
	es := make([]event, 0, len(evs))
	for _, e := range evs {
		switch {
		case e.Introduced != "":
			es = append(es, event{'i', e.Introduced})
		case e.Fixed != "":
			es = append(es, event{'f', e.Fixed})
		case e.LastAffected != "":
			es = append(es, event{'l', e.LastAffected})
		case e.Limit != "":
			es = append(es, event{'x', e.Limit})
		}
	}
	order := func(a, b event) int {
		az, bz := a.kind == 'i' && a.ver == "0", b.kind == 'i' && b.ver == "0"
		switch {
		case az && bz:
			return 0
		case az:
			return -1
		case bz:
			return 1
		}
		return cmp.Or(c.Compare(a.ver, b.ver), cmp.Compare(kindRank(a.kind), kindRank(b.kind)))
	}
	slices.SortStableFunc(es, order)
	for i, e := range es {
		switch e.kind {
		case 'i':
			if e.ver == "0" || c.Compare(v, e.ver) >= 0 {
				hit, lo = true, e.ver
				// The range's upper end is the next closing event.
				hi, closed, fix = "", false, ""
				for _, n := range es[i+1:] {
					if n.kind == 'f' || n.kind == 'l' || n.kind == 'x' {
						hi, closed = n.ver, n.kind == 'l'
						if n.kind == 'f' {
							fix = n.ver
						}
						break
					}
				}
			}
		case 'f':
			if c.Compare(v, e.ver) >= 0 {
				if hit {
					passedFix = e.ver
				}
				hit = false
			}
		case 'l':
			if c.Compare(v, e.ver) > 0 {
				hit = false
			}
		case 'x':
			if c.Compare(v, e.ver) >= 0 {
				hit = false
			}
		}
	}
	if !hit {
		fix = ""
	}
	return hit, fix, lo, hi, closed, passedFix
}

// kindRank breaks ties between events at the same version: a fix at X
// closes a range before another opens at X.
func kindRank(k byte) int {
	switch k {
	case 'f', 'x':
		return 0
	case 'l':
		return 2
	}
	return 1
}
