// Package columns lays text out in aligned columns for a terminal.
//
// # Data flow
//
//	Write("cell\tcell\ttext\n"…) ──buffer──▶ Flush: widths per column block ──▶ padded cells, escapes untouched
//
// It keeps the input conventions and the layout of text/tabwriter (a cell
// ends with a tab, a line is a row, a column is aligned over each run of
// consecutive lines that have a cell in it, cells are left-aligned and
// padded to the widest plus the padding) and differs in one thing, which is
// why it exists: a cell's width is what a terminal shows. ANSI escape
// sequences (colours) count as nothing, where tabwriter counts their bytes
// and so pushes every coloured cell's neighbours out of line. Padding goes
// after the cell's text, outside its colour: pad, then colour.
package columns

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"
)

// Writer buffers lines until Flush, then writes them aligned.
type Writer struct {
	w       io.Writer
	padding int
	buf     bytes.Buffer
}

// NewWriter returns a Writer that pads each column to its widest cell
// plus padding spaces.
func NewWriter(w io.Writer, padding int) *Writer { return &Writer{w: w, padding: padding} }

// Write buffers p; it never fails.
func (c *Writer) Write(p []byte) (int, error) { return c.buf.Write(p) }

// Flush writes the buffered lines aligned and empties the buffer.
func (c *Writer) Flush() error {
	text := c.buf.String()
	c.buf.Reset()
	if text == "" {
		return nil
	}
	trailing := strings.HasSuffix(text, "\n")
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	cells := make([][]string, len(lines))
	for i, l := range lines {
		cells[i] = strings.Split(l, "\t")
	}
	// widths[i][j] is the width cell j of line i is padded to. Column j's
	// blocks are the runs of consecutive lines with a terminated cell j
	// (every cell but the line's last); a run for column j always lies
	// inside one for column j-1, as in tabwriter.
	widths := make([][]int, len(lines))
	for j := 0; ; j++ {
		found := false
		for i := 0; i < len(lines); {
			if len(cells[i])-1 <= j {
				i++
				continue
			}
			found = true
			end, w := i, 0
			for ; end < len(lines) && len(cells[end])-1 > j; end++ {
				w = max(w, Width(cells[end][j]))
			}
			for k := i; k < end; k++ {
				widths[k] = append(widths[k], w+c.padding)
			}
			i = end
		}
		if !found {
			break
		}
	}
	var out strings.Builder
	for i, row := range cells {
		for j, cell := range row {
			out.WriteString(cell)
			if j < len(row)-1 {
				out.WriteString(strings.Repeat(" ", widths[i][j]-Width(cell)))
			}
		}
		if i < len(cells)-1 || trailing {
			out.WriteByte('\n')
		}
	}
	_, err := io.WriteString(c.w, out.String())
	return err
}

// Width is the number of runes of s a terminal shows: ANSI CSI sequences
// (ESC [ parameters final-byte) are left out.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			i += 2
			for i < len(s) && (s[i] < 0x40 || s[i] > 0x7e) {
				i++
			}
			i++ // the final byte
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// Paint wraps s in the SGR colour sgr ("31", "1;31") and a reset; with sgr
// empty it returns s unchanged.
func Paint(s, sgr string) string {
	if sgr == "" {
		return s
	}
	return "\x1b[" + sgr + "m" + s + "\x1b[0m"
}
