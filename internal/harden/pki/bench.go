package pki

import (
	"fmt"
	"os"
	"syscall"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/harden"
)

// Checked selects the bench checks TLS settings move.
var Checked = []string{"2.7", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"}

// Simulate returns s as bench would see it once dockerd runs with st's
// flags: the TLS options on its command line (the unix socket kept), and
// the certificate files as they are on disk now (stat'ed through
// hostRoot, so modes and owners are the real ones).
func Simulate(s *facts.Snapshot, st Settings, hostRoot string) (*facts.Snapshot, error) {
	out, err := harden.Clone(s)
	if err != nil {
		return nil, fmt.Errorf("pki: simulating: %w", err)
	}
	d := &out.Daemon
	if !d.Setting("hosts").Set {
		// dockerd stops serving its default socket once any -H is given.
		d.Args = append(d.Args, "-H", "unix:///var/run/docker.sock")
	}
	d.Args = append(d.Args, st.DockerdFlags...)
	if d.ArgsSource == "" {
		d.ArgsSource, d.ArgsErr = "simulated", ""
	}
	if out.Host.Targets == nil {
		out.Host.Targets = map[string]string{}
	}
	if out.Host.Files == nil {
		out.Host.Files = map[string]facts.File{}
	}
	for role, key := range map[string]string{facts.TargetTLSCACert: "tlscacert", facts.TargetTLSCert: "tlscert", facts.TargetTLSKey: "tlskey"} {
		p, _ := st.DaemonJSON[key].(string)
		out.Host.Targets[role] = p
		out.Host.Files[p] = statHost(hostRoot, p)
	}
	return out, nil
}

// statHost stats p under root the way facts records files.
func statHost(root, p string) facts.File {
	r, err := os.OpenRoot(root)
	if err != nil {
		return facts.File{Err: err.Error()}
	}
	defer r.Close()
	fi, err := r.Stat(rel(p))
	if err != nil {
		return facts.File{Err: err.Error()}
	}
	f := facts.File{Exists: true, Type: "file", Mode: uint32(fi.Mode().Perm())}
	if !fi.Mode().IsRegular() {
		f.Type = "other"
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		f.UID, f.GID = int(st.Uid), int(st.Gid)
	}
	return f
}

func rel(p string) string {
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	if p == "" {
		return "."
	}
	return p
}
