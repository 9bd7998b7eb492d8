package daemonjson

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

// FuzzPropose feeds arbitrary daemon.json documents and command lines: the
// proposal must never panic, and whatever it proposes must be a JSON object
// that keeps every key it does not mean to change.
func FuzzPropose(f *testing.F) {
	f.Add(`{"log-level": "debug", "icc": true}`, "-H fd:// --iptables=false")
	f.Add(`{"experimental": true, "log-opts": {"max-size": "1m"}, "log-driver": "local"}`, "--live-restore")
	f.Add(`{"userns-remap": "", "insecure-registries": "x", "default-ulimits": 5}`, "")
	f.Add(`{"seccomp-profile": "unconfined", "storage-opts": ["dm.basesize=20G"]}`, "--userland-proxy=false --log-level")
	f.Add(`{"no-new-privileges": "yes", "iptables": false}`, "-H tcp://0.0.0.0:2375")
	f.Fuzz(func(t *testing.T, cfg, args string) {
		m, err := facts.ParseDaemonJSON([]byte(cfg))
		if err != nil {
			return
		}
		s := &facts.Snapshot{SchemaVersion: facts.SchemaVersion,
			Daemon: facts.Daemon{Args: strings.Fields(args), ArgsSource: "fuzz", Config: m, ConfigExists: true}}
		p, err := Propose(s, Options{})
		if err != nil {
			t.Fatalf("Propose: %v", err)
		}
		file, err := p.File()
		if err != nil {
			t.Fatalf("File: %v", err)
		}
		got, err := facts.ParseDaemonJSON(file)
		if err != nil {
			t.Fatalf("proposed file does not parse: %v\n%s", err, file)
		}
		changed := map[string]bool{}
		for _, c := range p.Changes {
			changed[c.Key] = true
		}
		for k, v := range m {
			if changed[k] {
				continue
			}
			var a, b any
			_ = json.Unmarshal(v, &a)
			_ = json.Unmarshal(got[k], &b)
			if _, ok := got[k]; !ok {
				t.Fatalf("key %q dropped without a change", k)
			}
		}
	})
}

// FuzzDiffLines checks the edit script: dropping its additions gives the
// old text, dropping its deletions the new one.
func FuzzDiffLines(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n")
	f.Add("", "x\n")
	f.Add("{\n  \"icc\": false\n}\n", "{\n  \"icc\": false,\n  \"live-restore\": true\n}\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		la, lb := splitLines(a), splitLines(b)
		if len(la) > 200 || len(lb) > 200 {
			return
		}
		var ra, rb []string
		for _, op := range diffLines(la, lb) {
			if op.kind != '+' {
				ra = append(ra, op.text)
			}
			if op.kind != '-' {
				rb = append(rb, op.text)
			}
		}
		if !slices.Equal(ra, la) || !slices.Equal(rb, lb) {
			t.Fatalf("edit script does not rebuild the inputs")
		}
		_ = unifiedDiff("a", "b", a, b)
	})
}

// FuzzParseLimits: any text gives a limit or an error, never a panic.
func FuzzParseLimits(f *testing.F) {
	f.Add(limitsSample)
	f.Add("Max open files            unlimited            unlimited            files\n")
	f.Add("Max open files 10\n")
	f.Fuzz(func(t *testing.T, text string) {
		_, _ = ParseLimits(text)
	})
}
