package rpm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A read-only walk of one table of an SQLite 3 database file, enough for
// rpm's rpmdb.sqlite: the schema table on page 1 gives the root page of
// Packages(hnum INTEGER PRIMARY KEY, blob BLOB), whose table b-tree leaves
// hold the header blobs, spilling into chains of overflow pages. The layout
// is SQLite's documented file format (sqlite.org/fileformat2.html).
//
// It reads the main database file only: changes still in a -wal file are
// not seen. rpm checkpoints the log when it closes the database, so images
// built by package managers have it empty.

const (
	sqliteMagic     = "SQLite format 3\x00"
	sqliteHeader    = 100
	pageTableLeaf   = 0x0d
	pageTableInner  = 0x05
	maxBTreeDepth   = 40
	sqliteSchemaCol = 5 // type, name, tbl_name, rootpage, sql
)

type sqliteDB struct {
	r        io.ReaderAt
	pageSize int64
	usable   int64 // page size less the reserved bytes at the end of each page
	nPages   uint32
	visited  map[uint32]bool
	// budget is how many more overflow bytes may be read. Cells of a
	// hostile file could all share one long chain; honest files read each
	// overflow page once.
	budget int64
}

func openSQLite(r io.ReaderAt, size int64) (*sqliteDB, error) {
	var hdr [sqliteHeader]byte
	if size < sqliteHeader {
		return nil, errors.New("sqlite: file shorter than its header")
	}
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return nil, fmt.Errorf("sqlite: reading header: %w", err)
	}
	if string(hdr[:16]) != sqliteMagic {
		return nil, errors.New("sqlite: not an SQLite 3 database")
	}
	ps := int64(binary.BigEndian.Uint16(hdr[16:]))
	if ps == 1 {
		ps = 65536
	}
	if ps < 512 || ps > 65536 || ps&(ps-1) != 0 {
		return nil, fmt.Errorf("sqlite: bad page size %d", ps)
	}
	usable := ps - int64(hdr[20])
	if usable < 480 {
		return nil, fmt.Errorf("sqlite: %d usable bytes per page", usable)
	}
	// The page count in the header can be stale (older writers); the file
	// size is what can actually be read.
	n := size / ps
	if n > 1<<31 {
		n = 1 << 31
	}
	return &sqliteDB{r: r, pageSize: ps, usable: usable, nPages: uint32(n), visited: map[uint32]bool{}, budget: 2*size + maxBlob}, nil
}

func (db *sqliteDB) page(n uint32) ([]byte, error) {
	if n == 0 || n > db.nPages {
		return nil, fmt.Errorf("sqlite: page %d outside the file's %d pages", n, db.nPages)
	}
	return readAt(db.r, int64(n-1)*db.pageSize, db.pageSize)
}

// rows calls fn with the record of every row of the table rooted at root.
// Each page is visited at most once, so a corrupt tree cannot loop.
func (db *sqliteDB) rows(root uint32, fn func(record []byte) error) error {
	return db.walk(root, 0, fn)
}

func (db *sqliteDB) walk(pgno uint32, depth int, fn func([]byte) error) error {
	if depth > maxBTreeDepth {
		return errors.New("sqlite: b-tree too deep")
	}
	if db.visited[pgno] {
		return fmt.Errorf("sqlite: page %d reached twice", pgno)
	}
	db.visited[pgno] = true
	p, err := db.page(pgno)
	if err != nil {
		return err
	}
	h := 0
	if pgno == 1 {
		h = sqliteHeader
	}
	if len(p) < h+12 {
		return fmt.Errorf("sqlite: page %d too small", pgno)
	}
	kind := p[h]
	ncells := int(binary.BigEndian.Uint16(p[h+3:]))
	cellPtrs := h + 8
	if kind == pageTableInner {
		cellPtrs = h + 12
	} else if kind != pageTableLeaf {
		return fmt.Errorf("sqlite: page %d has type %#x, want a table b-tree page", pgno, kind)
	}
	if cellPtrs+2*ncells > int(db.usable) {
		return fmt.Errorf("sqlite: page %d: %d cells do not fit", pgno, ncells)
	}
	for i := 0; i < ncells; i++ {
		off := int(binary.BigEndian.Uint16(p[cellPtrs+2*i:]))
		if off < cellPtrs || off >= int(db.usable) {
			return fmt.Errorf("sqlite: page %d: cell %d at offset %d", pgno, i, off)
		}
		cell := p[off:db.usable]
		if kind == pageTableInner {
			if len(cell) < 4 {
				return fmt.Errorf("sqlite: page %d: short cell", pgno)
			}
			if err := db.walk(binary.BigEndian.Uint32(cell), depth+1, fn); err != nil {
				return err
			}
			continue
		}
		rec, err := db.leafPayload(cell)
		if err != nil {
			return fmt.Errorf("sqlite: page %d cell %d: %w", pgno, i, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if kind == pageTableInner {
		return db.walk(binary.BigEndian.Uint32(p[h+8:]), depth+1, fn)
	}
	return nil
}

// leafPayload assembles the record of a table leaf cell: payload length,
// rowid, the part kept on the page and the rest from overflow pages.
func (db *sqliteDB) leafPayload(cell []byte) ([]byte, error) {
	plen, n := sqliteVarint(cell)
	if n == 0 {
		return nil, errors.New("bad payload length")
	}
	cell = cell[n:]
	if _, n = sqliteVarint(cell); n == 0 {
		return nil, errors.New("bad rowid")
	}
	cell = cell[n:]
	if plen > maxBlob+1024 {
		return nil, fmt.Errorf("payload of %d bytes", plen)
	}
	total := int64(plen)
	// How much of the payload stays on the leaf page (fileformat2 §1.6).
	u := db.usable
	x := u - 35
	local := total
	if total > x {
		m := ((u-12)*32)/255 - 23
		k := m + (total-m)%(u-4)
		local = m
		if k <= x {
			local = k
		}
	}
	if int64(len(cell)) < local {
		return nil, errors.New("payload runs past the page")
	}
	if local == total {
		return cell[:local], nil
	}
	if int64(len(cell)) < local+4 {
		return nil, errors.New("overflow pointer runs past the page")
	}
	// The claimed length must fit in the file's pages before anything is
	// allocated for it.
	if total-local > int64(db.nPages)*(u-4) {
		return nil, fmt.Errorf("payload of %d bytes cannot fit in %d pages", total, db.nPages)
	}
	out := make([]byte, 0, total)
	out = append(out, cell[:local]...)
	next := binary.BigEndian.Uint32(cell[local:])
	// Each overflow page carries u-4 bytes, which bounds the chain; pages
	// seen before mean a cycle.
	seen := map[uint32]bool{}
	for int64(len(out)) < total {
		if next == 0 || seen[next] {
			return nil, errors.New("broken overflow chain")
		}
		seen[next] = true
		p, err := db.page(next)
		if err != nil {
			return nil, err
		}
		next = binary.BigEndian.Uint32(p)
		take := min(u-4, total-int64(len(out)))
		if db.budget -= take; db.budget < 0 {
			return nil, errors.New("overflow pages read more than the file holds")
		}
		out = append(out, p[4:4+take]...)
	}
	return out, nil
}

// sqliteVarint decodes SQLite's big-endian varint (1–9 bytes; the ninth
// contributes all 8 bits). n is 0 when b ends first.
func sqliteVarint(b []byte) (v uint64, n int) {
	for i := 0; i < 9 && i < len(b); i++ {
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

// sqliteValue is one column of a record: an integer or the bytes of a text
// or blob.
type sqliteValue struct {
	isInt bool
	isNil bool
	i     int64
	b     []byte
}

// record decodes the first n columns of a record (fewer when it has fewer).
func record(rec []byte, n int) ([]sqliteValue, error) {
	hlen, k := sqliteVarint(rec)
	if k == 0 || hlen > uint64(len(rec)) || hlen < uint64(k) {
		return nil, errors.New("sqlite: bad record header")
	}
	hdr, body := rec[k:hlen], rec[hlen:]
	var vals []sqliteValue
	for len(hdr) > 0 && len(vals) < n {
		st, k := sqliteVarint(hdr)
		if k == 0 {
			return nil, errors.New("sqlite: bad serial type")
		}
		hdr = hdr[k:]
		var size uint64
		v := sqliteValue{}
		switch {
		case st == 0:
			v.isNil = true
		case st <= 6:
			size = [...]uint64{0, 1, 2, 3, 4, 6, 8}[st]
			v.isInt = true
		case st == 7:
			size = 8 // a float: not used here
		case st == 8 || st == 9:
			v.isInt, v.i = true, int64(st-8)
		case st >= 12:
			size = (st - 12) / 2
		default:
			return nil, fmt.Errorf("sqlite: reserved serial type %d", st)
		}
		if size > uint64(len(body)) {
			return nil, errors.New("sqlite: record body too short")
		}
		field := body[:size]
		body = body[size:]
		if v.isInt && size > 0 {
			var x int64
			if field[0]&0x80 != 0 {
				x = -1 // sign-extend
			}
			for _, c := range field {
				x = x<<8 | int64(c)
			}
			v.i = x
		} else if st >= 12 {
			v.b = field
		}
		vals = append(vals, v)
	}
	return vals, nil
}

// readSQLite calls fn with every header blob of rpm's Packages table.
func readSQLite(r io.ReaderAt, size int64, fn func(blob []byte) error) error {
	db, err := openSQLite(r, size)
	if err != nil {
		return err
	}
	var root uint32
	err = db.rows(1, func(rec []byte) error {
		cols, err := record(rec, sqliteSchemaCol)
		if err != nil || len(cols) < 4 {
			return nil // a schema row we cannot read is not Packages
		}
		if string(cols[0].b) == "table" && string(cols[1].b) == "Packages" && cols[3].isInt {
			if cols[3].i <= 0 || cols[3].i > int64(db.nPages) {
				return fmt.Errorf("sqlite: Packages root page %d", cols[3].i)
			}
			root = uint32(cols[3].i)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading schema: %w", err)
	}
	if root == 0 {
		return errors.New("sqlite: no Packages table")
	}
	return db.rows(root, func(rec []byte) error {
		cols, err := record(rec, 2)
		if err != nil {
			return err
		}
		if len(cols) < 2 || cols[1].b == nil {
			return errors.New("sqlite: Packages row without a blob")
		}
		return fn(cols[1].b)
	})
}

// readAt reads exactly n bytes at off.
func readAt(r io.ReaderAt, off, n int64) ([]byte, error) {
	buf := make([]byte, n)
	if k, err := r.ReadAt(buf, off); int64(k) < n {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}
