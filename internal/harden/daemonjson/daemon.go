// Package daemonjson proposes a hardened daemon.json for a live Docker daemon.
//
// # Data flow
//
//	facts.Snapshot ─▶ Propose: one rule per daemon.json key
//	                     │  skip keys already as wanted
//	                     │  leave out keys the environment rules out (set on the
//	                     │  command line, iptables off, swarm active, rootless…), with why
//	                     ▼
//	               current keys + changes = proposed daemon.json, unified diff
//	                     │
//	                     ▼
//	               Simulate: the snapshot as the restarted daemon would show it
//	                     │  (daemon.json replaced; engine info such as live-restore,
//	                     │  userns and the log driver moved the way dockerd moves them)
//	                     ▼
//	               harden.Transitions over section 2 and 3.17/3.18: what it fixes
//
// Keys the snapshot does not mention are kept untouched. Apart from
// [DaemonNofile], which reads dockerd's limits, nothing here reads the host:
// a proposal can be computed from a recorded snapshot on another machine.
package daemonjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/harden"
)

// Options tune a proposal. The zero value is usable.
type Options struct {
	// LogDriver, when set, is proposed as the default log driver (2.13),
	// with LogOpts as its options.
	LogDriver string
	LogOpts   map[string]string
	// Exclude names daemon.json keys not to propose.
	Exclude []string
	// HostHas reports whether a path exists on the audited host (used to
	// find journald's socket). Nil means nothing is known to exist.
	HostHas func(path string) bool
	// DaemonNofile is dockerd's own hard limit on open files (from
	// /proc/PID/limits, see [ParseLimits]); 0 when unknown.
	DaemonNofile uint64
}

// Action is what a change does to a key.
type Action string

const (
	Add    Action = "add"
	Modify Action = "change"
	Remove Action = "remove"
)

// Change is one key of the proposal that differs from the current file.
type Change struct {
	Key    string          `json:"key"`
	Action Action          `json:"action"`
	Old    json.RawMessage `json:"old,omitempty"`
	New    json.RawMessage `json:"new,omitempty"`
	// Effect says what the key changes; Risk what it may break.
	Effect string `json:"effect"`
	Risk   string `json:"risk"`
	// Checks are the bench checks the key is meant to satisfy.
	Checks []string `json:"checks"`
}

// Omission is a key the proposal deliberately leaves alone.
type Omission struct {
	Key    string   `json:"key"`
	Checks []string `json:"checks"`
	Reason string   `json:"reason"`
}

// Proposal is a reviewed daemon.json.
type Proposal struct {
	SchemaVersion string `json:"schema_version"`
	// ConfigFile is where the daemon reads daemon.json.
	ConfigFile string                     `json:"config_file"`
	Current    map[string]json.RawMessage `json:"current"`
	Proposed   map[string]json.RawMessage `json:"proposed"`
	Changes    []Change                   `json:"changes"`
	LeftOut    []Omission                 `json:"left_out"`
	Warnings   []string                   `json:"warnings,omitempty"`
	// Diff compares the current and proposed files, both normalised
	// (keys sorted, two-space indent).
	Diff string `json:"diff"`
	// Checks are the bench checks whose status the proposal moves, by
	// running them on the snapshot with the proposal applied; Fixes are
	// those going from warn to pass.
	Checks []harden.Transition `json:"checks"`
	Fixes  []string            `json:"fixes"`
}

// Checked selects the bench checks a daemon.json can move.
var Checked = []string{"2", "3.17", "3.18", "5.26"}

// Propose computes a hardened daemon.json for the daemon in s.
func Propose(s *facts.Snapshot, opt Options) (*Proposal, error) {
	if s == nil {
		return nil, fmt.Errorf("daemon: proposing: no snapshot")
	}
	if !s.Daemon.ConfigKnown() {
		return nil, fmt.Errorf("daemon: proposing: the current daemon.json cannot be used (%s); fix or remove it first", s.Daemon.ConfigErr)
	}
	p := &Proposal{
		SchemaVersion: harden.SchemaVersion,
		ConfigFile:    s.Daemon.ConfigFile,
		Current:       map[string]json.RawMessage{},
		Proposed:      map[string]json.RawMessage{},
		Changes:       []Change{},
		LeftOut:       []Omission{},
		Fixes:         []string{},
	}
	if p.ConfigFile == "" {
		p.ConfigFile = "/etc/docker/daemon.json"
	}
	for k, v := range s.Daemon.Config {
		p.Current[k] = v
		p.Proposed[k] = v
	}
	if !s.Daemon.ArgsKnown() {
		p.Warnings = append(p.Warnings, fmt.Sprintf("the dockerd command line is unknown (%s): dockerd refuses to start when an option is set both there and in daemon.json, so compare each proposed key with the unit's ExecStart", s.Daemon.ArgsErr))
	}
	if s.Engine.Err != "" {
		p.Warnings = append(p.Warnings, "the Engine API was not readable ("+s.Engine.Err+"): keys judged from engine state (live-restore, userns, log driver) are proposed from the configuration alone")
	}
	for _, r := range rules {
		if slices.Contains(opt.Exclude, r.key) {
			p.LeftOut = append(p.LeftOut, Omission{Key: r.key, Checks: r.checks, Reason: "excluded by --exclude"})
			continue
		}
		d := r.plan(s, opt, p.Proposed)
		if d.omit == "" && !d.none {
			if st := s.Daemon.Setting(r.key); st.Set && strings.HasPrefix(st.Source, "--") {
				d = decision{omit: fmt.Sprintf("set on the dockerd command line (%s=%s); dockerd refuses to start when an option is given both there and in daemon.json, so change it in the unit's ExecStart instead", st.Source, strings.Join(st.Values, ","))}
			}
		}
		switch {
		case d.omit != "":
			p.LeftOut = append(p.LeftOut, Omission{Key: r.key, Checks: r.checks, Reason: d.omit})
		case d.none:
		default:
			c := Change{Key: r.key, Old: p.Current[r.key], Effect: r.effect, Risk: r.risk, Checks: r.checks}
			if d.risk != "" {
				c.Risk = strings.TrimSpace(c.Risk + " " + d.risk)
			}
			if c.Checks == nil {
				c.Checks = []string{}
			}
			if d.remove {
				c.Action = Remove
				delete(p.Proposed, r.key)
			} else {
				c.Action, c.New = Add, d.value
				if _, ok := p.Current[r.key]; ok {
					c.Action = Modify
				}
				p.Proposed[r.key] = d.value
			}
			p.Changes = append(p.Changes, c)
		}
	}
	cur, err := Render(p.Current)
	if err != nil {
		return nil, err
	}
	next, err := Render(p.Proposed)
	if err != nil {
		return nil, err
	}
	p.Diff = unifiedDiff(p.ConfigFile, p.ConfigFile+" (proposed)", string(cur), string(next))
	after, err := Simulate(s, p.Proposed)
	if err != nil {
		return nil, err
	}
	p.Checks = harden.Transitions(s, after, Checked...)
	if p.Checks == nil {
		p.Checks = []harden.Transition{}
	}
	p.Fixes = harden.Fixes(p.Checks)
	return p, nil
}

// Render formats a daemon.json: keys sorted, two-space indent, final newline.
func Render(cfg map[string]json.RawMessage) ([]byte, error) {
	if len(cfg) == 0 {
		return []byte("{}\n"), nil
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("daemon: rendering daemon.json: %w", err)
	}
	return append(b, '\n'), nil
}

// File is the proposed daemon.json as it should be written.
func (p *Proposal) File() ([]byte, error) { return Render(p.Proposed) }

// Simulate returns a copy of s as the daemon would show it after a restart
// with cfg as its daemon.json: the configuration replaced, the file written
// root:root 0644 (as WriteFile does), and the engine state that dockerd
// derives from those keys moved accordingly.
func Simulate(s *facts.Snapshot, cfg map[string]json.RawMessage) (*facts.Snapshot, error) {
	out, err := harden.Clone(s)
	if err != nil {
		return nil, fmt.Errorf("daemon: simulating: %w", err)
	}
	old := out.Daemon.Config
	out.Daemon.Config = map[string]json.RawMessage{}
	for k, v := range cfg {
		out.Daemon.Config[k] = v
	}
	out.Daemon.ConfigExists, out.Daemon.ConfigErr = true, ""
	file := out.Daemon.ConfigFile
	if file == "" {
		file = "/etc/docker/daemon.json"
		out.Daemon.ConfigFile = file
	}
	if out.Host.Files == nil {
		out.Host.Files = map[string]facts.File{}
	}
	if out.Host.Targets == nil {
		out.Host.Targets = map[string]string{}
	}
	out.Host.Targets[facts.TargetDaemonJSON] = file
	out.Host.Files[file] = facts.File{Exists: true, Type: "file", Mode: 0o644}
	if out.Engine.Err != "" {
		return out, nil
	}
	for _, r := range rules {
		if r.simulate == nil {
			continue
		}
		v, ok := cfg[r.key]
		if bytes.Equal(v, old[r.key]) && ok == (old[r.key] != nil) {
			continue // unchanged: the engine already shows it
		}
		r.simulate(out, v, ok)
	}
	return out, nil
}
