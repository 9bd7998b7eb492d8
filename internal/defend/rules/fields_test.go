package rules

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// corpus is a spread of events: every kind, with and without details, in
// and out of containers, with names and paths the default rules test.
func corpus() []*event.Event {
	comms := []string{"sh", "bash", "apt-get", "xmrig", "nginx", "cat", "runc:[2:INIT]", "pip", "npm", ""}
	paths := []string{"/tmp/x", "/tmp", "/usr/bin/ls", "/usr/lib/x.so", "/etc/shadow", "/etc/passwd", "/var/run/docker.sock",
		"/root/.ssh/id_rsa", "/dev/shm/a/b", "relative", "", "/"}
	var out []*event.Event
	i := 0
	for _, k := range event.Kinds {
		for _, comm := range comms {
			for _, p := range paths {
				i++
				e := &event.Event{Kind: k, Ret: int64(-i % 3), Process: event.Process{
					PID: int32(i), PPID: 1, Comm: comm, Exe: p, Args: []string{comm, "install", p},
					ParentComm: comms[i%len(comms)], Ancestors: []string{"containerd-shim"}[:i%2],
					UID: uint32(i % 2 * 1000), StdinSocket: i%3 == 0, StdoutSocket: i%5 == 0, TTY: i%7 == 0,
					ExeFromMemfd: i%11 == 0, ExeUpperLayer: i%13 == 0, CapEffective: uint64(i),
				}}
				if i%4 != 0 {
					e.Container = &event.Container{ID: []string{"abc", "def", ""}[i%3], Image: "img", Privileged: i%2 == 0}
				}
				switch {
				case i%3 == 0:
					e.File = &event.File{Path: p, Write: i%2 == 0}
				case i%3 == 1:
					n := &event.Net{Family: "inet", Addr: netip.MustParseAddr("10.0.0.1"), Port: uint16(i % 5000)}
					if i%2 == 0 {
						n = &event.Net{Family: "unix", Path: p}
					}
					e.Net = n
				}
				if i%6 == 0 {
					e.Cred = &event.Cred{UID: int64(i%2 - 1), GID: -1, Caps: uint64(i)}
					e.Target = &event.Process{PID: 9, Comm: "t"}
					e.Mount = &event.MountInfo{Source: "s", Target: p, FSType: "ext4"}
					e.NSFlags = []string{"mnt"}
					e.Op = "attach"
				}
				out = append(out, e)
			}
		}
	}
	return out
}

// TestAccessorsAgreeWithField holds every typed accessor to the event's own
// Field, and every documented field to having one.
func TestAccessorsAgreeWithField(t *testing.T) {
	evs := append(corpus(), &event.Event{}, &event.Event{Kind: event.Exec, Container: &event.Container{}})
	for _, f := range event.Fields {
		a, ok := accessors[f.Name]
		if !ok {
			t.Errorf("%s: no typed accessor", f.Name)
			a = accessor(f)
		}
		for _, e := range evs {
			want, wantOK := e.Field(f.Name)
			var got any
			var gotOK bool
			switch a := a.(type) {
			case strAcc:
				got, gotOK = a(e)
			case numAcc:
				got, gotOK = a(e)
			case boolAcc:
				got, gotOK = a(e)
			case ipAcc:
				got, gotOK = a(e)
			case listAcc:
				got, gotOK = a(e)
			}
			if gotOK != wantOK || (wantOK && !reflect.DeepEqual(got, want)) {
				t.Errorf("%s on %s: accessor (%v, %v), Field (%v, %v)", f.Name, e, got, gotOK, want, wantOK)
				break
			}
		}
	}
	for name := range accessors {
		if !event.KnownField(name) {
			t.Errorf("accessor for %s, which event.Fields does not list", name)
		}
	}
}

// TestIndexKeepsEveryMatch: a rule's condition, evaluated on an event of a
// kind the index leaves out, never holds.
func TestIndexKeepsEveryMatch(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	full := map[*Rule]evalFn{}
	for _, r := range s.Rules() {
		if full[r], err = compileNode(r.tree); err != nil { // unpruned
			t.Fatal(err)
		}
	}
	for _, e := range corpus() {
		for _, r := range s.Rules() {
			if full[r](e) && !r.kindOK(e.Kind) {
				t.Errorf("%s selects %s, but is not indexed under %s", r.ID, e, e.Kind)
			}
		}
	}
}
