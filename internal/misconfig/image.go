// Package misconfig checks images and Dockerfiles for what makes them
// dangerous besides vulnerable packages: running as root, no health check,
// remote ADDs, package caches and stale indexes, secrets in configuration
// and history, exposed administration ports, unpinned bases, setuid and
// world-writable files, and credential files.
//
// # Data flow
//
// Three entry points share one rule set (rules.go) and one instruction
// checker (instructions.go):
//
//   - [Checker.CheckImage] judges an image's configuration and history,
//     each history entry read back into an [Instruction];
//   - [Files] is a layer checker: file modes from every entry, and the
//     content of files whose names say "credentials";
//   - package dockerfile parses a Dockerfile into Instructions, with
//     line numbers, and applies the same checks before anything is built.
package misconfig

import (
	"sort"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

// RootUserName reports whether a USER value runs as root: empty, "root",
// uid 0, with or without a group.
func RootUserName(user string) bool {
	u, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	return u == "" || u == "root" || u == "0"
}

// CheckImage applies the configuration and history rules to an image.
func (c *Checker) CheckImage(cfg *v1.ConfigFile) []finding.Finding {
	if cfg == nil {
		return nil
	}
	var out []finding.Finding
	conf := cfg.Config
	if RootUserName(conf.User) {
		shown := conf.User
		if shown == "" {
			shown = "(not set)"
		}
		out = append(out, RootUser.At(finding.Evidence{Key: "User", Match: shown}))
	}
	if conf.Healthcheck == nil || len(conf.Healthcheck.Test) == 0 || conf.Healthcheck.Test[0] == "NONE" {
		out = append(out, NoHealthcheck.At(finding.Evidence{Key: "Healthcheck"}))
	}
	var exposed []string
	for p := range conf.ExposedPorts {
		exposed = append(exposed, p)
	}
	sort.Strings(exposed)
	for _, p := range ports(strings.Join(exposed, " ")) {
		out = append(out, AdminPort.At(finding.Evidence{Key: "ExposedPorts", Match: strconv.Itoa(p) + " (" + adminPort[p] + ")"}))
	}
	for _, kv := range conf.Env {
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, c.CheckValue(k, v, finding.Evidence{History: "ENV"})...)
	}
	labels := make([]string, 0, len(conf.Labels))
	for k := range conf.Labels {
		labels = append(labels, k)
	}
	sort.Strings(labels)
	for _, k := range labels {
		out = append(out, c.CheckValue(k, conf.Labels[k], finding.Evidence{History: "LABEL"})...)
	}
	if base := conf.Labels["org.opencontainers.image.base.name"]; base != "" && !Pinned(base) {
		out = append(out, LatestBase.At(finding.Evidence{Key: "org.opencontainers.image.base.name", Match: base}))
	}
	for _, h := range cfg.History {
		in := FromHistory(h.CreatedBy)
		switch in.Cmd {
		case "ENV", "LABEL", "EXPOSE", "USER", "HEALTHCHECK":
			continue // judged from the configuration itself
		}
		out = append(out, c.CheckInstruction(in)...)
	}
	finding.Sort(out)
	return dedupe(out)
}

// Pinned reports whether an image reference names a version: a digest, or
// a tag other than latest.
func Pinned(ref string) bool {
	if strings.Contains(ref, "@sha256:") {
		return true
	}
	last := ref[strings.LastIndexByte(ref, '/')+1:]
	_, tag, ok := strings.Cut(last, ":")
	return ok && tag != "" && tag != "latest"
}

func dedupe(fs []finding.Finding) []finding.Finding {
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && f == fs[i-1] {
			continue
		}
		out = append(out, f)
	}
	return out
}
