package inventory

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
)

// The walker declares its File and buffering bound without importing the
// catalogers; this package hands one to the other, so they must agree.
var _ catalog.File = layerfs.File(nil)

func TestRandomAccessBoundsAgree(t *testing.T) {
	if layerfs.MaxRandomAccessSize != catalog.MaxRandomAccessSize {
		t.Fatalf("layerfs buffers up to %d bytes for ReaderAt, catalogers may want up to %d", layerfs.MaxRandomAccessSize, catalog.MaxRandomAccessSize)
	}
}
