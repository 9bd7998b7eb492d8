package layerfs

import (
	"errors"
	"testing"
)

func keys(ps []string) []Key {
	var out []Key
	for _, p := range ps {
		out = append(out, KeyOf(p))
	}
	return out
}

func ix(dirs, others, whiteouts, opaques []string, links map[string]string) *Index {
	if links == nil {
		links = map[string]string{}
	}
	b := &indexBuilder{ix: &Index{Symlinks: links}, dirs: keys(dirs), others: keys(others), whiteouts: keys(whiteouts), opaques: keys(opaques)}
	return b.finish()
}

func TestVisible(t *testing.T) {
	s := Merge([]*Index{
		ix([]string{"etc", "opt", "opt/app"}, []string{"etc/a", "etc/b", "opt/app/x", "var/lib/status", "srv/data"}, nil, nil, nil),
		ix(nil, []string{"etc/b"}, []string{"etc/a"}, []string{"opt/app"}, nil),
		ix(nil, []string{"srv"}, nil, nil, nil), // a file replaces directory srv
		ix(nil, nil, []string{"var"}, nil, nil), // whiteout of an ancestor
	})
	tests := []struct {
		layer int
		path  string
		want  bool
	}{
		{0, "etc/a", false},          // whiteout
		{0, "etc/b", false},          // overwritten by layer 1
		{1, "etc/b", true},           // the overwrite itself
		{0, "opt/app/x", false},      // opaque parent
		{0, "srv/data", false},       // parent replaced by a file
		{0, "var/lib/status", false}, // ancestor whited out
		{0, "etc", true},             // directory survives
	}
	for _, tt := range tests {
		if got := s.Visible(tt.layer, tt.path); got != tt.want {
			t.Errorf("Visible(%d, %q) = %v, want %v", tt.layer, tt.path, got, tt.want)
		}
	}
}

func TestIntroduced(t *testing.T) {
	s := Merge([]*Index{
		ix(nil, []string{"status"}, nil, nil, nil),
		ix(nil, []string{"other"}, nil, nil, nil),
		ix(nil, []string{"status"}, nil, nil, nil),
		ix(nil, []string{"status"}, nil, nil, nil),
	})
	same := map[int]bool{0: true, 2: true, 3: true}
	if got := s.Introduced(3, "status", func(i int) bool { return same[i] }); got != 0 {
		t.Errorf("Introduced = %d, want 0", got)
	}
	same[2] = false
	if got := s.Introduced(3, "status", func(i int) bool { return same[i] }); got != 3 {
		t.Errorf("Introduced = %d, want 3", got)
	}
}

func TestResolve(t *testing.T) {
	s := Merge([]*Index{
		ix(nil, []string{"etc/os-release", "bin", "lib", "loop1", "loop2", "up", "abs"}, nil, nil, map[string]string{
			"etc/os-release": "../usr/lib/os-release",
			"bin":            "usr/bin",
			"lib":            "/usr/lib",
			"loop1":          "loop2",
			"loop2":          "loop1",
			"up":             "../../../..",
			"abs":            "/etc/os-release",
		}),
	})
	tests := map[string]string{
		"etc/os-release":  "usr/lib/os-release",
		"bin/sh":          "usr/bin/sh",
		"lib/x/../y":      "usr/lib/y",
		"up/etc/passwd":   "etc/passwd", // ".." stops at the root
		"abs":             "usr/lib/os-release",
		"plain/path":      "plain/path",
		"/leading/slash/": "leading/slash",
	}
	for in, want := range tests {
		got, err := s.Resolve(in)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := s.Resolve("loop1/x"); !errors.Is(err, ErrLinkLoop) {
		t.Errorf("loop: got %v", err)
	}
}
