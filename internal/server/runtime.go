package server

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
	"github.com/bulwark-sec/bulwark/internal/store"
)

// Runtime alerts and behaviour models come from `bulwark defend` agents.
// Bodies are capped per route, well below the server-wide cap: an agent
// sends alerts every second or so, and models when they change.
const (
	maxRuntimeAlertsBody = 4 << 20
	maxRuntimeAlerts     = 1000 // per request
	maxRuntimeModelsBody = 16 << 20
	maxRuntimeModels     = 500 // per request
	maxRuntimeOutput     = 16 << 10
)

// EventRuntimeAlerts is the webhook event of runtime alerts.
const EventRuntimeAlerts = "runtime.alerts"

// RuntimeEvent is the body of a runtime.alerts notification: the alerts of
// one submission at or above the webhook's runtime priority.
type RuntimeEvent struct {
	Event  string               `json:"event"`
	Host   string               `json:"host"`
	Alerts []store.RuntimeAlert `json:"alerts"`
}

var responses = map[event.Response]bool{event.Report: true, event.Kill: true, event.Deny: true, event.Pause: true, event.Stop: true, event.Failed: true}

// postRuntimeAlerts stores the alerts an agent's defend sink sends:
// {"alerts": [event.Alert, …]}.
func (s *Server) postRuntimeAlerts(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	host, err := hostFor(r, tok, "")
	if err != nil {
		return err
	}
	if host == "" {
		return errf(http.StatusBadRequest, "runtime alerts need a host (?host=)")
	}
	var body struct {
		Alerts []json.RawMessage `json:"alerts"`
	}
	if err := decodeCapped(w, r, maxRuntimeAlertsBody, &body); err != nil {
		return err
	}
	if len(body.Alerts) > maxRuntimeAlerts {
		return errf(http.StatusRequestEntityTooLarge, "%d alerts in one request; at most %d", len(body.Alerts), maxRuntimeAlerts)
	}
	now := time.Now().UTC()
	as := make([]store.RuntimeAlert, 0, len(body.Alerts))
	for i, raw := range body.Alerts {
		a, err := runtimeAlert(raw, host, now)
		if err != nil {
			return errf(http.StatusBadRequest, "alerts[%d]: %v", i, err)
		}
		as = append(as, a)
	}
	stored, err := s.st.PutRuntimeAlerts(r.Context(), as)
	if err != nil {
		return err
	}
	s.metrics.ingested.WithLabelValues("runtime_alert").Add(float64(len(stored)))
	if err := s.notifyRuntime(r, host, stored); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]int{"received": len(as), "stored": len(stored)})
}

// decodeCapped reads a JSON body of at most limit bytes.
func decodeCapped(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	if err := dec.Decode(v); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errf(http.StatusRequestEntityTooLarge, "body larger than %d MiB", limit>>20)
		}
		return errf(http.StatusBadRequest, "body: %v", err)
	}
	if dec.More() {
		return errf(http.StatusBadRequest, "body: more than one JSON value")
	}
	return nil
}

// runtimeAlert checks one alert as sent and copies out what is indexed.
// Its key is the digest of its bytes, so the same alert sent twice is one.
func runtimeAlert(raw json.RawMessage, host string, now time.Time) (store.RuntimeAlert, error) {
	var a event.Alert
	if err := json.Unmarshal(raw, &a); err != nil {
		return store.RuntimeAlert{}, err
	}
	p, err := rules.ParsePriority(a.Priority)
	switch {
	case a.Rule == "" || len(a.Rule) > 200:
		return store.RuntimeAlert{}, errors.New("rule: want 1 to 200 bytes")
	case err != nil:
		return store.RuntimeAlert{}, fmt.Errorf("priority %q: want emergency, alert, critical, error, warning, notice, informational or debug", a.Priority)
	case !responses[a.Response]:
		return store.RuntimeAlert{}, fmt.Errorf("response %q: want alert, kill, deny, pause, stop or failed", a.Response)
	case len(a.Output) > maxRuntimeOutput:
		return store.RuntimeAlert{}, fmt.Errorf("output longer than %d KiB", maxRuntimeOutput>>10)
	}
	sum := sha256.Sum256(raw)
	out := store.RuntimeAlert{Key: hex.EncodeToString(sum[:16]), Host: host, At: a.Event.Time.UTC(), Rule: a.Rule,
		Priority: p.String(), Response: string(a.Response), Process: a.Event.Process.Comm, Output: a.Output, Alert: raw}
	if out.At.After(now.Add(time.Hour)) {
		out.At = now // a clock far ahead would pin the alert to the top
	}
	if c := a.Event.Container; c != nil {
		out.ContainerID, out.ContainerName, out.Image, out.ImageID = c.ID, c.Name, c.Image, c.ImageID
	}
	for _, f := range []string{out.ContainerID, out.ContainerName, out.Image, out.ImageID, out.Process} {
		if len(f) > maxName {
			return store.RuntimeAlert{}, fmt.Errorf("a container, image or process name longer than %d bytes", maxName)
		}
	}
	return out, nil
}

// notifyRuntime queues one delivery per webhook whose runtime priority the
// stored alerts reach, holding those alerts.
func (s *Server) notifyRuntime(r *http.Request, host string, stored []store.RuntimeAlert) error {
	if len(stored) == 0 {
		return nil
	}
	hooks, err := s.st.ListWebhooks(r.Context())
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if h.RuntimePriority == "" {
			continue
		}
		limit, err := rules.ParsePriority(h.RuntimePriority)
		if err != nil {
			continue
		}
		var sel []store.RuntimeAlert
		for _, a := range stored {
			if p, err := rules.ParsePriority(a.Priority); err == nil && p <= limit {
				sel = append(sel, a)
			}
		}
		if len(sel) == 0 {
			continue
		}
		body, err := json.Marshal(RuntimeEvent{Event: EventRuntimeAlerts, Host: host, Alerts: sel})
		if err != nil {
			return err
		}
		_, _, err = s.enqueue(r.Context(), store.Job{Kind: kindDeliver, Key: fmt.Sprintf("deliver:%d:runtime:%d", h.ID, sel[0].ID), MaxAttempts: 8,
			Payload: mustJSON(deliverPayload{WebhookID: h.ID, Event: EventRuntimeAlerts, Body: body})})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) listRuntimeAlerts(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit", 200, 10000)
	if err != nil {
		return err
	}
	f := store.RuntimeFilter{Host: q.Get("host"), Image: q.Get("image"), Container: q.Get("container"), Rule: q.Get("rule"), Limit: limit}
	if v := q.Get("since"); v != "" {
		if f.Since, err = time.Parse(time.RFC3339, v); err != nil {
			return errf(http.StatusBadRequest, "since: want an RFC 3339 time")
		}
	}
	if tok.Role == store.Agent {
		if err := ownHost(tok, cmp.Or(f.Host, tok.Host)); err != nil {
			return err
		}
		f.Host = tok.Host
	}
	as, err := s.st.RuntimeAlerts(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNilSlice(as))
}

// putRuntimeModels stores the behaviour models an agent sends:
// {"models": [model, …]}, each replacing the host's earlier one.
func (s *Server) putRuntimeModels(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	host, err := hostFor(r, tok, "")
	if err != nil {
		return err
	}
	if host == "" {
		return errf(http.StatusBadRequest, "runtime models need a host (?host=)")
	}
	var body struct {
		Models []json.RawMessage `json:"models"`
	}
	if err := decodeCapped(w, r, maxRuntimeModelsBody, &body); err != nil {
		return err
	}
	if len(body.Models) > maxRuntimeModels {
		return errf(http.StatusRequestEntityTooLarge, "%d models in one request; at most %d", len(body.Models), maxRuntimeModels)
	}
	ms := make([]store.RuntimeModel, 0, len(body.Models))
	for i, raw := range body.Models {
		var m struct {
			Image      string   `json:"image"`
			Names      []string `json:"names"`
			State      string   `json:"state"`
			Deviations int64    `json:"deviations"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return errf(http.StatusBadRequest, "models[%d]: %v", i, err)
		}
		switch {
		case m.Image == "" || len(m.Image) > maxName:
			return errf(http.StatusBadRequest, "models[%d]: image: want 1 to %d bytes", i, maxName)
		case m.State != "learning" && m.State != "active" && m.State != "archived":
			return errf(http.StatusBadRequest, "models[%d]: state %q: want learning, active or archived", i, m.State)
		case len(m.Names) > 64:
			return errf(http.StatusBadRequest, "models[%d]: more than 64 names", i)
		}
		for _, n := range m.Names {
			if len(n) > maxName {
				return errf(http.StatusBadRequest, "models[%d]: a name longer than %d bytes", i, maxName)
			}
		}
		ms = append(ms, store.RuntimeModel{Host: host, Image: m.Image, Names: nonNilSlice(m.Names), State: m.State, Deviations: m.Deviations, Model: raw})
	}
	if err := s.st.PutRuntimeModels(r.Context(), ms); err != nil {
		return err
	}
	s.metrics.ingested.WithLabelValues("runtime_model").Add(float64(len(ms)))
	return writeJSON(w, http.StatusOK, map[string]int{"stored": len(ms)})
}

func (s *Server) listRuntimeModels(w http.ResponseWriter, r *http.Request, tok store.Token) error {
	host := r.URL.Query().Get("host")
	if tok.Role == store.Agent {
		if err := ownHost(tok, cmp.Or(host, tok.Host)); err != nil {
			return err
		}
		host = tok.Host
	}
	ms, err := s.st.RuntimeModels(r.Context(), host)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNilSlice(ms))
}
