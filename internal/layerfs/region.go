package layerfs

import (
	"errors"
	"io"
)

// regionReader reads a region of an io.ReaderAt through a small buffer and
// seeks within the region for free. archive/tar skips file bodies with
// Seek when its reader is an io.Seeker, so walking a layer reads only the
// 512-byte headers plus whatever the next small read-ahead happens to cover;
// unread file bodies are never copied. The chunk size trades one syscall per
// header against copying bytes nobody asked for: most files in an image are
// a few KB, so a chunk usually holds the next header too.
type regionReader struct {
	ra       io.ReaderAt
	base     int64 // region start in ra
	size     int64 // region length
	pos      int64 // logical position, relative to base
	buf      []byte
	bufStart int64 // logical position of buf[0]
	chunk    int
}

const defaultChunk = 8 << 10

func newRegionReader(ra io.ReaderAt, base, size int64) *regionReader {
	return &regionReader{ra: ra, base: base, size: size, chunk: defaultChunk, buf: make([]byte, 0, defaultChunk)}
}

func (r *regionReader) Read(p []byte) (int, error) {
	if r.pos >= r.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if r.pos >= r.bufStart && r.pos < r.bufStart+int64(len(r.buf)) {
		n := copy(p, r.buf[r.pos-r.bufStart:])
		r.pos += int64(n)
		return n, nil
	}
	left := r.size - r.pos
	if len(p) >= r.chunk {
		// Large reads go straight to the caller's buffer.
		if int64(len(p)) > left {
			p = p[:left]
		}
		n, err := r.ra.ReadAt(p, r.base+r.pos)
		r.pos += int64(n)
		if n > 0 && errors.Is(err, io.EOF) {
			err = nil
		}
		if n == 0 && err == nil {
			err = io.ErrUnexpectedEOF
		}
		return n, err
	}
	want := int64(r.chunk)
	if want > left {
		want = left
	}
	m, err := r.ra.ReadAt(r.buf[:want], r.base+r.pos)
	r.buf = r.buf[:m]
	r.bufStart = r.pos
	if m == 0 {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	n := copy(p, r.buf)
	r.pos += int64(n)
	return n, nil
}

// Seek implements io.Seeker within the region. Positions past the end are
// allowed (reads then return EOF), as for files.
func (r *regionReader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = r.pos + offset
	case io.SeekEnd:
		abs = r.size + offset
	default:
		return 0, errors.New("layerfs: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("layerfs: negative position")
	}
	r.pos = abs
	return abs, nil
}
