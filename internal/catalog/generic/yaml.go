package generic

import (
	"bytes"
	"context"
)

// YAMLBlocks reads a block-style YAML document as lock-file writers emit
// it (pnpm-lock.yaml: top-level keys unindented, the entries of their
// mappings indented by two spaces) as a stream of chunks a YAML library
// can decode on their own. A top-level key for which split returns true
// and whose value is a block mapping gives one chunk per entry (the
// entry's lines, still indented: "  name@1.0.0:\n    dev: true\n");
// every other top-level key gives one chunk of its whole line and value.
// fn gets the top-level key, whether the chunk is one entry, and the
// chunk, valid only during the call.
//
// Like [TOMLTables], the split is textual: the YAML library checks what
// fn decodes, and a document the split does not fit (flow style at the
// top, a block scalar at column 0) reaches fn as chunks that fail to
// decode, never as silently different data.
func YAMLBlocks(ctx context.Context, f *File, split func(key string) bool, fn func(key string, entry bool, chunk []byte) error) error {
	var (
		chunk     []byte
		key       string
		splitting bool
	)
	flush := func() error {
		if len(bytes.TrimSpace(chunk)) == 0 {
			chunk = chunk[:0]
			return nil
		}
		err := fn(key, splitting, chunk)
		chunk = chunk[:0]
		return err
	}
	err := Lines(ctx, f, func(_ int, line []byte) error {
		trimmed := bytes.TrimSpace(line)
		switch {
		case len(trimmed) == 0 || trimmed[0] == '#':
			// Blank lines and comments belong to the chunk they are in.
		case line[0] != ' ':
			if err := flush(); err != nil {
				return err
			}
			k, rest, _ := bytes.Cut(trimmed, []byte(":"))
			key = string(bytes.Trim(k, `"'`))
			splitting = len(bytes.TrimSpace(rest)) == 0 && split(key)
			if splitting {
				return nil // entries follow
			}
		case splitting && len(line) > 2 && line[1] == ' ' && line[2] != ' ':
			if err := flush(); err != nil {
				return err
			}
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
