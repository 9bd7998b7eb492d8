package inventory

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Encode serialises a LayerResult for the layer cache. gob keeps every
// exported field, including those reports leave out (Go symbols).
func (r *LayerResult) Encode() ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(r); err != nil {
		return nil, fmt.Errorf("inventory: encoding layer result: %w", err)
	}
	return buf.Bytes(), nil
}

// DecodeLayerResult reverses Encode.
func DecodeLayerResult(b []byte) (*LayerResult, error) {
	r := &LayerResult{}
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(r); err != nil {
		return nil, fmt.Errorf("inventory: decoding layer result: %w", err)
	}
	if r.Index == nil {
		return nil, fmt.Errorf("inventory: decoding layer result: no index")
	}
	if r.Index.Symlinks == nil {
		r.Index.Symlinks = map[string]string{}
	}
	if r.Packages == nil {
		r.Packages = map[string][]sbom.Package{}
	}
	if r.Captured == nil {
		r.Captured = map[string][]byte{}
	}
	if r.Findings == nil {
		r.Findings = map[string][]finding.Finding{}
	}
	return r, nil
}
