package respond

import (
	"strings"
	"testing"
)

func TestParsePredicates(t *testing.T) {
	good := `[{"rule":"shadow","kind":"open","prefixes":["/etc/shadow"],"read_only":true,"response":"kill"},
	{"rule":"nc","kind":"connect","ports":[4444],"response":"deny"}]`
	ps, err := ParsePredicates(strings.NewReader(good))
	if err != nil || len(ps) != 2 || ps[1].Ports[0] != 4444 {
		t.Fatalf("good file: %v %+v", err, ps)
	}
	for name, bad := range map[string]string{
		"unknown field": `[{"rule":"x","kind":"open","prefixes":["/a"],"response":"kill","colour":1}]`,
		"kind":          `[{"rule":"x","kind":"mount","prefixes":["/a"],"response":"kill"}]`,
		"response":      `[{"rule":"x","kind":"open","prefixes":["/a"],"response":"explode"}]`,
		"empty":         `[{"rule":"x","kind":"open","response":"kill"}]`,
		"long":          `[{"rule":"x","kind":"open","prefixes":["/` + strings.Repeat("a", 200) + `"],"response":"kill"}]`,
		"trailing":      `[] []`,
		"not json":      `rules: yes`,
		"ports on open": `[{"rule":"x","kind":"open","prefixes":["/a"],"ports":[1],"response":"deny"}]`,
		"huge list":     `[{"rule":"x","kind":"exec","response":"kill","names":[` + strings.Repeat(`"a",`, 5000) + `"a"]}]`,
	} {
		if _, err := ParsePredicates(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %v", name, err)
		}
	}
}

func FuzzParsePredicates(f *testing.F) {
	f.Add(`[{"rule":"shadow","kind":"open","prefixes":["/etc/shadow"],"response":"kill"}]`)
	f.Add(`[{"rule":"nc","kind":"connect","ports":[4444],"addrs":["127.0.0.1"],"response":"deny"}]`)
	f.Add(`[{"rule":"m","kind":"exec","memfd":true,"response":"kill"}]`)
	f.Add(`[]`)
	f.Add(`{`)
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParsePredicates(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, p := range ps {
			if err := check(p); err != nil {
				t.Fatalf("accepted an invalid predicate: %v", err)
			}
		}
	})
}
