package layerfs

import (
	"errors"
	"fmt"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrUnsafeEntry: a tar entry whose name or link would reach outside
	// the image root (absolute name, "..", escaping link).
	ErrUnsafeEntry = errors.New("unsafe layer entry")
	// ErrBomb: a compressed layer expands beyond the allowed ratio or size.
	ErrBomb = errors.New("layer expands beyond the decompression limit")
	// ErrTooManyEntries: a layer has more entries than Options.MaxEntries.
	ErrTooManyEntries = errors.New("layer has too many entries")
	// ErrNotTar: the layer is not a tar stream (after decompression).
	ErrNotTar = errors.New("layer is not a tar archive")
)

// EntryError locates a problem at one entry of a layer.
type EntryError struct {
	Name string // the name as written in the tar
	Err  error
}

func (e *EntryError) Error() string { return fmt.Sprintf("entry %q: %v", e.Name, e.Err) }
func (e *EntryError) Unwrap() error { return e.Err }
