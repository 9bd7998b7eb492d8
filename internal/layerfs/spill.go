package layerfs

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/bulwark-sec/bulwark/internal/budget"
)

// memLimit is the largest streamed file held in memory for random access;
// larger ones go to a temporary file that is removed as soon as the
// cataloger is done, so peak memory stays flat whatever the image holds.
const memLimit = 16 << 20

// spillFile is a streamed file body made randomly accessible.
type spillFile struct {
	mem    *bytes.Reader
	file   *os.File
	budget *budget.Budget
	size   int64 // charged to the budget's spill bytes
}

// spill copies a stream body for random access: in memory up to memLimit,
// else to an unlinked temporary file whose size is charged to the scan's
// spill budget until it is closed.
func spill(head []byte, rest io.Reader, size int64, dir string, b *budget.Budget) (*spillFile, error) {
	if size <= memLimit {
		buf := make([]byte, size)
		n := copy(buf, head)
		if _, err := io.ReadFull(rest, buf[n:]); err != nil {
			return nil, fmt.Errorf("layerfs: buffering file: %w", err)
		}
		return &spillFile{mem: bytes.NewReader(buf)}, nil
	}
	if err := b.Charge(budget.SpillBytes, size); err != nil {
		b.Release(budget.SpillBytes, size)
		return nil, err
	}
	f, err := os.CreateTemp(dir, "bulwark-spill-*")
	if err != nil {
		b.Release(budget.SpillBytes, size)
		return nil, fmt.Errorf("layerfs: spilling file: %w", err)
	}
	// Unlink at once: the data lives only as long as the open descriptor,
	// even if the process is killed.
	os.Remove(f.Name())
	s := &spillFile{file: f, budget: b, size: size}
	if _, err := f.Write(head); err != nil {
		s.close()
		return nil, fmt.Errorf("layerfs: spilling file: %w", err)
	}
	if _, err := io.CopyN(f, rest, size-int64(len(head))); err != nil {
		s.close()
		return nil, fmt.Errorf("layerfs: spilling file: %w", err)
	}
	return s, nil
}

func (s *spillFile) ReadAt(p []byte, off int64) (int, error) {
	if s.mem != nil {
		return s.mem.ReadAt(p, off)
	}
	return s.file.ReadAt(p, off)
}

func (s *spillFile) close() {
	if s.file != nil {
		s.file.Close()
		s.budget.Release(budget.SpillBytes, s.size)
	}
}
