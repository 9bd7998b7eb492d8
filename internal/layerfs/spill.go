package layerfs

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// memLimit is the largest streamed file held in memory for random access;
// larger ones go to a temporary file that is removed as soon as the
// cataloger is done, so peak memory stays flat whatever the image holds.
const memLimit = 16 << 20

// spillFile is a streamed file body made randomly accessible.
type spillFile struct {
	mem  *bytes.Reader
	file *os.File
}

func spill(head []byte, rest io.Reader, size int64, dir string) (*spillFile, error) {
	if size <= memLimit {
		buf := make([]byte, size)
		n := copy(buf, head)
		if _, err := io.ReadFull(rest, buf[n:]); err != nil {
			return nil, fmt.Errorf("layerfs: buffering file: %w", err)
		}
		return &spillFile{mem: bytes.NewReader(buf)}, nil
	}
	f, err := os.CreateTemp(dir, "bulwark-spill-*")
	if err != nil {
		return nil, fmt.Errorf("layerfs: spilling file: %w", err)
	}
	// Unlink at once: the data lives only as long as the open descriptor,
	// even if the process is killed.
	os.Remove(f.Name())
	s := &spillFile{file: f}
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
	}
}
