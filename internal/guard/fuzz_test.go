package guard

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

// FuzzDecide feeds hostile methods, URIs and bodies to the default policy
// (offline, so no engine is needed). Whatever the input: no panic, a
// reason with every denial, and no create is allowed that Docker's own
// request type would read as privileged, sharing a host namespace, adding
// a capability outside the allow-list, mounting a sensitive path, or
// lacking the required settings.
func FuzzDecide(f *testing.F) {
	f.Add("POST", "/v1.41/containers/create", []byte(hardened))
	f.Add("POST", "/v1.41/containers/create", []byte(""))
	f.Add("POST", "/v1.41/containers/create", []byte(`{"Image":"a","Privileged":true}`))
	f.Add("POST", "/v1.41/containers/create", []byte(`{"hostconfig":{"Privileged":true},"HostConfig":{"ReadonlyRootfs":true}}`))
	f.Add("POST", "/containers%2Fcreate", []byte(with(`"Binds":["/var/run/docker.sock:/s"]`, "")))
	f.Add("post", "/V1.41/CONTAINERS/CREATE/", []byte(with(`"PidMode":"host"`, "")))
	f.Add("POST", "/containers/create", []byte(hardened+`{"HostConfig":{"Privileged":true}}`))
	f.Add("POST", "/containers/x/exec", []byte(`{"User":"0","Privileged":true}`))
	f.Add("POST", "/containers/x/start", []byte(`{"Privileged":true}`))
	f.Add("POST", "/containers/x/update", []byte(`{"Devices":[{"PathOnHost":"/dev/mem"}]}`))
	f.Add("POST", "/volumes/create", []byte(`{"DriverOpts":{"device":"/etc"}}`))
	f.Add("POST", "/plugins/pull?remote=x", []byte(`[]`))
	f.Add("GET", "/_ping", []byte(nil))
	f.Add("POST", "/containers/create", []byte("\xff\xfe{"))
	p := policy.Default()
	p.ScanGate.Enabled = false
	g, err := New(p, Options{Offline: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, uri string, body []byte) {
		d, err := g.Decide(context.Background(), Input{Method: method, URI: uri, Body: body})
		if err != nil {
			t.Fatalf("internal error: %v", err)
		}
		if d.Allow != (len(d.Violations) == 0) {
			t.Fatalf("allow %v with violations %v", d.Allow, d.Violations)
		}
		for _, v := range d.Violations {
			if v.Rule == "" || v.Detail == "" {
				t.Fatalf("denial without a reason: %+v", d)
			}
		}
		if !d.Allow || d.Endpoint != ContainerCreate {
			return
		}
		// Allowed: Docker's own decoding must agree it is safe.
		var req container.CreateRequest
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&req); err != nil {
			t.Fatalf("allowed a body Docker cannot decode: %v", err)
		}
		h := req.HostConfig
		if h == nil {
			t.Fatal("allowed a create without HostConfig")
		}
		if h.Privileged || h.PidMode.IsHost() || h.IpcMode.IsHost() || h.NetworkMode.IsHost() ||
			h.UTSMode.IsHost() || h.UsernsMode.IsHost() || h.CgroupnsMode.IsHost() || !h.ReadonlyRootfs {
			t.Fatalf("allowed an insecure host configuration: %+v", h)
		}
		for _, c := range h.CapAdd {
			if !g.cur.Load().caps[policy.NormalizeCapability(c)] {
				t.Fatalf("allowed capability %q", c)
			}
		}
		for _, b := range h.Binds {
			src, _, _ := strings.Cut(b, ":")
			if strings.HasPrefix(src, "/") {
				if hit, _ := g.cur.Load().sensitiveMount(src); hit {
					t.Fatalf("allowed bind %q", b)
				}
			}
		}
		if req.Config != nil && req.Config.User != "" && !needsPasswd(req.Config.User) && resolveUser(req.Config.User, passwdFile{}).root {
			t.Fatalf("allowed root user %q", req.Config.User)
		}
	})
}

// FuzzUserSpec resolves hostile user specs against hostile passwd files:
// no panic, and the answer agrees with how the runtime reads a numeric
// user part (strconv.Atoi): uid 0 in any spelling is root.
func FuzzUserSpec(f *testing.F) {
	for _, s := range []string{"", "0", "+0", "-0", "00", "+0:+0", "0:1000", "root", "toor", "app:app", "1000", "-1", "99999999999", "+", ":0", "a:b:c"} {
		f.Add(s, []byte("root:x:0:0:root:/root:/bin/sh\ntoor:x:+0:0::/:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"))
	}
	f.Add("x", []byte("x:x:00:0\n#:x:0\n"))
	f.Fuzz(func(t *testing.T, spec string, passwd []byte) {
		a := resolveUser(spec, passwdFile{data: passwd, present: true})
		if a.unjudged != "" && a.root {
			t.Fatalf("%q: root and unjudged", spec)
		}
		if a.unjudged == "" && a.root != (a.uid == 0) {
			t.Fatalf("%q: root %v with uid %d", spec, a.root, a.uid)
		}
		u, _, _ := strings.Cut(spec, ":")
		if n, err := strconv.Atoi(u); err == nil && n == 0 && !a.root {
			t.Fatalf("%q: uid 0 by number not root: %+v", spec, a)
		}
		if u == "" && !a.root {
			t.Fatalf("%q: the default user (uid 0) not root: %+v", spec, a)
		}
	})
}
