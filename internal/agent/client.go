// Package agent is `bulwark agent`: on a Docker host it audits the host
// (bench) and scans the local images on a schedule, and pushes the reports
// to `bulwark serve`.
//
// # Data flow
//
// [Run] calls [RunOnce] every interval. RunOnce gathers bench facts from
// the host and its engine (bench/facts), evaluates the CIS checks and
// submits the bench json report; then it lists the engine's images and, for
// each, runs scan.Run on "docker:<id>" (matching there when the agent
// has an advisory database; otherwise the server matches the inventory) and
// submits the json scan report. [Client] speaks the server's API: every
// submission carries an Idempotency-Key derived from the run, so a retried
// request after a lost answer is stored once.
package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/notify"
)

// Client calls the server API with one token.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
	// Attempts per request for retryable failures (default 4).
	Attempts int
	// Host names the host reports are for; needed with a fleet agent token
	// (host "*"), checked against the token's host otherwise.
	Host string
}

// NewClient returns a client for the server at base. httpc may be nil.
func NewClient(base, token string, httpc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("agent: server url %q: want http(s)://host[:port]", base)
	}
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, fmt.Errorf("agent: token: want a %s... token", TokenPrefix)
	}
	if httpc == nil {
		httpc = &http.Client{Timeout: 2 * time.Minute}
	}
	return &Client{base: u, token: token, http: httpc, Attempts: 4}, nil
}

// APIError is a non-2xx answer.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("server answered %d: %s", e.Status, e.Message) }

func retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status >= 500 || ae.Status == http.StatusTooManyRequests
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// do sends one request, retrying retryable failures with backoff; the same
// Idempotency-Key goes with every try.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body []byte, idem string, out any) error {
	u := *c.base
	u.Path += path
	u.RawQuery = query.Encode()
	var err error
	for attempt := 1; attempt <= max(c.Attempts, 1); attempt++ {
		if attempt > 1 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("agent: %s %s: %w", method, path, ctx.Err())
			case <-time.After(notify.Backoff(attempt-1, 500*time.Millisecond, 15*time.Second)):
			}
		}
		if err = c.once(ctx, method, u.String(), body, idem, out); err == nil || !retryable(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("agent: %s %s: %w", method, path, err)
	}
	return nil
}

func (c *Client) once(ctx context.Context, method, u string, body []byte, idem string, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(data[:min(len(data), 200)]))
		}
		return &APIError{Status: resp.StatusCode, Message: e.Error}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decoding answer: %w", err)
	}
	return nil
}

func (c *Client) hostQuery() url.Values {
	if c.Host == "" {
		return nil
	}
	return url.Values{"host": {c.Host}}
}

// SubmitScan posts a json scan report.
func (c *Client) SubmitScan(ctx context.Context, report []byte, idem string) (ScanReceipt, error) {
	var sc ScanReceipt
	err := c.do(ctx, http.MethodPost, "/api/v1/scans", c.hostQuery(), report, idem, &sc)
	return sc, err
}

// SubmitBench posts a bench json report.
func (c *Client) SubmitBench(ctx context.Context, report []byte, idem string) (BenchReceipt, error) {
	var br BenchReceipt
	err := c.do(ctx, http.MethodPost, "/api/v1/bench", c.hostQuery(), report, idem, &br)
	return br, err
}

// RequestScan asks the server to scan a registry image.
func (c *Client) RequestScan(ctx context.Context, ref, idem string) (Job, error) {
	body, _ := json.Marshal(map[string]string{"ref": ref})
	var j Job
	err := c.do(ctx, http.MethodPost, "/api/v1/scan-requests", nil, body, idem, &j)
	return j, err
}

// Job reads a job (viewer and admin tokens).
func (c *Client) Job(ctx context.Context, id int64) (Job, error) {
	var j Job
	err := c.do(ctx, http.MethodGet, "/api/v1/jobs/"+strconv.FormatInt(id, 10), nil, nil, "", &j)
	return j, err
}
