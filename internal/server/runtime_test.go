package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/judge"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
	"github.com/bulwark-sec/bulwark/internal/notify"
	"github.com/bulwark-sec/bulwark/internal/server"
	"github.com/bulwark-sec/bulwark/internal/store"
)

// runtimeAlerts judges a few acts in two containers with the default rules
// and a model, as an agent would, and returns the alerts as sent.
func runtimeAlerts(t *testing.T) []event.Alert {
	t.Helper()
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	reg := model.NewRegistry(model.Config{Window: model.Window{Starts: 1}})
	j := judge.New(judge.Options{Rules: set, Models: reg, Dedup: -1})
	web := &event.Container{ID: "c0ffee000001", Name: "web", Image: "shop/web:1.4", ImageID: "sha256:aaaa"}
	web2 := &event.Container{ID: "c0ffee000002", Name: "web-2", Image: "shop/web:1.4", ImageID: "sha256:aaaa"}
	db := &event.Container{ID: "d00d00000001", Name: "db", Image: "postgres:16", ImageID: "sha256:bbbb"}
	now := time.Now().UTC()
	evs := []*event.Event{
		{Kind: event.Exec, Container: web, Process: event.Process{PID: 10, Comm: "server", Exe: "/app/server", ParentComm: "containerd-shim"}},
		{Kind: event.Exec, Container: web2, Process: event.Process{PID: 11, Comm: "sh", Exe: "/bin/sh", ParentComm: "nginx", TTY: true}},
		{Kind: event.Open, Container: web2, Process: event.Process{PID: 12, Comm: "cat", Exe: "/bin/cat"}, File: &event.File{Path: "/etc/shadow"}},
		{Kind: event.Exec, Container: db, Process: event.Process{PID: 13, Comm: "xmrig", Exe: "/tmp/xmrig", ParentComm: "sh"}},
	}
	var out []event.Alert
	for i, e := range evs {
		e.Time = now.Add(time.Duration(i) * time.Second)
		out = append(out, j.Judge(t.Context(), e)...)
	}
	return out
}

func alertsBody(t *testing.T, as []event.Alert) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"alerts": as})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRuntimeAlertsAPI(t *testing.T) {
	f := newFixture(t, server.Config{NoWorkers: true})
	as := runtimeAlerts(t)
	var rulesSeen []string
	for _, a := range as {
		rulesSeen = append(rulesSeen, a.Rule)
	}
	if got := strings.Join(rulesSeen, ","); !strings.Contains(got, "read-shadow") || !strings.Contains(got, "model") || !strings.Contains(got, "miner-process") {
		t.Fatalf("alerts %s", got)
	}
	body := alertsBody(t, as)
	code, b := f.do("POST", "/api/v1/runtime/alerts", f.agent1, body)
	if code != 201 || !strings.Contains(string(b), fmt.Sprintf(`"stored":%d`, len(as))) {
		t.Fatalf("post: %d %s", code, b)
	}
	// Sent again (a retry after a lost answer): nothing new.
	if code, b := f.do("POST", "/api/v1/runtime/alerts", f.agent1, body); code != 201 || !strings.Contains(string(b), `"stored":0`) {
		t.Errorf("retry: %d %s", code, b)
	}
	var got []store.RuntimeAlert
	f.getJSON("/api/v1/runtime/alerts", f.viewer, &got)
	if len(got) != len(as) {
		t.Fatalf("%d alerts listed, want %d", len(got), len(as))
	}
	if got[0].Rule != as[len(as)-1].Rule || got[0].Host != "h1" || got[0].ContainerName != "db" || got[0].ImageID != "sha256:bbbb" || got[0].Process != "xmrig" {
		t.Errorf("newest alert %+v", got[0])
	}
	var back event.Alert
	if err := json.Unmarshal(got[0].Alert, &back); err != nil || back.Event.Process.Exe != "/tmp/xmrig" {
		t.Errorf("alert as sent: %v %+v", err, back)
	}
	for q, want := range map[string]int{
		"?container=web-2":                   countWhere(as, func(a event.Alert) bool { return a.Event.Container.Name == "web-2" }),
		"?container=c0ffee000002&rule=model": countWhere(as, func(a event.Alert) bool { return a.Event.Container.Name == "web-2" && a.Rule == "model" }),
		"?image=postgres:16":                 countWhere(as, func(a event.Alert) bool { return a.Event.Container.Image == "postgres:16" }),
		"?image=sha256:aaaa&limit=1":         1,
		"?host=h2":                           0,
		"?since=" + time.Now().Add(time.Hour).UTC().Format(time.RFC3339): 0,
	} {
		var l []store.RuntimeAlert
		f.getJSON("/api/v1/runtime/alerts"+q, f.admin, &l)
		if len(l) != want {
			t.Errorf("GET %s: %d alerts, want %d", q, len(l), want)
		}
	}
	// Agents see their own host only, and speak for it only.
	if code, _ := f.do("GET", "/api/v1/runtime/alerts?host=h1", f.agent2, nil); code != 403 {
		t.Errorf("agent2 reading h1: %d", code)
	}
	var own []store.RuntimeAlert
	f.getJSON("/api/v1/runtime/alerts", f.agent2, &own)
	if len(own) != 0 {
		t.Errorf("agent2 sees %d alerts of h1", len(own))
	}
	if code, _ := f.do("POST", "/api/v1/runtime/alerts?host=h2", f.agent1, body); code != 403 {
		t.Errorf("agent1 posting for h2: %d", code)
	}
	if code, _ := f.do("POST", "/api/v1/runtime/alerts", f.viewer, body); code != 403 {
		t.Errorf("viewer posting: %d", code)
	}
	if code, _ := f.do("POST", "/api/v1/runtime/alerts", f.admin, body); code != 400 {
		t.Errorf("admin without ?host=: %d", code)
	}
}

func countWhere(as []event.Alert, f func(event.Alert) bool) int {
	n := 0
	for _, a := range as {
		if f(a) {
			n++
		}
	}
	return n
}

func TestRuntimeHostileBodies(t *testing.T) {
	f := newFixture(t, server.Config{NoWorkers: true})
	one := `{"rule":"r","priority":"warning","response":"alert","output":"o","event":{"kind":"exec","process":{"pid":1,"comm":"x"}}}`
	many := "{\"alerts\":[" + strings.TrimSuffix(strings.Repeat(one+",", 1001), ",") + "]}"
	huge := `{"alerts":[{"rule":"r","priority":"warning","response":"alert","output":"` + strings.Repeat("x", 5<<20) + `"}]}`
	for name, c := range map[string]struct {
		body string
		code int
	}{
		"not json":      {"{", 400},
		"two values":    {`{"alerts":[]} {}`, 400},
		"wrong type":    {`{"alerts":{}}`, 400},
		"no rule":       {`{"alerts":[{"priority":"warning","response":"alert"}]}`, 400},
		"bad priority":  {`{"alerts":[{"rule":"r","priority":"severe","response":"alert"}]}`, 400},
		"bad response":  {`{"alerts":[{"rule":"r","priority":"warning","response":"nuke"}]}`, 400},
		"long output":   {`{"alerts":[{"rule":"r","priority":"warning","response":"alert","output":"` + strings.Repeat("y", 17<<10) + `"}]}`, 400},
		"too many":      {many, 413},
		"too large":     {huge, 413},
		"empty":         {`{"alerts":[]}`, 201},
		"priority case": {`{"alerts":[` + strings.Replace(one, "warning", "WARNING", 1) + `]}`, 201},
	} {
		code, b := f.do("POST", "/api/v1/runtime/alerts", f.agent1, []byte(c.body))
		if code != c.code {
			t.Errorf("%s: %d %s, want %d", name, code, b, c.code)
		}
	}
	var got []store.RuntimeAlert
	f.getJSON("/api/v1/runtime/alerts", f.admin, &got)
	if len(got) != 1 || got[0].Priority != "warning" {
		t.Errorf("stored %+v", got)
	}
	for name, c := range map[string]struct {
		body string
		code int
	}{
		"bad state":  {`{"models":[{"image":"sha256:a","state":"sleeping"}]}`, 400},
		"no image":   {`{"models":[{"state":"active"}]}`, 400},
		"not a list": {`{"models":"x"}`, 400},
		"too large":  {`{"models":[{"image":"` + strings.Repeat("z", 17<<20) + `"}]}`, 413},
	} {
		if code, b := f.do("PUT", "/api/v1/runtime/models", f.agent1, []byte(c.body)); code != c.code {
			t.Errorf("models %s: %d %s, want %d", name, code, b, c.code)
		}
	}
}

func TestRuntimeModelsAPI(t *testing.T) {
	f := newFixture(t, server.Config{NoWorkers: true})
	m := model.Model{Image: "sha256:aaaa", Names: []string{"shop/web:1.4"}, State: model.Active, Processes: []model.Process{{Exe: "/app/server", Parent: "containerd-shim"}},
		Writes: []string{"/var/lib/app"}, Listens: []model.Port{{Proto: "tcp", Port: 8080}}, Outbound: []model.Dest{}, Deviations: 2}
	body, _ := json.Marshal(map[string]any{"models": []model.Model{m}})
	if code, b := f.do("PUT", "/api/v1/runtime/models", f.agent1, body); code != 200 {
		t.Fatalf("put: %d %s", code, b)
	}
	m.State, m.Deviations = model.Archived, 5
	body, _ = json.Marshal(map[string]any{"models": []model.Model{m}})
	if code, b := f.do("PUT", "/api/v1/runtime/models", f.agent2, body); code != 200 {
		t.Fatalf("put h2: %d %s", code, b)
	}
	var all []store.RuntimeModel
	f.getJSON("/api/v1/runtime/models", f.viewer, &all)
	if len(all) != 2 || all[0].Host != "h1" || all[0].State != "active" || all[1].Deviations != 5 || all[0].Names[0] != "shop/web:1.4" {
		t.Fatalf("models %+v", all)
	}
	var back model.Model
	if err := json.Unmarshal(all[0].Model, &back); err != nil || back.Processes[0].Exe != "/app/server" {
		t.Errorf("model as sent: %v %+v", err, back)
	}
	var own []store.RuntimeModel
	f.getJSON("/api/v1/runtime/models", f.agent2, &own)
	if len(own) != 1 || own[0].Host != "h2" {
		t.Errorf("agent2 models %+v", own)
	}
}

// TestRuntimeWebhook: a webhook with a runtime priority receives the
// alerts at or above it, signed; one without receives none.
func TestRuntimeWebhook(t *testing.T) {
	var mu sync.Mutex
	var got []server.RuntimeEvent
	var bad []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !notify.Verify("0123456789abcdef", b, r.Header.Get(notify.SignatureHeader)) || r.Header.Get("X-Bulwark-Event") != server.EventRuntimeAlerts {
			bad = append(bad, string(b))
		}
		var ev server.RuntimeEvent
		if err := json.Unmarshal(b, &ev); err != nil {
			bad = append(bad, err.Error())
		}
		got = append(got, ev)
	}))
	defer recv.Close()
	f := newFixture(t, server.Config{RetryBase: 10 * time.Millisecond})
	for _, h := range []string{
		`{"url":"` + recv.URL + `/critical","secret":"0123456789abcdef","runtime_priority":"CRITICAL"}`,
		`{"url":"` + recv.URL + `/none","secret":"0123456789abcdef"}`,
	} {
		if code, b := f.do("POST", "/api/v1/webhooks", f.admin, []byte(h)); code != 201 {
			t.Fatalf("webhook: %d %s", code, b)
		}
	}
	if code, b := f.do("POST", "/api/v1/webhooks", f.admin, []byte(`{"url":"http://x/","secret":"0123456789abcdef","runtime_priority":"loud"}`)); code != 400 {
		t.Errorf("bad runtime priority: %d %s", code, b)
	}
	as := runtimeAlerts(t)
	want := countWhere(as, func(a event.Alert) bool {
		return a.Priority == "critical" || a.Priority == "alert" || a.Priority == "emergency"
	})
	if want == 0 || want == len(as) {
		t.Fatalf("the alerts do not straddle critical: %d of %d", want, len(as))
	}
	if code, b := f.do("POST", "/api/v1/runtime/alerts", f.agent1, alertsBody(t, as)); code != 201 {
		t.Fatalf("post: %d %s", code, b)
	}
	waitFor(t, 10*time.Second, "the runtime.alerts delivery", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) > 0 })
	time.Sleep(300 * time.Millisecond) // anything else would have come by now
	mu.Lock()
	defer mu.Unlock()
	if len(bad) > 0 || len(got) != 1 || got[0].Host != "h1" || len(got[0].Alerts) != want {
		t.Fatalf("deliveries %+v (bad %v), want one with %d alerts", got, bad, want)
	}
	for _, a := range got[0].Alerts {
		if a.Priority != "critical" {
			t.Errorf("delivered a %s alert", a.Priority)
		}
	}
}
