// Package egress confines the connections a server opens on behalf of
// its clients, so a request cannot aim the server at its own loopback,
// the private network it sits in or a cloud metadata service (server-side
// request forgery).
//
//	allow-list ─▶ Policy ─▶ http.Transport (DialContext)
//	  dial "host:port" ─▶ host or host:port listed? ─▶ net.Dialer resolves
//	  ─▶ Control hook, once per address actually dialled ─▶ denied range?
//
// The check runs in the dialer's Control hook, after name resolution and
// on the exact address the socket connects to, so a name that resolves to
// a public address when checked and to 127.0.0.1 when dialled (DNS
// rebinding) is still refused; every connection of the transport goes
// through it: registry API calls, auth realms named by a registry's
// challenge, and redirects to blob storage. A hand-written dial hook earns
// its place: the standard library has the hook but no policy, and the
// ranges are the point.
package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrDenied is returned (wrapped) for a connection the policy refuses.
var ErrDenied = errors.New("egress: address not allowed")

// denied are the ranges no server-side request may reach unless listed:
// loopback, private (RFC 1918, unique local), link-local (which holds the
// 169.254.169.254 metadata service), shared address space (CGNAT),
// unspecified, multicast, broadcast, documentation, benchmarking and
// reserved ranges, and the IPv6 forms that embed IPv4 addresses.
var denied = sync.OnceValue(func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32",
		"2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
})

// Denied reports whether ip lies in a range server-side requests may not
// reach, and which.
func Denied(ip netip.Addr) (bool, netip.Prefix) {
	ip = ip.Unmap().WithZone("")
	for _, p := range denied() {
		if p.Contains(ip) {
			return true, p
		}
	}
	return false, netip.Prefix{}
}

// Policy is an allow-list over the denied ranges.
type Policy struct {
	hosts map[string]bool // lower-case "host" or "host:port"
	nets  []netip.Prefix
}

// New builds a policy from allow-list entries: a host name or address,
// optionally with a port ("registry.internal:5000", "127.0.0.1:5000"), or
// a network in CIDR form ("10.20.0.0/16"). A listed host may resolve to
// any address; a listed network is allowed whatever name led to it.
func New(allow []string) (*Policy, error) {
	p := &Policy{hosts: map[string]bool{}}
	for _, a := range allow {
		a = strings.ToLower(strings.TrimSpace(a))
		if pr, err := netip.ParsePrefix(a); err == nil {
			p.nets = append(p.nets, pr.Masked())
			continue
		}
		if a == "" || strings.ContainsAny(a, "/@ ") {
			return nil, fmt.Errorf("egress: %q is not a host[:port] or a CIDR network", a)
		}
		p.hosts[a] = true
	}
	return p, nil
}

// Listed reports whether hostport ("host:port") is listed by name.
func (p *Policy) Listed(hostport string) bool {
	hostport = strings.ToLower(hostport)
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return p.hosts[hostport] || p.hosts[host] || p.hosts[strings.Trim(host, "[]")]
}

// Check answers whether a connection to ip is allowed; listed says the
// name it was dialled by is on the allow-list.

func (p *Policy) Check(ip netip.Addr, listed bool) error {
	if listed {
		return nil
	}
	bad, in := Denied(ip)
	if !bad {
		return nil
	}
	for _, n := range p.nets {
		if n.Contains(ip.Unmap()) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s is in %s (loopback, private, link-local or reserved); list the registry to allow it", ErrDenied, ip, in)
}

// DialContext dials like net.Dialer, refusing denied addresses after
// resolution, at connect time.
func (p *Policy) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	listed := p.Listed(addr)
	d := &net.Dialer{
		Timeout:   30 * time.Second,
		KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: cannot read dialled address %q", ErrDenied, address)
			}
			return p.Check(ap.Addr(), listed)
		},
	}
	return d.DialContext(ctx, network, addr)
}

// Transport is an HTTP transport whose every connection goes through
// DialContext. It ignores proxy settings: through a proxy the check would
// judge the proxy's address, not the one requested.
func (p *Policy) Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = p.DialContext
	return t
}
