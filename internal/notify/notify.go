// Package notify tells webhooks that an image's findings changed.
//
// # Data flow
//
// When a stored inventory is matched against a newer advisory database, the
// server diffs the previous scan's findings with the new ones ([Diff]) and,
// when something was added or fixed, builds one [Event] per change. The
// event's JSON body is queued once per webhook; a worker delivers it with
// [Sender.Send], which signs the exact bytes it sends ([Sign]: HMAC-SHA256
// with the webhook's secret, hex, in the X-Bulwark-Signature header as
// "sha256=<hex>", the form GitHub's webhooks use) so receivers can check
// both origin and integrity with [Verify]. Failed deliveries are retried
// after [Backoff]; [Retryable] says which failures are worth retrying.
package notify

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/store"
)

// EventFindingsChanged is the event sent when re-matching changes an
// image's findings.
const EventFindingsChanged = "findings.changed"

// Event is the body of a findings.changed notification.
type Event struct {
	Event          string          `json:"event"`
	Image          string          `json:"image"`
	ImageID        string          `json:"image_id,omitempty"`
	Host           string          `json:"host,omitempty"`
	ScanID         int64           `json:"scan_id"`
	PreviousScanID int64           `json:"previous_scan_id"`
	DBBuiltAt      time.Time       `json:"database_built_at"`
	New            []store.Finding `json:"new"`
	Fixed          []store.Finding `json:"fixed"`
	// NoLongerChecked are findings gone from the scan because it did not
	// check their packages (no advisory data for them any more): not fixed.
	NoLongerChecked []store.Finding    `json:"no_longer_checked,omitempty"`
	Coverage        store.ScanCoverage `json:"coverage"`
	Counts          store.Counts       `json:"counts"`
}

// Diff returns the findings of cur that prev lacks (new) and those of prev
// that cur lacks (fixed), each sorted by id then package.
func Diff(prev, cur []store.Finding) (added, fixed []store.Finding) {
	had := make(map[string]bool, len(prev))
	for _, f := range prev {
		had[f.Key()] = true
	}
	has := make(map[string]bool, len(cur))
	for _, f := range cur {
		has[f.Key()] = true
		if !had[f.Key()] {
			added = append(added, f)
		}
	}
	for _, f := range prev {
		if !has[f.Key()] {
			fixed = append(fixed, f)
		}
	}
	byID := func(a, b store.Finding) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Package, b.Package), cmp.Compare(a.Version, b.Version))
	}
	slices.SortFunc(added, byID)
	slices.SortFunc(fixed, byID)
	return added, fixed
}

// SignatureHeader carries the body's HMAC.
const SignatureHeader = "X-Bulwark-Signature"

// Sign returns the X-Bulwark-Signature value for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body in constant time.
func Verify(secret string, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	sum, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(sum, m.Sum(nil))
}

// CheckURL accepts http and https URLs with a host.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("notify: webhook url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("notify: webhook url %q: want http:// or https:// with a host", raw)
	}
	return nil
}

// Sender posts events.
type Sender struct {
	// Client defaults to one with a 10-second timeout.
	Client    *http.Client
	UserAgent string
}

// StatusError is a delivery the receiver answered with a non-2xx status.
type StatusError struct{ Code int }

func (e *StatusError) Error() string { return fmt.Sprintf("receiver answered %d", e.Code) }

// Send posts body to url, signed with secret. It returns the status code
// (0 when no answer came) and an error unless the receiver answered 2xx.
func (s *Sender) Send(ctx context.Context, url, secret, event, deliveryID string, body []byte) (int, error) {
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("notify: building request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", cmp.Or(s.UserAgent, "bulwark"))
	req.Header.Set("X-Bulwark-Event", event)
	req.Header.Set("X-Bulwark-Delivery", deliveryID)
	req.Header.Set(SignatureHeader, Sign(secret, body))
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("notify: posting: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("notify: posting: %w", &StatusError{Code: resp.StatusCode})
	}
	return resp.StatusCode, nil
}

// Retryable reports whether a failed delivery may succeed later: no answer,
// a server error, 408 or 429. Other 4xx answers mean the receiver refuses
// this request and will keep refusing it.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code >= 500 || se.Code == http.StatusRequestTimeout || se.Code == http.StatusTooManyRequests
	}
	return true
}

// Backoff is the wait before retry number attempt (1-based): base doubled
// per attempt, capped at max, with up to 20% random jitter so receivers
// that fail together are not retried in lockstep.
func Backoff(attempt int, base, max time.Duration) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}
