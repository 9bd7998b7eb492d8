package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
)

// Per request, below the server's caps (1,000 alerts in 4 MiB; 500 models
// in 16 MiB).
const (
	alertsPerRequest = 500
	modelsPerRequest = 50
)

// Runtime sends what `bulwark defend` produces on this host to the server:
// it is the defend agent's alert forwarder (sink.Forwarder) and its models'
// publisher (model.Publisher).
type Runtime struct{ C *Client }

var _ model.Publisher = Runtime{}

// Forward posts alerts, in requests the server accepts. The server stores
// each alert once however often it is sent, so a retried batch is safe.
func (r Runtime) Forward(ctx context.Context, alerts []event.Alert) error {
	for len(alerts) > 0 {
		n := min(len(alerts), alertsPerRequest)
		body, err := json.Marshal(map[string][]event.Alert{"alerts": alerts[:n]})
		if err != nil {
			return fmt.Errorf("agent: encoding runtime alerts: %w", err)
		}
		if err := r.C.do(ctx, http.MethodPost, "/api/v1/runtime/alerts", r.C.hostQuery(), body, "", nil); err != nil {
			return err
		}
		alerts = alerts[n:]
	}
	return nil
}

// PublishModels puts the host's changed behaviour models.
func (r Runtime) PublishModels(ctx context.Context, ms []model.Model) error {
	for len(ms) > 0 {
		n := min(len(ms), modelsPerRequest)
		body, err := json.Marshal(map[string][]model.Model{"models": ms[:n]})
		if err != nil {
			return fmt.Errorf("agent: encoding runtime models: %w", err)
		}
		if err := r.C.do(ctx, http.MethodPut, "/api/v1/runtime/models", r.C.hostQuery(), body, "", nil); err != nil {
			return err
		}
		ms = ms[n:]
	}
	return nil
}
