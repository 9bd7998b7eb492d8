package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/guard"
)

// Record is one line of the audit log (JSONL). It never holds request
// bodies, headers, environment values or credentials.
type Record struct {
	Time       time.Time         `json:"time"`
	User       string            `json:"user,omitempty"`
	AuthMethod string            `json:"auth_method,omitempty"`
	Method     string            `json:"method,omitempty"`
	Path       string            `json:"path,omitempty"` // normalised
	Endpoint   guard.Endpoint    `json:"endpoint,omitempty"`
	Decision   string            `json:"decision"` // allow, deny, audit-deny (allowed in audit mode)
	Mode       string            `json:"mode,omitempty"`
	Rule       string            `json:"rule,omitempty"`
	Violations []guard.Violation `json:"violations,omitempty"`
	Exempted   []guard.Violation `json:"exempted,omitempty"`
	Notes      []string          `json:"notes,omitempty"`
	Summary    *guard.Summary    `json:"summary,omitempty"`
	Error      string            `json:"error,omitempty"`
	Micros     int64             `json:"decision_us"`
}

// NewRecord builds the audit record of a decision.
func NewRecord(start time.Time, req Request, d guard.Decision) Record {
	rec := Record{
		Time: start.UTC(), User: req.User, AuthMethod: req.UserAuthNMethod, Method: req.RequestMethod,
		Path: d.Path, Endpoint: d.Endpoint, Mode: string(d.Mode), Rule: d.Rule, Violations: d.Violations,
		Exempted: d.Exempted, Notes: d.Notes, Summary: d.Summary, Error: d.Err,
	}
	switch {
	case !d.Allow:
		rec.Decision = "deny"
	case len(d.Violations) > 0:
		rec.Decision = "audit-deny"
	default:
		rec.Decision = "allow"
	}
	return rec
}

// AuditLog writes records as JSON lines, one write per record so lines
// from concurrent requests never interleave.
type AuditLog struct {
	mu sync.Mutex
	w  io.Writer
	c  io.Closer
}

// NewAuditLog logs to w.
func NewAuditLog(w io.Writer) *AuditLog { return &AuditLog{w: w} }

// OpenAuditLog appends to the file at path (created 0600).
func OpenAuditLog(path string) (*AuditLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("plugin: audit log: %w", err)
	}
	return &AuditLog{w: f, c: f}, nil
}

// Write appends one record. A failing log is reported, not fatal: the
// decision has been made either way.
func (a *AuditLog) Write(ctx context.Context, r Record) {
	if a == nil {
		return
	}
	b, err := json.Marshal(r)
	if err != nil {
		slog.ErrorContext(ctx, "guard: audit record", "err", err)
		return
	}
	b = append(b, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.w.Write(b); err != nil {
		slog.ErrorContext(ctx, "guard: writing audit log", "err", err)
	}
}

// Close closes the file opened by OpenAuditLog.
func (a *AuditLog) Close() error {
	if a == nil || a.c == nil {
		return nil
	}
	return a.c.Close()
}
