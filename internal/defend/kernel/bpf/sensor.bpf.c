// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
//
// The kernel half of `bulwark defend`: BTF tracepoints on process exec,
// fork and exit, and a tracepoint per system call the rules can select
// (or, without tracefs, the generic sys_enter BTF tracepoint). Each program first asks
// whether the current task's cgroup belongs to a container (one hash
// lookup; host processes and containers nobody watches stop there), then
// fills a record into the ring buffer. Enforcement predicates (kind + path
// prefix or name, per container or for all) live in an LPM trie, so the
// decision to kill is taken here with bpf_send_signal(SIGKILL), before the
// act completes. Separate cgroup sock_addr programs refuse connections of
// one container.
//
// Regenerate the Go bindings and objects with `go generate ./internal/defend/kernel`
// (needs clang-16, llvm-16 and libbpf-dev from Debian; vmlinux.h comes from
// `bpftool btf dump file /sys/kernel/btf/vmlinux format c`).

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// Event kinds, in the order of event.Kinds.
enum kind {
	K_EXEC = 0, K_FORK, K_EXIT, K_OPEN, K_CONNECT, K_ACCEPT, K_LISTEN,
	K_SETUID, K_SETGID, K_CAPSET, K_MOUNT, K_UMOUNT, K_PTRACE, K_SETNS,
	K_UNSHARE, K_MODULE, K_MEMFD, K_BPF, K_MAX,
	// Predicate-only kinds (never in a record).
	P_EXEC_NAME = 32, // exec whose new comm is in a set
	P_OPEN_READ = 33, // read-only open of a sensitive path (reported, not killed unless asked)
};

// Record flags.
#define F_STDIN_SOCK   (1u << 0)
#define F_STDOUT_SOCK  (1u << 1)
#define F_TTY          (1u << 2)
#define F_MEMFD        (1u << 3)
#define F_KILLED       (1u << 4) // SIGKILL sent from here
#define F_UNKNOWN_CG   (1u << 5) // cgroup not in the containers map yet
#define F_WRITE        (1u << 6)
#define F_RELATIVE     (1u << 7) // str0 is a path relative to dirfd/cwd
#define F_HAS_STR1     (1u << 8)
#define F_HAS_ARGV     (1u << 9)
#define F_UPPER        (1u << 10) // exec: the file lives in an overlay upper layer
#define F_OVERLAY      (1u << 11) // exec: the file is on overlayfs (F_UPPER is meaningful)
#define F_PCOMM        (1u << 12) // pcomm is filled (exec, and the acts a runtime does while it sets a container up)

#define STR_LEN  256
#define ARGV_LEN 512
#define KEY_LEN  128
#define NANC 4

struct event {
	__u64 ts;        // bpf_ktime_get_boot_ns
	__u64 cgroup_id;
	__u64 parent_cgroup_id; // set with F_UNKNOWN_CG
	__u64 cap_eff;
	__s64 ret;
	__u64 arg[4];    // kind-specific numbers
	__u32 kind;
	__u32 flags;
	__u32 pid, tid, ppid;
	__u32 uid, gid, euid;
	__u32 rule;      // predicate that matched (0: none)
	__u32 vpid;      // the thread-group id as the task's own pid namespace numbers it
	__u16 len0, len1, argv_len;
	__u16 pad;
	__u8 addr[16];
	char comm[16];
	char str0[STR_LEN];
	// The tails below are sent only when used (F_HAS_*, F_UNKNOWN_CG).
	char cgname[72]; // the cgroup's name, with F_UNKNOWN_CG (the engine names it after the container)
	char pcomm[16];
	char anc[NANC][16];
	char str1[STR_LEN];
	char argv[ARGV_LEN];
};

// Size of a record: the header and str0's bytes only, or up to a tail.
#define SZ_HDR (__builtin_offsetof(struct event, str0))
#define SZ_STR0 (__builtin_offsetof(struct event, cgname))
#define SZ_CG (__builtin_offsetof(struct event, pcomm))
#define SZ_PCOMM (__builtin_offsetof(struct event, anc))
#define SZ_STR1 (__builtin_offsetof(struct event, argv))
#define SZ_FULL (sizeof(struct event))

// Per-container filter, keyed by cgroup id.
struct cfilter {
	__u32 slot;       // predicate scope of this container (0: none of its own)
	__u32 kinds;      // bit per kind to report (0: quiet or a host cgroup)
	__u32 flags;      // CF_ENFORCE
	__u32 pad;
};
#define CF_ENFORCE (1u << 0)

struct pred_key {
	__u32 prefixlen;  // in bits, over scope+kind+path
	__u32 scope;      // 0: every container, else a container's slot
	__u32 kind;       // enum kind or P_*
	char path[KEY_LEN];
};

struct pred_val {
	__u32 rule;       // identifier given by user space
	__u32 action;     // A_*
	__u32 needs;      // N_*
	__u32 pad;
};
#define A_REPORT (1u << 0)
#define A_KILL   (1u << 1)
#define N_WRITE       (1u << 0) // open: only when opened for writing
#define N_STDIO_SOCK  (1u << 1) // exec: only when fd 0 or 1 is a socket
#define N_MEMFD       (1u << 2) // exec: only from a memory file

// Configuration set by user space before load.
const volatile __s32 cg_subsys = -1; // v1 controller index, or -1 for cgroup v2
const volatile __u32 agent_tgid = 0;
const volatile __u32 enforce_new = 0; // enforce in containers not yet in the map

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct cfilter);
} containers SEC(".maps");

// Cgroup ids whose children are containers (the engine's parent cgroup).
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u32);
} parents SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct pred_key);
	__type(value, struct pred_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} preds SEC(".maps");

// Counters per CPU: [0,K_MAX) emitted per kind, [32,32+K_MAX) lost per kind,
// 64 killed, 65 filtered (unwatched), 66 unknown cgroups reported.
#define C_LOST 32
#define C_KILLED 64
#define C_UNKNOWN 66
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 80);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} scratch SEC(".maps");

// The first 8 bytes of every absolute path that selects read-only opens,
// as bits of a bitmap indexed by a multiplicative hash of those bytes: a
// read-only open whose path starts otherwise is dropped after an 8-byte
// read and one load, before anything else (whose cgroup, which
// container). A bit shared by chance only sends a read on to the full
// lookup. gate_wide set means "no gate" (a predicate shorter than 8
// bytes, or on the kind alone).
#define GATE_BITS 16
struct gate_bits {
	__u64 bits[(1 << GATE_BITS) / 64];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gate_bits);
} read_gate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pred_key);
} keyscratch SEC(".maps");

// Settings user space changes while the programs run (an array's lookup
// is inlined by the verifier: a load, no helper call).
struct sensor_settings {
	__u32 gate_wide;
	__u32 pad;
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_settings);
} settings SEC(".maps");

static __always_inline void count(__u32 i)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &i);
	if (v)
		*v += 1;
}

// kernfs_node's parent was renamed __parent in 6.15.
struct kernfs_node___old {
	struct kernfs_node *parent;
};

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

static __always_inline struct cgroup *task_cgroup(struct task_struct *t)
{
	if (cg_subsys < 0)
		return BPF_CORE_READ(t, cgroups, dfl_cgrp);
	int i = cg_subsys & 15;
	if (i >= 12)
		return 0;
	return BPF_CORE_READ(t, cgroups, subsys[i], cgroup);
}

static __always_inline __u64 current_cgid(void)
{
	if (cg_subsys < 0)
		return bpf_get_current_cgroup_id();
	struct cgroup *cg = task_cgroup((struct task_struct *)bpf_get_current_task());
	return BPF_CORE_READ(cg, kn, id);
}

// The fallback for a cgroup not in the map: a child of a known engine
// parent, or a process in a pid namespace other than the host's, is
// reported (flagged) so user space can attribute it and add the cgroup.
static __always_inline int unknown_container(struct task_struct *t, __u64 *parent)
{
	struct cgroup *cg = task_cgroup(t);
	struct kernfs_node *kn = BPF_CORE_READ(cg, kn);
	__u64 pid = BPF_CORE_READ(kn_parent(kn), id);
	*parent = pid;
	if (bpf_map_lookup_elem(&parents, &pid))
		return 2;
	unsigned int level = BPF_CORE_READ(t, thread_pid, level);
	return level > 0;
}

// watched returns the filter of the current task's container, or a
// default for an unknown one; NULL means drop.
static struct cfilter unknown_filter = {.kinds = 0xffffffff};
static struct cfilter engine_filter = {.kinds = 0xffffffff, .flags = CF_ENFORCE};

static __always_inline struct cfilter *watched(__u32 kind, __u64 *cgid, __u64 *parent, __u32 *flags)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (tgid == agent_tgid)
		return 0;
	*cgid = current_cgid();
	struct cfilter *f = bpf_map_lookup_elem(&containers, cgid);
	if (f) {
		if (!(f->kinds & (1u << kind)))
			return 0;
		return f;
	}
	int u = unknown_container((struct task_struct *)bpf_get_current_task(), parent);
	if (!u)
		return 0;
	*flags |= F_UNKNOWN_CG;
	if (u == 2 && enforce_new)
		return &engine_filter;
	return &unknown_filter;
}

// ns_pid is a task's pid in its own pid namespace: pid->numbers[level].nr
// (offsets relocated, the array index is not a constant).
static __always_inline __u32 ns_pid(struct task_struct *t)
{
	struct pid *p = BPF_CORE_READ(t, thread_pid);
	unsigned int lvl = BPF_CORE_READ(p, level) & 31;
	__u32 nr = 0;
	void *at = (void *)p + bpf_core_field_offset(struct pid, numbers) +
		   lvl * bpf_core_type_size(struct upid) + bpf_core_field_offset(struct upid, nr);
	bpf_probe_read_kernel(&nr, sizeof(nr), at);
	return nr;
}

static __always_inline struct event *new_event(__u32 kind, __u64 cgid, __u64 parent, __u32 flags)
{
	__u32 z = 0;
	struct event *e = bpf_map_lookup_elem(&scratch, &z);
	if (!e)
		return 0;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 pt = bpf_get_current_pid_tgid();
	e->ts = bpf_ktime_get_boot_ns();
	e->cgroup_id = cgid;
	e->parent_cgroup_id = parent;
	e->kind = kind;
	e->flags = flags;
	e->pid = pt >> 32;
	e->tid = (__u32)pt;
	e->ppid = BPF_CORE_READ(t, real_parent, tgid);
	e->vpid = ns_pid(BPF_CORE_READ(t, group_leader));
	const struct cred *cr = BPF_CORE_READ(t, cred);
	e->uid = BPF_CORE_READ(cr, uid.val);
	e->gid = BPF_CORE_READ(cr, gid.val);
	e->euid = BPF_CORE_READ(cr, euid.val);
	bpf_core_read(&e->cap_eff, sizeof(e->cap_eff), &cr->cap_effective);
	e->ret = 0;
	e->rule = 0;
	e->len0 = e->len1 = e->argv_len = 0;
	e->arg[0] = e->arg[1] = e->arg[2] = e->arg[3] = 0;
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->cgname[0] = 0;
	if (flags & F_UNKNOWN_CG) {
		struct cgroup *cg = task_cgroup(t);
		bpf_probe_read_kernel_str(e->cgname, sizeof(e->cgname), BPF_CORE_READ(cg, kn, name));
	}
	return e;
}

static __always_inline void submit(struct event *e)
{
	// Most records (opens, connects) end with their path: only its bytes
	// go into the ring, so a burst fits more records.
	__u64 sz = SZ_HDR + ((e->len0 + 8) & ~7);
	if (e->flags & F_HAS_ARGV)
		sz = SZ_FULL;
	else if (e->flags & F_HAS_STR1)
		sz = SZ_STR1;
	else if (e->flags & F_PCOMM)
		sz = SZ_PCOMM;
	else if (e->flags & F_UNKNOWN_CG)
		sz = SZ_CG;
	if (sz > SZ_FULL)
		sz = SZ_FULL;
	// Forks and exits only keep the process table: they wait in the ring
	// for the next event that wakes the reader (an exec follows most
	// forks) or its poll, instead of costing a wakeup each. Every other
	// record can raise an alert and wakes the reader at once; forced,
	// since the default wakes only a reader that has caught up, which it
	// has not while forks and exits wait.
	__u64 wake = (e->kind == K_FORK || e->kind == K_EXIT) ? BPF_RB_NO_WAKEUP : BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, e, sz, wake) == 0)
		count(e->kind);
	else
		count(C_LOST + e->kind);
}

// match looks a path up in the predicates, the container's scope first.
static __always_inline struct pred_val *match(__u32 slot, __u32 kind, const char *path, __u32 len)
{
	__u32 z = 0;
	struct pred_key *k = bpf_map_lookup_elem(&keyscratch, &z);
	if (!k)
		return 0;
	if (len > KEY_LEN)
		len = KEY_LEN;
	bpf_probe_read_kernel(k->path, KEY_LEN, path);
	k->kind = kind;
	k->prefixlen = 64 + len * 8;
	struct pred_val *v = 0;
	if (slot) {
		k->scope = slot;
		v = bpf_map_lookup_elem(&preds, k);
	}
	if (!v) {
		k->scope = 0;
		v = bpf_map_lookup_elem(&preds, k);
	}
	return v;
}

static __always_inline void kill_if(struct event *e, struct cfilter *f, struct pred_val *v)
{
	if (!v)
		return;
	e->rule = v->rule;
	if ((v->action & A_KILL) && (f->flags & CF_ENFORCE)) {
		bpf_send_signal(9);
		e->flags |= F_KILLED;
		count(C_KILLED);
	}
}

static __always_inline int is_socket(struct file *file)
{
	if (!file)
		return 0;
	umode_t mode = BPF_CORE_READ(file, f_inode, i_mode);
	return (mode & 00170000) == 0140000;
}

static __always_inline struct file *fd_file(struct task_struct *t, unsigned int fd)
{
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	unsigned int max = BPF_CORE_READ(t, files, fdt, max_fds);
	if (fd >= max)
		return 0;
	struct file *f = 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

// ---------------------------------------------------------------- exec

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *t, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 cgid = 0, parent = 0;
	__u32 flags = 0;
	struct cfilter *f = watched(K_EXEC, &cgid, &parent, &flags);
	if (!f)
		return 0;
	struct event *e = new_event(K_EXEC, cgid, parent, flags | F_HAS_ARGV | F_HAS_STR1 | F_PCOMM);
	if (!e)
		return 0;
	const char *fn = BPF_CORE_READ(bprm, filename);
	long n = bpf_probe_read_kernel_str(e->str0, STR_LEN, fn);
	e->len0 = n > 0 ? n - 1 : 0;

	struct file *file = BPF_CORE_READ(bprm, file);
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	const unsigned char *dn = BPF_CORE_READ(d, d_name.name);
	n = bpf_probe_read_kernel_str(e->str1, STR_LEN, dn);
	e->len1 = n > 0 ? n - 1 : 0;
	if (e->str1[0] == 'm' && e->str1[1] == 'e' && e->str1[2] == 'm' && e->str1[3] == 'f' &&
	    e->str1[4] == 'd' && e->str1[5] == ':' && BPF_CORE_READ(file, f_inode, i_nlink) == 0)
		e->flags |= F_MEMFD;

	// An overlay file with an upper dentry was written (or copied up)
	// after the container started.
	struct inode *ino = BPF_CORE_READ(file, f_inode);
	if (BPF_CORE_READ(ino, i_sb, s_magic) == 0x794c7630) {
		e->flags |= F_OVERLAY;
		struct ovl_inode *oi = (struct ovl_inode *)((void *)ino - bpf_core_field_offset(struct ovl_inode, vfs_inode));
		if (BPF_CORE_READ(oi, __upperdentry))
			e->flags |= F_UPPER;
	}

	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	unsigned long as = BPF_CORE_READ(mm, arg_start), ae = BPF_CORE_READ(mm, arg_end);
	unsigned long al = ae - as;
	if (al > ARGV_LEN - 1)
		al = ARGV_LEN - 1;
	if (bpf_probe_read_user(e->argv, al & (ARGV_LEN - 1), (void *)as) == 0)
		e->argv_len = al;

	if (is_socket(fd_file(t, 0)))
		e->flags |= F_STDIN_SOCK;
	if (is_socket(fd_file(t, 1)))
		e->flags |= F_STDOUT_SOCK;
	if (BPF_CORE_READ(t, signal, tty))
		e->flags |= F_TTY;

	struct task_struct *p = BPF_CORE_READ(t, real_parent);
	bpf_probe_read_kernel_str(e->pcomm, 16, BPF_CORE_READ(p, comm));
#pragma unroll
	for (int i = 0; i < NANC; i++) {
		p = BPF_CORE_READ(p, real_parent);
		if (!p || BPF_CORE_READ(p, tgid) == 0)
			break; // past init
		bpf_probe_read_kernel_str(e->anc[i], 16, BPF_CORE_READ(p, comm));
	}

	// Predicates: the path as executed, then the new task name.
	struct pred_val *v = match(f->slot, K_EXEC, e->str0, e->len0 + 1);
	if (v && (v->needs & N_STDIO_SOCK) && !(e->flags & (F_STDIN_SOCK | F_STDOUT_SOCK)))
		v = 0;
	if (v && (v->needs & N_MEMFD) && !(e->flags & F_MEMFD))
		v = 0;
	if (!v) {
		v = match(f->slot, P_EXEC_NAME, e->comm, 16);
		if (v && (v->needs & N_STDIO_SOCK) && !(e->flags & (F_STDIN_SOCK | F_STDOUT_SOCK)))
			v = 0;
	}
	if (!v && (e->flags & F_MEMFD)) {
		v = match(f->slot, K_EXEC, e->str1, 6); // "memfd:"
		if (v && !(v->needs & N_MEMFD))
			v = 0;
	}
	kill_if(e, f, v);
	submit(e);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u64 cgid = 0, pcg = 0;
	__u32 flags = 0;
	struct cfilter *f = watched(K_FORK, &cgid, &pcg, &flags);
	if (!f)
		return 0;
	struct event *e = new_event(K_FORK, cgid, pcg, flags);
	if (!e)
		return 0;
	e->arg[0] = BPF_CORE_READ(child, tgid);
	e->arg[1] = BPF_CORE_READ(child, pid);
	if (e->arg[0] != e->arg[1])
		return 0; // a thread
	e->arg[2] = ns_pid(child);
	submit(e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *t)
{
	__u64 pt = bpf_get_current_pid_tgid();
	if ((pt >> 32) != (__u32)pt)
		return 0; // a thread
	__u64 cgid = 0, pcg = 0;
	__u32 flags = 0;
	struct cfilter *f = watched(K_EXIT, &cgid, &pcg, &flags);
	if (!f)
		return 0;
	struct event *e = new_event(K_EXIT, cgid, pcg, flags);
	if (!e)
		return 0;
	e->arg[0] = BPF_CORE_READ(t, exit_code);
	submit(e);
	return 0;
}

// ------------------------------------------------------------ syscalls

// x86-64 system call numbers.
#define NR_open 2
#define NR_connect 42
#define NR_accept 43
#define NR_listen 50
#define NR_clone 56
#define NR_creat 85
#define NR_ptrace 101
#define NR_setuid 105
#define NR_setgid 106
#define NR_setreuid 113
#define NR_setregid 114
#define NR_setresuid 117
#define NR_setresgid 119
#define NR_capset 126
#define NR_mount 165
#define NR_umount2 166
#define NR_init_module 175
#define NR_openat 257
#define NR_unshare 272
#define NR_accept4 288
#define NR_setns 308
#define NR_finit_module 313
#define NR_memfd_create 319
#define NR_bpf 321
#define NR_clone3 435
#define NR_openat2 437

#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define CLONE_NS_MASK 0x7e020080ULL // NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME

// cwd_components writes the names of the working directory's path, from
// the innermost up, into str1 as NCOMP slots of COMP bytes (user space
// joins them), crossing mount points; the process may be gone by the time
// user space could read /proc/PID/cwd.
#define NCOMP 8
#define COMP 32
static __always_inline void cwd_components(struct event *e)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct dentry *d = BPF_CORE_READ(t, fs, pwd.dentry);
	struct vfsmount *vm = BPF_CORE_READ(t, fs, pwd.mnt);
	// container_of with a CO-RE relocated offset.
	struct mount *mnt = (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));
	int n = 0;
#pragma unroll
	for (int i = 0; i < NCOMP + 2; i++) {
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		if (d == parent) {
			struct mount *mp = BPF_CORE_READ(mnt, mnt_parent);
			if (mp == mnt)
				break; // the root
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mp;
			continue;
		}
		if (n < NCOMP) {
			bpf_probe_read_kernel_str(&e->str1[(n & (NCOMP - 1)) * COMP], COMP, BPF_CORE_READ(d, d_name.name));
			n++;
		}
		d = parent;
	}
	e->len1 = n; // number of components
	if (d != BPF_CORE_READ(d, d_parent))
		e->len1 |= 0x100; // deeper than NCOMP: truncated
	e->flags |= F_HAS_STR1;
}

// open_gate reports whether an open can matter: a write, or a read whose
// path passes the read gate. An ordinary read-only open (the common case)
// stops here, at the top of the program, for every task.
static __always_inline int open_gate(const char *upath, __u64 oflags)
{
	if (oflags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC))
		return 1;
	__u32 z = 0;
	struct sensor_settings *st = bpf_map_lookup_elem(&settings, &z);
	if (!st || st->gate_wide)
		return 1;
	// Eight bytes, not a string: bytes after a shorter path's end are
	// cleared below (a path that ends right before an unmapped page fails
	// the read and goes on to the full lookup).
	__u64 k = 0;
	if (bpf_probe_read_user(&k, sizeof(k), upath) != 0)
		return 1;
	if ((k & 0xff) != '/')
		return 1; // relative names are matched on their base name
	__u64 keep = ~0ULL;
#pragma unroll
	for (int i = 1; i < 8; i++) {
		if (!((k >> (8 * i)) & 0xff)) {
			keep = (1ULL << (8 * i)) - 1;
			break;
		}
	}
	k &= keep;
	struct gate_bits *g = bpf_map_lookup_elem(&read_gate, &z);
	if (!g)
		return 1;
	__u64 h = (k * 0x9E3779B97F4A7C15ULL) >> (64 - GATE_BITS);
	return (g->bits[(h >> 6) & ((1 << GATE_BITS) / 64 - 1)] >> (h & 63)) & 1;
}

static __always_inline int open_event(struct cfilter *f, __u64 cgid, __u64 parent, __u32 flags,
				      const char *upath, __u64 oflags)
{
	int write = (oflags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
	__u32 z = 0;
	struct event *e = bpf_map_lookup_elem(&scratch, &z);
	if (!e)
		return 0;
	long n = bpf_probe_read_user_str(e->str0, STR_LEN, upath);
	if (n <= 0)
		return 0;
	__u16 len = n - 1;
	// Reads are looked up among the predicates that select reads
	// (sensitive files; relative base names too), writes among all.
	struct pred_val *v = match(f->slot, write ? K_OPEN : P_OPEN_READ, e->str0, len + 1);
	if (!v && !write)
		return 0; // an ordinary read
	if (write)
		flags |= F_WRITE;
	if (e->str0[0] != '/')
		flags |= F_RELATIVE;
	e = new_event(K_OPEN, cgid, parent, flags);
	if (!e)
		return 0;
	e->len0 = len;
	e->arg[0] = oflags;
	kill_if(e, f, v);
	if (e->flags & F_RELATIVE)
		cwd_components(e);
	submit(e);
	return 0;
}

static __always_inline void sock_local(struct event *e, struct socket *sock)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->arg[0] = fam;
	e->arg[1] = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->arg[2] = BPF_CORE_READ(sk, sk_protocol);
	if (fam == 2) {
		__u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__builtin_memcpy(e->addr, &a, 4);
	} else if (fam == 10) {
		BPF_CORE_READ_INTO(&e->addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
	}
}

// sys_enter is the work at a system call's entry, shared by the
// per-system-call tracepoints (attached only for the calls the loaded
// rules can select; id is then a constant and the switches fold away) and
// the generic sys_enter BTF tracepoint (the fallback where tracefs is not
// available, which runs for every system call of every task).
static __always_inline int sys_enter(long id, __u64 a0, __u64 a1, __u64 a2, __u64 a3)
{
	__u32 kind;
	switch (id) {
	case NR_open: case NR_creat: case NR_openat: case NR_openat2:
		kind = K_OPEN; break;
	case NR_connect: kind = K_CONNECT; break;
	case NR_listen: kind = K_LISTEN; break;
	case NR_accept: case NR_accept4: kind = K_ACCEPT; break;
	case NR_setuid: case NR_setreuid: case NR_setresuid: kind = K_SETUID; break;
	case NR_setgid: case NR_setregid: case NR_setresgid: kind = K_SETGID; break;
	case NR_capset: kind = K_CAPSET; break;
	case NR_mount: kind = K_MOUNT; break;
	case NR_umount2: kind = K_UMOUNT; break;
	case NR_ptrace: kind = K_PTRACE; break;
	case NR_setns: kind = K_SETNS; break;
	case NR_unshare: case NR_clone: case NR_clone3: kind = K_UNSHARE; break;
	case NR_init_module: case NR_finit_module: kind = K_MODULE; break;
	case NR_memfd_create: kind = K_MEMFD; break;
	case NR_bpf: kind = K_BPF; break;
	default:
		return 0;
	}
	if (id == NR_clone && !(a0 & CLONE_NS_MASK))
		return 0;
	if (id == NR_clone3) {
		__u64 fl = 0;
		bpf_probe_read_user(&fl, sizeof(fl), (void *)a0);
		if (!(fl & CLONE_NS_MASK))
			return 0;
		a0 = fl;
	}
	if (id == NR_ptrace && !(a0 == 16 || a0 == 0x4206 || a0 == 4 || a0 == 5 || a0 == 6 || a0 == 13))
		return 0;
	const char *upath = 0;
	__u64 oflags = 0;
	switch (id) {
	case NR_open:
		upath = (const char *)a0;
		oflags = a1;
		break;
	case NR_creat:
		upath = (const char *)a0;
		oflags = O_CREAT | O_WRONLY | O_TRUNC;
		break;
	case NR_openat:
		upath = (const char *)a1;
		oflags = a2;
		break;
	case NR_openat2:
		upath = (const char *)a1;
		bpf_probe_read_user(&oflags, sizeof(oflags), (void *)a2);
		break;
	}
	if (kind == K_OPEN && !open_gate(upath, oflags))
		return 0;

	__u64 cgid = 0, parent = 0;
	__u32 flags = 0;
	struct cfilter *f = watched(kind, &cgid, &parent, &flags);
	if (!f)
		return 0;

	if (kind == K_OPEN)
		return open_event(f, cgid, parent, flags, upath, oflags);

	struct event *e = new_event(kind, cgid, parent, flags);
	if (!e)
		return 0;
	e->arg[0] = a0;
	e->arg[1] = a1;
	e->arg[2] = a2;
	if (kind == K_MOUNT || kind == K_UMOUNT || kind == K_SETNS || kind == K_UNSHARE ||
	    kind == K_SETUID || kind == K_SETGID || kind == K_CAPSET) {
		// The runtime does these while it sets a container up, from a
		// child whose parent (runc) is gone by the time user space asks.
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();
		bpf_probe_read_kernel_str(e->pcomm, 16, BPF_CORE_READ(t, real_parent, comm));
		e->flags |= F_PCOMM;
	}
	long n;
	struct pred_val *v = 0;
	switch (id) {
	case NR_connect: {
		__u16 fam = 0;
		bpf_probe_read_user(&fam, sizeof(fam), (void *)a1);
		e->arg[0] = fam;
		if (fam == 2) {
			struct sockaddr_in sa = {};
			bpf_probe_read_user(&sa, sizeof(sa), (void *)a1);
			e->arg[1] = __builtin_bswap16(sa.sin_port);
			__builtin_memcpy(e->addr, &sa.sin_addr, 4);
		} else if (fam == 10) {
			struct sockaddr_in6 sa = {};
			bpf_probe_read_user(&sa, sizeof(sa), (void *)a1);
			e->arg[1] = __builtin_bswap16(sa.sin6_port);
			__builtin_memcpy(e->addr, &sa.sin6_addr, 16);
		} else if (fam == 1) {
			n = bpf_probe_read_user_str(e->str0, 108, (char *)a1 + 2);
			e->len0 = n > 0 ? n - 1 : 0;
			if (e->len0 > 0)
				v = match(f->slot, K_CONNECT, e->str0, e->len0 + 1);
		} else {
			return 0;
		}
		break;
	}
	case NR_listen: case NR_accept: case NR_accept4: {
		// accept is seen at entry too (a program on every system call's
		// exit would cost every process): the listening socket's address.
		struct file *file = fd_file((struct task_struct *)bpf_get_current_task(), a0);
		if (!file)
			return 0;
		sock_local(e, BPF_CORE_READ(file, private_data));
		break;
	}
	case NR_capset: {
		// cap_user_data_t: two {effective, permitted, inheritable} u32 triples.
		__u32 d[6] = {};
		bpf_probe_read_user(d, sizeof(d), (void *)a1);
		e->arg[0] = (__u64)d[0] | ((__u64)d[3] << 32);
		break;
	}
	case NR_mount:
		n = bpf_probe_read_user_str(e->str0, STR_LEN, (void *)a0);
		e->len0 = n > 0 ? n - 1 : 0;
		n = bpf_probe_read_user_str(e->str1, STR_LEN, (void *)a1);
		e->len1 = n > 0 ? n - 1 : 0;
		n = bpf_probe_read_user_str(e->argv, 64, (void *)a2);
		e->argv_len = n > 0 ? n - 1 : 0;
		e->arg[0] = a3;
		e->flags |= F_HAS_ARGV;
		break;
	case NR_umount2:
		n = bpf_probe_read_user_str(e->str1, STR_LEN, (void *)a0);
		e->len1 = n > 0 ? n - 1 : 0;
		e->flags |= F_HAS_STR1;
		break;
	case NR_memfd_create:
		n = bpf_probe_read_user_str(e->str0, STR_LEN, (void *)a0);
		e->len0 = n > 0 ? n - 1 : 0;
		break;
	case NR_finit_module: {
		struct file *file = fd_file((struct task_struct *)bpf_get_current_task(), a0);
		if (file) {
			n = bpf_probe_read_kernel_str(e->str0, STR_LEN, BPF_CORE_READ(file, f_path.dentry, d_name.name));
			e->len0 = n > 0 ? n - 1 : 0;
		}
		break;
	}
	case NR_setresuid: case NR_setresgid:
		e->arg[0] = a1; // the effective id
		break;
	case NR_setreuid: case NR_setregid:
		e->arg[0] = a1;
		break;
	case NR_init_module:
		e->arg[0] = 0;
		break;
	}
	e->arg[3] = id;
	if (!v)
		v = match(f->slot, kind, e->str0, 0); // a predicate on the kind alone
	kill_if(e, f, v);
	submit(e);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	return sys_enter(id, regs->di, regs->si, regs->dx, regs->r10);
}

// One program per system call a rule can select. A syscall tracepoint's
// record is the call's number and its n arguments; the kernel refuses to
// attach a program that reads past them (EACCES), so only those are read.
#define ARG(i, n) ((i) < (n) ? ctx->args[(i) < (n) ? (i) : 0] : 0)
#define SYSCALL(name, nr, n)                                                     \
	SEC("tracepoint/syscalls/sys_enter_" #name)                              \
	int sys_##name(struct trace_event_raw_sys_enter *ctx)                    \
	{                                                                        \
		return sys_enter(nr, ARG(0, n), ARG(1, n), ARG(2, n), ARG(3, n)); \
	}

SYSCALL(open, NR_open, 3)
SYSCALL(creat, NR_creat, 2)
SYSCALL(openat, NR_openat, 4)
SYSCALL(openat2, NR_openat2, 4)
SYSCALL(connect, NR_connect, 3)
SYSCALL(listen, NR_listen, 2)
SYSCALL(accept, NR_accept, 3)
SYSCALL(accept4, NR_accept4, 4)
SYSCALL(setuid, NR_setuid, 1)
SYSCALL(setreuid, NR_setreuid, 2)
SYSCALL(setresuid, NR_setresuid, 3)
SYSCALL(setgid, NR_setgid, 1)
SYSCALL(setregid, NR_setregid, 2)
SYSCALL(setresgid, NR_setresgid, 3)
SYSCALL(capset, NR_capset, 2)
SYSCALL(mount, NR_mount, 5)
SYSCALL(umount, NR_umount2, 2) // umount2's tracepoint is named after its SYSCALL_DEFINE
SYSCALL(ptrace, NR_ptrace, 4)
SYSCALL(setns, NR_setns, 2)
SYSCALL(unshare, NR_unshare, 1)
SYSCALL(clone, NR_clone, 5)
SYSCALL(clone3, NR_clone3, 2)
SYSCALL(init_module, NR_init_module, 3)
SYSCALL(finit_module, NR_finit_module, 3)
SYSCALL(memfd_create, NR_memfd_create, 2)
SYSCALL(bpf, NR_bpf, 3)

// ------------------------------------------------- connection refusal

struct deny_key {
	__u64 cgid;
	__u32 port;   // 0: any port
	__u32 family; // 0: any
	__u8 addr[16];// all zero: any address
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct deny_key);
	__type(value, __u32);
} denies SEC(".maps");

static __always_inline int refused(struct deny_key *k)
{
	if (bpf_map_lookup_elem(&denies, k))
		return 1;
	__u32 port = k->port;
	k->port = 0;
	if (bpf_map_lookup_elem(&denies, k))
		return 1;
	// Any address (family 0): the port, then any port.
	k->port = port;
	k->family = 0;
	__builtin_memset(k->addr, 0, 16);
	if (bpf_map_lookup_elem(&denies, k))
		return 1;
	k->port = 0;
	return bpf_map_lookup_elem(&denies, k) != 0;
}

SEC("cgroup/connect4")
int deny_connect4(struct bpf_sock_addr *ctx)
{
	struct deny_key k = {};
	k.cgid = bpf_get_current_cgroup_id();
	k.family = 2;
	k.port = __builtin_bswap16((__u16)ctx->user_port);
	__u32 a = ctx->user_ip4;
	__builtin_memcpy(k.addr, &a, 4);
	return refused(&k) ? 0 : 1;
}

SEC("cgroup/connect6")
int deny_connect6(struct bpf_sock_addr *ctx)
{
	struct deny_key k = {};
	k.cgid = bpf_get_current_cgroup_id();
	k.family = 10;
	k.port = __builtin_bswap16((__u16)ctx->user_port);
	__u32 a0 = ctx->user_ip6[0], a1 = ctx->user_ip6[1], a2 = ctx->user_ip6[2], a3 = ctx->user_ip6[3];
	__builtin_memcpy(k.addr, &a0, 4);
	__builtin_memcpy(k.addr + 4, &a1, 4);
	__builtin_memcpy(k.addr + 8, &a2, 4);
	__builtin_memcpy(k.addr + 12, &a3, 4);
	return refused(&k) ? 0 : 1;
}
