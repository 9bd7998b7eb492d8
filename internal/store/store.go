// Package store is the result-store contract of `bulwark serve`: API tokens,
// submitted scan and bench reports, hosts, the work queue shared by server
// replicas, webhooks and their delivery log.
//
// # Data flow
//
// The server's handlers parse a submitted report once into a [Scan] (image,
// host, summary counts, compact findings) and hand it to [Store.PutScan]
// together with the report's bytes as received; the store keeps both, the
// bytes compressed ([Pack]), so a later re-match can read the inventory
// back without the submitter. Work that outlives a request (scanning a
// registry image, re-matching a stored inventory, delivering a webhook) is a
// [Job]: [Store.Enqueue] adds it (deduplicated by key), a worker
// [Store.Claim]s it under a lease, and [Store.Finish] records the outcome
// only while the worker still holds the lease. A worker that dies loses its
// lease when it expires and another worker claims the job again; effects
// keyed by the job (a scan's Key) make the second run a no-op, so each job
// takes effect once.
//
// Two implementations satisfy the contract: package embedded (one bbolt
// file, one process) and package postgres (several replicas). Package
// storetest runs the same suite against both.
package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Sentinel errors shared by every implementation.
var (
	ErrNotFound = errors.New("not found")
	// ErrNoJob: nothing is ready to be claimed.
	ErrNoJob = errors.New("no job ready")
	// ErrLeaseLost: the worker no longer holds the job (its lease expired
	// and another worker claimed it, or it was finished already).
	ErrLeaseLost = errors.New("job lease lost")
	// ErrExists: a token or webhook with the same unique field exists.
	ErrExists = errors.New("already exists")
)

// Role is what a token may do.
type Role string

const (
	// Viewer reads everything except tokens and webhooks.
	Viewer Role = "viewer"
	// Agent submits reports for its own host and reads that host only.
	Agent Role = "agent"
	// Admin does everything, including tokens and webhooks.
	Admin Role = "admin"
)

// AnyHost as an agent token's host makes a fleet agent token: it submits
// reports for whichever host the agent names and reads nothing. One such
// token can serve a whole DaemonSet; a per-host token is stricter.
const AnyHost = "*"

// ValidRole reports whether r is one of the three roles.
func ValidRole(r Role) bool { return r == Viewer || r == Agent || r == Admin }

// Token is an API token as stored: only the SHA-256 of its secret.
type Token struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Host      string    `json:"host,omitempty"` // agent tokens: the host they speak for
	Hash      string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// TokenPrefix starts every secret, so leaked tokens are easy to grep for.
const TokenPrefix = "bwt_"

// NewSecret returns a fresh random token secret and its hash.
func NewSecret() (secret, hash string) {
	b := make([]byte, 32)
	// crypto/rand.Read never returns an error (it aborts the process when
	// the kernel cannot supply randomness).
	_, _ = rand.Read(b)
	secret = TokenPrefix + hex.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a token secret. Secrets are 256 random
// bits, so a plain SHA-256 is enough: there is nothing to brute-force.
func HashSecret(secret string) string {
	s := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(s[:])
}

// Counts is findings by severity.
type Counts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Unknown  int `json:"unknown"`
}

// Add counts one finding of severity sev.
func (c *Counts) Add(sev string) {
	switch sev {
	case "critical":
		c.Critical++
	case "high":
		c.High++
	case "medium":
		c.Medium++
	case "low":
		c.Low++
	default:
		c.Unknown++
	}
}

// Total sums the counts.
func (c Counts) Total() int { return c.Critical + c.High + c.Medium + c.Low + c.Unknown }

// Finding is one vulnerability of a stored scan, as compact as a diff needs.
type Finding struct {
	ID           string `json:"id"`
	Package      string `json:"package"`
	Version      string `json:"version"`
	Type         string `json:"type"`
	Severity     string `json:"severity"`
	FixedVersion string `json:"fixed_version,omitempty"`
	Status       string `json:"status,omitempty"`
	// CVEs are the CVE ids among the finding's aliases, shown beside a
	// distribution's id; KnownExploited marks a CISA KEV listing.
	CVEs           []string `json:"cves,omitempty"`
	KnownExploited bool     `json:"known_exploited,omitempty"`
}

// Key identifies a finding across scans of one image.
func (f Finding) Key() string {
	return f.ID + "\x00" + f.Type + "\x00" + f.Package + "\x00" + f.Version
}

// Scan sources.
const (
	SourceAgent   = "agent"   // pushed by `bulwark agent`
	SourceAPI     = "api"     // pushed by anyone else (CI)
	SourceServer  = "server"  // a registry scan run by a server worker
	SourceRematch = "rematch" // a stored inventory matched against a newer database
)

// Scan is one stored scan report of one image.
type Scan struct {
	ID int64 `json:"id"`
	// Key makes submission idempotent: a second PutScan with the same
	// non-empty key returns the first scan.
	Key       string    `json:"key,omitempty"`
	Image     string    `json:"image"`
	ImageID   string    `json:"image_id,omitempty"` // configuration digest
	Host      string    `json:"host,omitempty"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
	OS        string    `json:"os,omitempty"`
	// Matched is false for an inventory without vulnerability data.
	Matched bool `json:"matched"`
	// Coverage says how much of the image the scan checked for
	// vulnerabilities, so a count of zero is never taken for clean.
	Coverage  ScanCoverage `json:"coverage"`
	DBBuiltAt time.Time    `json:"db_built_at,omitzero"`
	Packages  int          `json:"packages"`
	Counts    Counts       `json:"counts"`
	// Findings are loaded by [Store.Scan] only.
	Findings []Finding `json:"findings,omitempty"`
}

// ScanCoverage is a scan's vulnerability coverage, as the report's
// coverage states it.
type ScanCoverage struct {
	// Assessed is full, partial or none; empty for scans stored before
	// coverage was recorded.
	Assessed string `json:"assessed"`
	// NotChecked counts packages not checked for vulnerabilities.
	NotChecked int `json:"not_checked"`
	// Summary says which and why: "not checked for 88 of 88 packages (no
	// data for Debian 12)"; empty when every package was checked.
	Summary string `json:"summary,omitempty"`
}

// ScanFilter selects scans, newest first.
type ScanFilter struct {
	Image string
	Host  string
	Since time.Time
	Limit int // 0: no limit
}

// BenchRun is one stored CIS audit of a host.
type BenchRun struct {
	ID        int64     `json:"id"`
	Key       string    `json:"key,omitempty"`
	Host      string    `json:"host"`
	CreatedAt time.Time `json:"created_at"`
	Score     int       `json:"score"`
	Pass      int       `json:"pass"`
	Warn      int       `json:"warn"`
	Total     int       `json:"total"`
}

// Host is a machine that reported scans or audits.
type Host struct {
	Name     string    `json:"name"`
	LastSeen time.Time `json:"last_seen"`
	// Bench is the latest audit, if any.
	Bench *BenchRun `json:"bench,omitempty"`
}

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is one unit of queued work.
type Job struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	// Key deduplicates: Enqueue with a key already used returns that job.
	Key         string    `json:"key,omitempty"`
	Payload     []byte    `json:"payload,omitempty"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	MaxAttempts int       `json:"max_attempts"`
	RunAfter    time.Time `json:"run_after"`
	ClaimedBy   string    `json:"claimed_by,omitempty"`
	LeaseUntil  time.Time `json:"lease_until,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	FinishedAt  time.Time `json:"finished_at,omitzero"`
	Error       string    `json:"error,omitempty"`
	Result      string    `json:"result,omitempty"`
}

// Outcome is how a worker finishes a job.
type Outcome struct {
	// Err empty: done. Otherwise the job failed with this message, and is
	// queued again at RetryAt when that is set.
	Err     string
	RetryAt time.Time
	Result  string
}

// JobFilter selects jobs, newest first.
type JobFilter struct {
	State string
	Kind  string
	Limit int
}

// Webhook is a receiver of finding changes.
type Webhook struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"-"` // HMAC key; shown once, at creation
	CreatedAt time.Time `json:"created_at"`
	// RuntimePriority also sends the webhook `bulwark defend` alerts at or
	// above this priority ("critical", "warning", …); empty: none.
	RuntimePriority string `json:"runtime_priority,omitempty"`
}

// Delivery is one attempt to deliver one event to one webhook.
type Delivery struct {
	ID         int64     `json:"id"`
	WebhookID  int64     `json:"webhook_id"`
	JobID      int64     `json:"job_id"`
	Event      string    `json:"event"`
	Attempt    int       `json:"attempt"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
	At         time.Time `json:"at"`
}

// Tokens keeps API tokens.
type Tokens interface {
	CreateToken(ctx context.Context, t Token) (Token, error)
	TokenByHash(ctx context.Context, hash string) (Token, error)
	ListTokens(ctx context.Context) ([]Token, error)
	DeleteToken(ctx context.Context, id int64) error
}

// Results keeps scan and bench reports and what is derived from them.
type Results interface {
	// PutScan stores s with its report (JSON as received). With a key
	// already stored it returns that scan and created=false.
	PutScan(ctx context.Context, s Scan, report []byte) (stored Scan, created bool, err error)
	Scan(ctx context.Context, id int64) (Scan, error)
	ScanReport(ctx context.Context, id int64) ([]byte, error)
	Scans(ctx context.Context, f ScanFilter) ([]Scan, error)
	// LatestScans returns the newest scan of every image.
	LatestScans(ctx context.Context) ([]Scan, error)
	PutBench(ctx context.Context, b BenchRun, report []byte) (stored BenchRun, created bool, err error)
	BenchRun(ctx context.Context, id int64) (BenchRun, []byte, error)
	BenchRuns(ctx context.Context, host string, limit int) ([]BenchRun, error)
	Hosts(ctx context.Context) ([]Host, error)
	Host(ctx context.Context, name string) (Host, error)
}

// Queue is the work queue.
type Queue interface {
	Enqueue(ctx context.Context, j Job) (stored Job, created bool, err error)
	// Claim takes the oldest ready job (queued and due, or running with an
	// expired lease) for worker, holding it for lease.
	Claim(ctx context.Context, worker string, lease time.Duration) (Job, error)
	// Extend renews worker's lease on job id.
	Extend(ctx context.Context, id int64, worker string, lease time.Duration) error
	Finish(ctx context.Context, id int64, worker string, o Outcome) error
	Job(ctx context.Context, id int64) (Job, error)
	Jobs(ctx context.Context, f JobFilter) ([]Job, error)
	// JobCounts counts jobs by state.
	JobCounts(ctx context.Context) (map[string]int, error)
	// PruneJobs deletes done and failed jobs finished before t, and
	// delivery log entries older than t; it returns the jobs deleted. A
	// pruned job's key can be used again.
	PruneJobs(ctx context.Context, t time.Time) (int, error)
}

// Hooks keeps webhooks and the delivery log.
type Hooks interface {
	CreateWebhook(ctx context.Context, w Webhook) (Webhook, error)
	Webhook(ctx context.Context, id int64) (Webhook, error)
	ListWebhooks(ctx context.Context) ([]Webhook, error)
	DeleteWebhook(ctx context.Context, id int64) error
	LogDelivery(ctx context.Context, d Delivery) (Delivery, error)
	Deliveries(ctx context.Context, webhookID int64, limit int) ([]Delivery, error)
}

// RuntimeAlert is one `bulwark defend` alert an agent reported, with the
// fields the dashboard and filters use copied out of it.
type RuntimeAlert struct {
	ID int64 `json:"id"`
	// Key identifies the alert among its host's (a digest of the alert as
	// sent), so a batch sent again after a lost answer is stored once.
	Key           string    `json:"-"`
	Host          string    `json:"host"`
	At            time.Time `json:"at"`       // when the act happened (the event's time, else when it was received)
	Received      time.Time `json:"received"` // when the server stored it
	Rule          string    `json:"rule"`
	Priority      string    `json:"priority"`
	Response      string    `json:"response"`
	ContainerID   string    `json:"container_id"`
	ContainerName string    `json:"container_name"`
	Image         string    `json:"image"`
	ImageID       string    `json:"image_id"`
	Process       string    `json:"process"`
	Output        string    `json:"output"`
	// Alert is the alert as the agent sent it (event, expected, detail…).
	Alert json.RawMessage `json:"alert"`
}

// RuntimeFilter selects runtime alerts, newest first. Empty fields match
// everything; Container matches a container id or name.
type RuntimeFilter struct {
	Host, Image, Container, Rule string
	Since                        time.Time
	Limit                        int // 0: no limit
}

// Match reports whether a passes the filter.
func (f RuntimeFilter) Match(a RuntimeAlert) bool {
	return (f.Host == "" || a.Host == f.Host) &&
		(f.Image == "" || a.Image == f.Image || a.ImageID == f.Image) &&
		(f.Container == "" || a.ContainerID == f.Container || a.ContainerName == f.Container) &&
		(f.Rule == "" || a.Rule == f.Rule) &&
		(f.Since.IsZero() || !a.At.Before(f.Since))
}

// RuntimeModel is one host's behaviour model of one image, as its agent
// last sent it.
type RuntimeModel struct {
	Host       string    `json:"host"`
	Image      string    `json:"image"` // image id
	Names      []string  `json:"names"`
	State      string    `json:"state"`
	Deviations int64     `json:"deviations"`
	Updated    time.Time `json:"updated"`
	// Model is the model as the agent sent it.
	Model json.RawMessage `json:"model"`
}

// Runtime keeps what `bulwark defend` agents report.
type Runtime interface {
	// PutRuntimeAlerts stores alerts, skipping those whose (host, key) is
	// stored already; it returns the alerts it stored, with their ids.
	PutRuntimeAlerts(ctx context.Context, as []RuntimeAlert) ([]RuntimeAlert, error)
	RuntimeAlerts(ctx context.Context, f RuntimeFilter) ([]RuntimeAlert, error)
	// PutRuntimeModels stores models, replacing a host's earlier model of
	// the same image.
	PutRuntimeModels(ctx context.Context, ms []RuntimeModel) error
	// RuntimeModels lists models by host and image; host "" lists all.
	RuntimeModels(ctx context.Context, host string) ([]RuntimeModel, error)
	// PruneRuntimeAlerts deletes alerts received before t.
	PruneRuntimeAlerts(ctx context.Context, t time.Time) (int, error)
}

// Store is everything the server keeps.
type Store interface {
	Tokens
	Results
	Queue
	Hooks
	Runtime
	Close() error
}

// DefaultMaxAttempts bounds how often a job is tried when Enqueue is given 0.
const DefaultMaxAttempts = 5
