package generic

import (
	"bufio"
	"context"
	"errors"
	"fmt"
)

// MaxLine bounds one line of a line-oriented file (yarn.lock,
// poetry.lock): real ones are at most a few KiB (a long list of
// descriptors), so a longer line is malformed input, not a reason to
// buffer without bound.
const MaxLine = 1 << 20

// Lines calls fn with every line of f (numbered from 1, without its "\n"),
// checking ctx every few thousand lines. The slice is only valid during
// the call.
func Lines(ctx context.Context, f *File, fn func(n int, line []byte) error) error {
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	sc.Split(scanLines)
	n := 0
	for sc.Scan() {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(n, sc.Bytes()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d is longer than %d bytes", n+1, MaxLine)
		}
		return fmt.Errorf("reading: %w", err)
	}
	return nil
}

// scanLines is bufio.ScanLines without its dropping of a final "\r":
// parsers trim what they need.
func scanLines(data []byte, atEOF bool) (int, []byte, error) {
	for i, c := range data {
		if c == '\n' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
