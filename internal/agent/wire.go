package agent

import "time"

// The server API's answers as the agent reads them. They are the API's
// wire form, declared here by their consumer rather than borrowed from the
// server's storage rows, so that a change to how the server stores a scan
// does not silently change what the agent decodes; the server's tests
// decode its answers into these types.

// TokenPrefix starts every API token the server issues.
const TokenPrefix = "bwt_"

// ScanReceipt is the server's answer to a submitted scan report.
type ScanReceipt struct {
	ID        int64     `json:"id"`
	Image     string    `json:"image"`
	ImageID   string    `json:"image_id,omitempty"`
	Host      string    `json:"host,omitempty"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
	OS        string    `json:"os,omitempty"`
	Matched   bool      `json:"matched"`
	Coverage  struct {
		Assessed   string `json:"assessed"`
		NotChecked int    `json:"not_checked"`
		Summary    string `json:"summary,omitempty"`
	} `json:"coverage"`
	Packages int `json:"packages"`
	Counts   struct {
		Critical int `json:"critical"`
		High     int `json:"high"`
		Medium   int `json:"medium"`
		Low      int `json:"low"`
		Unknown  int `json:"unknown"`
	} `json:"counts"`
}

// BenchReceipt is the server's answer to a submitted bench report.
type BenchReceipt struct {
	ID        int64     `json:"id"`
	Host      string    `json:"host"`
	CreatedAt time.Time `json:"created_at"`
	Score     int       `json:"score"`
	Pass      int       `json:"pass"`
	Warn      int       `json:"warn"`
	Total     int       `json:"total"`
}

// Job is a queued unit of server work (a registry scan the agent asked
// for), as the API shows it.
type Job struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	State       string    `json:"state"` // queued, running, done, failed
	Attempts    int       `json:"attempts"`
	MaxAttempts int       `json:"max_attempts"`
	RunAfter    time.Time `json:"run_after"`
	CreatedAt   time.Time `json:"created_at"`
	FinishedAt  time.Time `json:"finished_at,omitzero"`
	Error       string    `json:"error,omitempty"`
	Result      string    `json:"result,omitempty"`
}
