package facts

import (
	"strings"
	"testing"
)

// The parsers below read host files and command lines an attacker on the
// host may shape; none may panic.

func FuzzParseArgs(f *testing.F) {
	f.Add("-H\x00fd://\x00--icc=false\x00--live-restore\x00-l\x00debug")
	f.Add("--\x00-\x00-H")
	f.Fuzz(func(t *testing.T, s string) {
		d := Daemon{Args: strings.Split(s, "\x00"), ArgsSource: "fuzz"}
		_ = ParseArgs(d.Args)
		_ = d.Hosts()
		_ = d.Setting("log-level").Bool(false)
	})
}

func FuzzParseExecStart(f *testing.F) {
	f.Add("[Service]\nExecStart=/usr/bin/dockerd -H fd:// \\\n --icc=false\n")
	f.Add("ExecStart=\"unterminated")
	f.Fuzz(func(t *testing.T, s string) { _ = ParseExecStart(s) })
}

func FuzzParseDaemonJSON(f *testing.F) {
	f.Add(`{"icc": false, "hosts": ["unix:///x"], "default-ulimits": {"nofile": {"Hard": 1}}}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseDaemonJSON([]byte(s))
		if err != nil {
			return
		}
		d := Daemon{Config: m, ArgsSource: "fuzz"}
		for k := range m {
			_ = d.Setting(k)
		}
	})
}

func FuzzParseAuditRules(f *testing.F) {
	f.Add("-w /usr/bin/dockerd -p rwxa -k docker\n-a always,exit -F path=/run/containerd -F perm=war\n")
	f.Add("-F\n-w\n-a -F dir=")
	f.Fuzz(func(t *testing.T, s string) {
		rules := ParseAuditRules(s)
		_, _ = AuditRuleFor(rules, "/usr/bin/dockerd")
	})
}

func FuzzParseMountinfo(f *testing.F) {
	f.Add("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n36 22 0:5 / /mnt/a\\040b rw - tmpfs tmpfs rw\n")
	f.Add("- - - - - - - -\n\\")
	f.Fuzz(func(t *testing.T, s string) { _ = ParseMountinfo(s) })
}

func FuzzParseGroup(f *testing.F) {
	f.Add("docker:x:999:alice,bob\n")
	f.Fuzz(func(t *testing.T, s string) { _ = ParseGroup(s) })
}

func FuzzParseProcNetTCP(f *testing.F) {
	f.Add("sl local rem st\n 0: 0100007F:1F90 00000000:0000 0A\n 1: 00000000000000000000000000000000:1F0E 0:0 0A\n")
	f.Fuzz(func(t *testing.T, s string) { _, _ = ParseProcNetTCP(s) })
}

func FuzzLoad(f *testing.F) {
	f.Add(`{"schema_version":"1.0","engine":{"containers":[{"inspect":{"Id":"x","HostConfig":{}}}]}}`)
	f.Fuzz(func(t *testing.T, s string) { _, _ = Load(strings.NewReader(s)) })
}
