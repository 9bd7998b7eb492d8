package event

import "net/netip"

// Predicate is the part of a rule that the kernel can check by itself, so
// that a response happens before the act completes: an act of Kind whose
// path starts with one of Prefixes (open, exec; the socket path of a
// connect to a unix socket), or an exec whose new task name is one of
// Names, optionally only with socket stdio, from a memory file, or (opens)
// for writing. A rules engine that can express a rule this way offers its
// predicates; the sensor loads them into the kernel, and a rule that
// cannot be expressed so is judged in user space (its kill then comes from
// user space, and the alert says so).
type Predicate struct {
	Rule     string   `json:"rule"`
	Kind     Kind     `json:"kind"` // Exec, Open or Connect
	Prefixes []string `json:"prefixes,omitempty"`
	Names    []string `json:"names,omitempty"`
	// ReadOnly selects read-only opens too (sensitive files); the sensor
	// otherwise reports only opens for writing.
	ReadOnly    bool `json:"read_only,omitempty"`
	Write       bool `json:"write,omitempty"`
	StdioSocket bool `json:"stdio_socket,omitempty"`
	Memfd       bool `json:"memfd,omitempty"`
	// Addrs and Ports select inet connections (Connect with Response
	// Deny): each address with each port; none means any.
	Addrs []netip.Addr `json:"addrs,omitempty"`
	Ports []uint16     `json:"ports,omitempty"`
	// Response is what to do: Report, Kill (in the kernel), Deny (exec:
	// fanotify on the container's root; connect: cgroup programs).
	Response Response `json:"response"`
	// Container limits the predicate to one container id ("" for all).
	Container string `json:"container,omitempty"`
}
