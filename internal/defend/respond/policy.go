package respond

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// Limits of a predicates file.
const (
	maxPolicyBytes = 1 << 20
	maxPredicates  = 1024
	maxPatterns    = 4096 // prefixes + names + addresses + ports of one predicate
	maxPattern     = 128  // bytes: the kernel's key length
)

// ParsePredicates reads a JSON list of predicates (what `defend run
// --predicates FILE` enforces before, or besides, the rules' own): unknown
// fields, unknown kinds or responses, oversized lists and patterns are
// refused with one error.
func ParsePredicates(r io.Reader) ([]event.Predicate, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxPolicyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("respond: reading predicates: %w", err)
	}
	if len(b) > maxPolicyBytes {
		return nil, fmt.Errorf("respond: predicates file larger than %d bytes", maxPolicyBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var ps []event.Predicate
	if err := dec.Decode(&ps); err != nil {
		return nil, fmt.Errorf("respond: predicates: %w", err)
	}
	if dec.More() {
		return nil, errors.New("respond: predicates: trailing data after the list")
	}
	if len(ps) > maxPredicates {
		return nil, fmt.Errorf("respond: predicates: %d entries, at most %d", len(ps), maxPredicates)
	}
	for i, p := range ps {
		if err := check(p); err != nil {
			return nil, fmt.Errorf("respond: predicate %d (%s): %w", i+1, p.Rule, err)
		}
	}
	return ps, nil
}

func check(p event.Predicate) error {
	if p.Rule == "" {
		return errors.New("no rule id")
	}
	if !slices.Contains([]event.Kind{event.Exec, event.Open, event.Connect}, p.Kind) {
		return fmt.Errorf("kind %q: only exec, open and connect are checkable in the kernel", p.Kind)
	}
	if !slices.Contains([]event.Response{event.Report, event.Kill, event.Deny}, p.Response) {
		return fmt.Errorf("response %q: alert, kill or deny", p.Response)
	}
	if n := len(p.Prefixes) + len(p.Names) + len(p.Addrs) + len(p.Ports); n > maxPatterns {
		return fmt.Errorf("%d patterns, at most %d", n, maxPatterns)
	}
	if len(p.Prefixes)+len(p.Names)+len(p.Addrs)+len(p.Ports) == 0 && !p.Memfd {
		return errors.New("matches nothing: give prefixes, names, addrs, ports or memfd")
	}
	for _, s := range append(slices.Clone(p.Prefixes), p.Names...) {
		if s == "" || len(s) > maxPattern || strings.ContainsRune(strings.TrimSuffix(s, "\x00"), 0) {
			return fmt.Errorf("pattern %q: empty, longer than %d bytes, or with a NUL inside", s, maxPattern)
		}
	}
	if (len(p.Addrs) > 0 || len(p.Ports) > 0) && (p.Kind != event.Connect || p.Response != event.Deny) {
		return errors.New("addrs and ports are for connect predicates that deny")
	}
	return nil
}
