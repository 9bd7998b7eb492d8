package jsonstream_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/report/jsonstream"
	"github.com/bulwark-sec/bulwark/internal/report/reporttest"
)

type inner struct {
	Name  string            `json:"name"`
	Tags  []string          `json:"tags,omitempty"`
	Props map[string]string `json:"props,omitempty"`
	When  time.Time         `json:"when,omitzero"`
	HTML  string            `json:"html"`
}

type outer struct {
	Version string   `json:"version"`
	Skip    string   `json:"-"`
	Items   []inner  `json:"items"`
	Empty   []inner  `json:"empty"`
	Nil     []inner  `json:"nil"`
	Ptr     *[]inner `json:"ptr,omitempty"`
	Runs    []struct {
		Results []inner `json:"results"`
		Count   int     `json:"count,omitempty"`
	} `json:"runs"`
	Raw  json.RawMessage `json:"raw"`
	Last bool            `json:"last"`
}

func standard(t *testing.T, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSameBytes: the streamed output equals encoding/json's, byte for byte.
func TestSameBytes(t *testing.T) {
	items := []inner{{Name: "a", Tags: []string{"x"}, HTML: "<b>&</b>"}, {Name: "b", Props: map[string]string{"k": "v", "a": "b"}, When: time.Unix(1, 0).UTC()}, {}}
	v := outer{Version: "1", Skip: "no", Items: items, Empty: []inner{}, Ptr: &items, Raw: json.RawMessage(`{"x": [1, 2]}`), Last: true}
	v.Runs = append(v.Runs, struct {
		Results []inner `json:"results"`
		Count   int     `json:"count,omitempty"`
	}{Results: items, Count: 3}, struct {
		Results []inner `json:"results"`
		Count   int     `json:"count,omitempty"`
	}{})
	for _, stream := range [][]string{nil, {"items"}, {"items", "ptr", "empty", "nil"}, {"runs.*.results"}, {"runs"}} {
		var buf bytes.Buffer
		if err := jsonstream.Encode(&buf, v, stream...); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(string(standard(t, v)), buf.String()); d != "" {
			t.Errorf("stream %v (-encoding/json +jsonstream):\n%s", stream, d)
		}
	}
	r := reporttest.Sample()
	var buf bytes.Buffer
	if err := jsonstream.Encode(&buf, r, "packages", "vulnerabilities", "suppressed"); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(standard(t, r)), buf.String()); d != "" {
		t.Errorf("report (-encoding/json +jsonstream):\n%s", d)
	}
}
