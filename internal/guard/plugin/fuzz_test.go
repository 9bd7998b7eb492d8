package plugin

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/guard"
	"github.com/bulwark-sec/bulwark/internal/guard/policy"
)

func wire(method, uri string, body []byte) []byte {
	b, _ := json.Marshal(Request{RequestMethod: method, RequestURI: uri, RequestBody: body})
	return b
}

// FuzzAuthZReq sends hostile AuthZ requests (the JSON the daemon posts,
// with the API request body inside) through the plugin's HTTP handler:
// every answer is well-formed JSON, and a denial always carries a message
// naming a rule; a request the plugin cannot read is never allowed.
func FuzzAuthZReq(f *testing.F) {
	f.Add(wire("POST", "/v1.41/containers/create", []byte(`{"Image":"a","User":"1","HostConfig":{"ReadonlyRootfs":true,"SecurityOpt":["no-new-privileges"]}}`)))
	f.Add(wire("POST", "/v1.41/containers/create", nil))
	f.Add(wire("POST", "/v1.41/containers/create", []byte(`{"Image":"a","HostConfig":{"Privileged":true}}`)))
	f.Add(wire("POST", "/containers/c/exec", []byte(`{"User":"root"}`)))
	f.Add(wire("GET", "/v1.41/info", nil))
	f.Add([]byte(`{"RequestMethod":"POST","RequestUri":"/containers/create","RequestBody":"not base64!"}`))
	f.Add([]byte(`{"RequestMethod":"POST","RequestUri":"/containers/create","RequestBody":{"Image":"a"}}`))
	f.Add([]byte(`{"requestmethod":"POST","requesturi":"/containers/create","requestbody":"e30="}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	p := policy.Default()
	p.ScanGate.Enabled = false
	g, err := guard.New(p, guard.Options{Offline: true})
	if err != nil {
		f.Fatal(err)
	}
	h := NewServer(g, nil).Handler()
	f.Fuzz(func(t *testing.T, in []byte) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", "/AuthZPlugin.AuthZReq", bytes.NewReader(in)))
		var resp Response
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("answer is not JSON: %q", w.Body.String())
		}
		if !resp.Allow && !strings.Contains(resp.Msg, "rule ") {
			t.Fatalf("denial without a rule: %+v", resp)
		}
		req, err := DecodeRequest(bytes.NewReader(in))
		if err != nil && resp.Allow {
			t.Fatalf("allowed an unreadable request (%v)", err)
		}
		if err == nil {
			r, rerr := guard.ParseRoute(req.RequestMethod, req.RequestURI)
			if rerr == nil && r.Endpoint == guard.ContainerCreate && len(req.RequestBody) == 0 && resp.Allow {
				t.Fatal("allowed a create without a body")
			}
		}
	})
}
