package generic

import (
	"bytes"
	"context"
)

// TOMLTables reads a TOML document as a stream of its tables: it splits
// the text at every header line ("[name]" or "[[name]]" at the start of a
// line, outside multi-line strings) and calls fn with the header ("" for
// the keys before the first one) and the chunk's text, header included,
// which a TOML library can decode on its own. Lock files (poetry.lock,
// Cargo.lock) are long lists of small [[package]] tables, so one table at
// a time is what a parser holds. The chunk is only valid during the call.
//
// The split is textual and does not check the document: what fn decodes
// is checked by the TOML library, and a parser that must reject a
// malformed document decodes the chunks it does not use too.
func TOMLTables(ctx context.Context, f *File, fn func(header string, chunk []byte) error) error {
	var (
		chunk            []byte
		header           string
		inBasic, inLit   bool // inside a """ or ''' multi-line string
		tripleDQ, triple = []byte(`"""`), []byte(`'''`)
	)
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		err := fn(header, chunk)
		chunk = chunk[:0]
		return err
	}
	err := Lines(ctx, f, func(_ int, line []byte) error {
		if !inBasic && !inLit && len(line) > 0 && line[0] == '[' {
			if err := flush(); err != nil {
				return err
			}
			h := line
			if i := bytes.IndexByte(h, '#'); i >= 0 {
				h = h[:i]
			}
			header = string(bytes.TrimSpace(h))
		}
		if !inLit && bytes.Count(line, tripleDQ)%2 == 1 {
			inBasic = !inBasic
		} else if !inBasic && bytes.Count(line, triple)%2 == 1 {
			inLit = !inLit
		}
		chunk = append(chunk, line...)
		chunk = append(chunk, '\n')
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}
