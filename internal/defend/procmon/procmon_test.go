package procmon

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/sensor"
)

// message builds a cn_msg + proc_event as the kernel sends them.
func message(what uint32, data ...uint32) []byte {
	b := make([]byte, 20+16+4*len(data))
	binary.NativeEndian.PutUint32(b[20:], what)
	for i, d := range data {
		binary.NativeEndian.PutUint32(b[36+4*i:], d)
	}
	return b
}

func TestDecode(t *testing.T) {
	self := uint32(os.Getpid())
	s := &Sensor{cgroup: func([]byte) (uint64, string) { return 7, "abc" }}
	var r sensor.Record
	if !s.decode(message(evExec, self, self), &r) || r.Event.Kind != event.Exec || r.Event.Process.PID != int32(self) ||
		r.Event.Process.Exe == "" || len(r.Event.Process.Args) == 0 || r.Event.Process.CgroupID != 7 || r.CgroupName != "abc" {
		t.Errorf("exec: %+v", r)
	}
	if !s.decode(message(evFork, self, self, 99999, 99999), &r) || r.Event.Kind != event.Fork || r.Event.Target.PID != 99999 {
		t.Errorf("fork: %+v", r)
	}
	if s.decode(message(evFork, self, self, 99999, 99998), &r) {
		t.Error("a new thread reported as a fork")
	}
	if !s.decode(message(evUID, self, self, 0, 1000), &r) || r.Event.Kind != event.SetUID || r.Event.Cred.UID != 1000 {
		t.Errorf("uid: %+v", r.Event.Cred)
	}
	if s.decode(message(0x1234, self, self), &r) || s.decode([]byte{1, 2, 3}, &r) {
		t.Error("unknown or short messages decoded")
	}
	host := &Sensor{cgroup: func([]byte) (uint64, string) { return 0, "" }}
	if host.decode(message(evExec, self, self), &r) {
		t.Error("a host process (no container cgroup) reported")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(message(evExec, 1, 1))
	f.Add(message(evFork, 1, 1, 2, 2))
	f.Add(message(evExit, 1, 1, 0, 9))
	f.Add([]byte{})
	s := &Sensor{cgroup: func([]byte) (uint64, string) { return 1, "x" }}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r sensor.Record
		s.decode(b, &r)
	})
}
