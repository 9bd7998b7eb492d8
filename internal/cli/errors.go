package cli

import (
	"errors"
	"fmt"
)

// Exit codes, as documented in README.md and `bulwark help`.
const (
	ExitClean    = 0 // nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitInput    = 2 // usage, input or internal error
)

// ExitCoder is an error that chooses the process exit code.
type ExitCoder interface {
	error
	ExitCode() int
}

// exitError carries an exit code with an optional message. An empty message
// means the command already told the user everything (a report was written).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }
func (e *exitError) ExitCode() int { return e.code }

// usageErrorf reports a bad flag or argument (exit 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitInput, err: fmt.Errorf(format, args...)}
}

// findingsError reports a completed run whose results trip --fail-on (exit 1).
func findingsError(msg string) error {
	if msg == "" {
		return &exitError{code: ExitFindings}
	}
	return &exitError{code: ExitFindings, err: errors.New(msg)}
}
