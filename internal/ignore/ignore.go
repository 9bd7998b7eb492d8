// Package ignore reads .bulwarkignore.yaml files: the findings a team has
// decided to accept, each with a reason and, usually, an expiry date.
//
//	ignores:
//	  - id: CVE-2023-4863            # finding id or any of its aliases
//	    package: libwebp7            # optional: only this package (name or purl)
//	    reason: not reachable, no image decoding in this service
//	    expires: 2027-01-31          # optional: stops suppressing after this day
//	  - id: secret-private-key       # a misconfiguration or secret rule id
//	    path: opt/app/test/**        # optional: only findings at these paths
//	    reason: throw-away key of the integration tests
//
// A path is a pattern relative to the image root (see package pathglob);
// for a vulnerability it matches any file the package was found in.
//
// An expired entry no longer suppresses anything; [List.Check] reports it
// so the report can say "ignore entry expired on …" next to the finding.
package ignore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/pathglob"
	"github.com/bulwark-sec/bulwark/internal/regular"
	"github.com/bulwark-sec/bulwark/internal/yamlerr"
)

// DefaultFile is looked for in the working directory when no file is named.
const DefaultFile = ".bulwarkignore.yaml"

// maxSize bounds an ignore file.
const maxSize = 4 << 20

// Entry is one accepted finding.
type Entry struct {
	ID      string `yaml:"id" json:"id"`
	Package string `yaml:"package,omitempty" json:"package,omitempty"`
	Path    string `yaml:"path,omitempty" json:"path,omitempty"`
	Reason  string `yaml:"reason" json:"reason"`
	// Expires is the last day (UTC) the entry applies; zero means never.
	Expires Date `yaml:"expires,omitempty" json:"expires,omitzero"`
}

// Date is a calendar day written YYYY-MM-DD.
type Date struct{ time.Time }

// UnmarshalYAML accepts YYYY-MM-DD (or a full RFC 3339 time).
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(n.Value)
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			d.Time = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("line %d: expires %q is not a date (YYYY-MM-DD)", n.Line, s)
}

// MarshalJSON writes the day.
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.Format("2006-01-02") + `"`), nil
}

// List is a parsed ignore file.
type List struct {
	Path    string
	Entries []Entry
}

type file struct {
	Ignores []Entry `yaml:"ignores"`
}

// Load reads an ignore file.
func Load(path string) (*List, error) {
	f, err := regular.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ignore: %w", err)
	}
	defer f.Close()
	l, err := parse(f, path)
	if err != nil {
		return nil, fmt.Errorf("ignore: %w", err)
	}
	l.Path = path
	return l, nil
}

// Parse reads an ignore list. Unknown keys and entries without an id or a
// reason are errors: a typo must not silently widen or drop a suppression.
func Parse(r io.Reader) (*List, error) { return parse(r, DefaultFile) }

// parse reads an ignore list; name is the file's name in messages.
func parse(r io.Reader, name string) (*List, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("%s: file larger than 4 MiB", name)
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlerr.Explain(err, name, &f)
	}
	for i, e := range f.Ignores {
		if strings.TrimSpace(e.ID) == "" {
			return nil, fmt.Errorf("%s: entry %d: no id", name, i+1)
		}
		if strings.TrimSpace(e.Reason) == "" {
			return nil, fmt.Errorf("%s: entry %d (%s): no reason (say why the finding is accepted)", name, i+1, e.ID)
		}
		if e.Path != "" {
			if err := pathglob.Valid(e.Path); err != nil {
				return nil, fmt.Errorf("%s: entry %d (%s): path %q: %w", name, i+1, e.ID, e.Path, err)
			}
		}
	}
	return &List{Entries: f.Ignores}, nil
}

// Finding is what an entry is matched against.
type Finding struct {
	ID      string
	Aliases []string
	Package string // name
	PURL    string
	// Paths are where the finding is: a misconfiguration's or secret's
	// file, or the files a vulnerable package was found in.
	Paths []string
}

// Verdict is the outcome of checking one finding.
type Verdict struct {
	Suppressed bool
	Entry      *Entry // the entry that matched (also when expired)
	Expired    bool   // an entry matched but its date has passed
}

// Check finds the entry for f. Live entries win over expired ones.
func (l *List) Check(f Finding, now time.Time) Verdict {
	if l == nil {
		return Verdict{}
	}
	var expired *Entry
	for i := range l.Entries {
		e := &l.Entries[i]
		if e.ID != f.ID && !slices.Contains(f.Aliases, e.ID) {
			continue
		}
		if e.Package != "" && e.Package != f.Package && e.Package != f.PURL {
			continue
		}
		if e.Path != "" && !slices.ContainsFunc(f.Paths, func(p string) bool { return pathglob.Match(e.Path, p) }) {
			continue
		}
		if !e.Expires.IsZero() && now.UTC().After(e.Expires.AddDate(0, 0, 1)) {
			if expired == nil {
				expired = e
			}
			continue
		}
		return Verdict{Suppressed: true, Entry: e}
	}
	if expired != nil {
		return Verdict{Entry: expired, Expired: true}
	}
	return Verdict{}
}
