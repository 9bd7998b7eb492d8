package event

import (
	"net/netip"
	"testing"
)

// full has every detail set, so every documented field has a value.
func full() *Event {
	return &Event{
		Kind:       Connect,
		Process:    Process{PID: 7, PPID: 1, Comm: "sh", Exe: "/bin/sh", Args: []string{"sh", "-c", "id"}, Cwd: "/", ParentComm: "nginx", ParentExe: "/usr/sbin/nginx", Ancestors: []string{"containerd-shim"}},
		Container:  &Container{ID: "0123456789abcdef", Name: "web", Image: "nginx:1.25", ImageID: "sha256:aa", ComposeProject: "shop"},
		File:       &File{Path: "/etc/shadow"},
		Net:        &Net{Family: "inet", Addr: netip.MustParseAddr("10.0.0.1"), Port: 4444},
		Cred:       &Cred{UID: 0, GID: -1},
		Target:     &Process{PID: 8, Comm: "app"},
		Mount:      &MountInfo{Source: "/dev/sda1", Target: "/mnt", FSType: "ext4"},
		NSFlags:    []string{"mnt"},
		Op:         "attach",
		Killed:     true,
		KernelRule: "shadow-read",
	}
}

func TestEveryFieldAnswers(t *testing.T) {
	e := full()
	unix := &Event{Kind: Connect, Net: &Net{Family: "unix", Path: "/var/run/docker.sock"}}
	for _, f := range Fields {
		ev := e
		if f.Name == "fd.unix_path" {
			ev = unix
		}
		v, ok := ev.Field(f.Name)
		if !ok {
			t.Errorf("%s: no value on a full event", f.Name)
			continue
		}
		var typ string
		switch v.(type) {
		case string:
			typ = "string"
		case int64:
			typ = "number"
		case bool:
			typ = "bool"
		case netip.Addr:
			typ = "ip"
		case []string:
			typ = "list"
		}
		if typ != f.Type {
			t.Errorf("%s: value %T, documented as %s", f.Name, v, f.Type)
		}
		if !KnownField(f.Name) {
			t.Errorf("%s: not known", f.Name)
		}
	}
	if _, ok := e.Field("proc.nosuch"); ok || KnownField("proc.nosuch") {
		t.Error("unknown field answered")
	}
}

func TestHostProcessHasEmptyContainerID(t *testing.T) {
	e := &Event{Kind: Exec, Process: Process{Comm: "bash"}}
	if v, ok := e.Field("container.id"); !ok || v != "" {
		t.Errorf("container.id on host = %v, %v; want empty, true", v, ok)
	}
	if _, ok := e.Field("container.image"); ok {
		t.Error("container.image answered for a host process")
	}
	if _, ok := e.Field("fd.sip"); ok {
		t.Error("fd.sip answered for an exec")
	}
}
