package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
)

// ParseFiles walks root in fsys and parses every regular file whose path
// want accepts, after checking its size against max bytes: the one walk
// of the feeds that come as folders of records (OSV, CSAF, CVE, NVD). A
// nil result of parse (a record that carries nothing) is skipped; the
// walk stops at the first error, or when ctx ends.
func ParseFiles[T any](ctx context.Context, fsys fs.FS, root string, want func(p string) bool, max int64, parse func([]byte) (*T, error)) ([]*T, error) {
	var out []*T
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if d.IsDir() || !d.Type().IsRegular() || !want(p) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > max {
			return fmt.Errorf("%s: %d bytes is over the %d-byte limit", p, info.Size(), max)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		v, err := parse(data)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if v != nil {
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// DecodeRecord decodes data, one JSON value of at most max bytes, into v:
// the guard every record parser of the folder feeds needs. what names the
// value in errors ("record", "document"); callers add their feed's name.
func DecodeRecord(data []byte, max int, what string, v any) error {
	if len(data) > max {
		return fmt.Errorf("%s of %d bytes is over the %d-byte limit", what, len(data), max)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	if dec.More() {
		return fmt.Errorf("decode %s: trailing data after the JSON object", what)
	}
	return nil
}
