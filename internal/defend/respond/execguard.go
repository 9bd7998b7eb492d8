package respond

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// ExecGuard refuses executions in chosen containers: one fanotify group
// per container, marked FAN_OPEN_EXEC_PERM on the container's root
// filesystem (the overlay superblock is the container's alone), answers
// FAN_DENY — execve then fails with EPERM — when the executable matches a
// deny predicate.
type ExecGuard struct {
	// OnDeny receives an alert for each refusal.
	OnDeny func(a *event.Alert)

	mu     sync.Mutex
	groups map[string]*group // container id → group
}

type group struct {
	fd    int
	c     *event.Container
	preds []event.Predicate
}

// NewExecGuard returns an empty guard.
func NewExecGuard(onDeny func(a *event.Alert)) *ExecGuard {
	return &ExecGuard{OnDeny: onDeny, groups: map[string]*group{}}
}

// Guard starts refusing the executables of preds (Kind Exec) in the
// container whose root filesystem is at root (as the host sees it).
func (g *ExecGuard) Guard(ctx context.Context, c *event.Container, root string, preds []event.Predicate) error {
	g.mu.Lock()
	if _, ok := g.groups[c.ID]; ok {
		g.mu.Unlock()
		return nil
	}
	g.mu.Unlock()
	fd, err := unix.FanotifyInit(unix.FAN_CLASS_CONTENT|unix.FAN_CLOEXEC, unix.O_RDONLY|unix.O_LARGEFILE|unix.O_CLOEXEC)
	if err != nil {
		return fmt.Errorf("respond: fanotify_init: %w", err)
	}
	if err := unix.FanotifyMark(fd, unix.FAN_MARK_ADD|unix.FAN_MARK_FILESYSTEM, unix.FAN_OPEN_EXEC_PERM, unix.AT_FDCWD, root); err != nil {
		unix.Close(fd)
		return fmt.Errorf("respond: marking %s for exec permission: %w", root, err)
	}
	gr := &group{fd: fd, c: c, preds: preds}
	g.mu.Lock()
	g.groups[c.ID] = gr
	g.mu.Unlock()
	go g.serve(ctx, gr)
	return nil
}

// Release stops guarding a container.
func (g *ExecGuard) Release(id string) {
	g.mu.Lock()
	gr := g.groups[id]
	delete(g.groups, id)
	g.mu.Unlock()
	if gr != nil {
		unix.Close(gr.fd)
	}
}

// Close releases every container.
func (g *ExecGuard) Close() {
	g.mu.Lock()
	ids := make([]string, 0, len(g.groups))
	for id := range g.groups {
		ids = append(ids, id)
	}
	g.mu.Unlock()
	for _, id := range ids {
		g.Release(id)
	}
}

const metaLen = 24 // struct fanotify_event_metadata

func (g *ExecGuard) serve(ctx context.Context, gr *group) {
	stop := context.AfterFunc(ctx, func() { g.Release(gr.c.ID) })
	defer stop()
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(gr.fd, buf)
		if err != nil {
			if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
				continue
			}
			return // closed
		}
		for off := 0; off+metaLen <= n; {
			evLen := int(binary.NativeEndian.Uint32(buf[off:]))
			if evLen < metaLen || off+evLen > n {
				break
			}
			mask := binary.NativeEndian.Uint64(buf[off+8:])
			fd := int32(binary.NativeEndian.Uint32(buf[off+16:]))
			pid := int32(binary.NativeEndian.Uint32(buf[off+20:]))
			off += evLen
			if fd < 0 {
				continue
			}
			if mask&unix.FAN_OPEN_EXEC_PERM != 0 {
				g.decide(gr, int(fd), pid)
			}
			unix.Close(int(fd))
		}
	}
}

// decide answers one permission event. It must answer every event, or the
// exec hangs: errors allow.
func (g *ExecGuard) decide(gr *group, fd int, pid int32) {
	p, _ := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	p = strings.TrimSuffix(p, " (deleted)")
	rule := ""
	for _, pr := range gr.preds {
		if pr.Kind == event.Exec && pr.Response == event.Deny && Matches(pr, p) {
			rule = pr.Rule
			break
		}
	}
	resp := uint32(unix.FAN_ALLOW)
	if rule != "" {
		resp = unix.FAN_DENY
	}
	var b [8]byte
	binary.NativeEndian.PutUint32(b[0:], uint32(fd))
	binary.NativeEndian.PutUint32(b[4:], resp)
	if _, err := unix.Write(gr.fd, b[:]); err != nil {
		slog.Warn("respond: answering a fanotify permission event", "err", err)
	}
	if rule == "" || g.OnDeny == nil {
		return
	}
	comm, _ := os.ReadFile("/proc/" + strconv.Itoa(int(pid)) + "/comm")
	a := &event.Alert{
		Event: event.Event{Time: time.Now(), Kind: event.Exec, Ret: -int64(unix.EPERM),
			Process:   event.Process{PID: pid, TID: pid, Comm: strings.TrimSpace(string(comm)), Exe: p},
			Container: gr.c, File: &event.File{Path: p}},
		Rule: rule, Priority: "critical", Output: "exec of " + p + " refused", Response: event.Deny,
		Detail: "refused with EPERM (fanotify permission event on the container's root filesystem)",
	}
	g.OnDeny(a)
}

// Matches reports whether a path falls under a predicate's prefixes or
// names (for the user-space half of predicates).
func Matches(p event.Predicate, file string) bool {
	for _, pre := range p.Prefixes {
		if exact, ok := strings.CutSuffix(pre, "\x00"); ok {
			if file == exact {
				return true
			}
		} else if strings.HasPrefix(file, pre) {
			return true
		}
	}
	return slices.Contains(p.Names, path.Base(file))
}
