package rpm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Berkeley DB hash databases, as rpm used for Packages until 4.16 (RHEL and
// CentOS up to 8, Amazon Linux 2). The layout follows Berkeley DB's
// dbinc/db_page.h and hash.h:
//
//   - page 0 is the hash metadata page: magic 0x061561 at byte 12 (in the
//     byte order of the machine that wrote it, which every other number
//     follows), page size at 20, encryption at 24, flags at 26 and the last
//     page number at 32;
//   - every page starts with a 26-byte header: page number at 8, next page
//     at 16, entry count at 20, hf_offset at 22 and page type at 25;
//   - hash pages (type 13, or 2 in old files) hold an array of entry
//     offsets after the header, keys and values alternating; an item is a
//     type byte and then either the bytes (H_KEYDATA) or a reference to an
//     overflow chain {page number at 4, total length at 8} (H_OFFPAGE);
//   - overflow pages (type 7) carry hf_offset bytes after their header and
//     name the next page of the chain.
//
// rpm keys each header by its 4-byte instance number; key 0 holds a
// counter, not a header. Rather than hash buckets, every hash page is read:
// freed pages are retyped invalid, so nothing stale is seen, and no bucket
// arithmetic can be tricked into a loop.

const (
	bdbHashMagic    = 0x061561
	bdbPageHeader   = 26
	bdbPageHashOld  = 2  // P_HASH_UNSORTED
	bdbPageOverflow = 7  // P_OVERFLOW
	bdbPageHashMeta = 8  // P_HASHMETA
	bdbPageHash     = 13 // P_HASH
	bdbKeyData      = 1  // H_KEYDATA
	bdbOffPage      = 3  // H_OFFPAGE
	bdbMetaChecksum = 0x01
)

type bdb struct {
	r        io.ReaderAt
	order    binary.ByteOrder
	pageSize int64
	nPages   uint32
	budget   int64 // overflow bytes still allowed, as for sqlite
}

func readBDB(r io.ReaderAt, size int64, fn func(blob []byte) error) error {
	meta, err := readAt(r, 0, 512)
	if err != nil {
		return fmt.Errorf("bdb: reading metadata page: %w", err)
	}
	db := &bdb{r: r}
	switch {
	case binary.LittleEndian.Uint32(meta[12:]) == bdbHashMagic:
		db.order = binary.LittleEndian
	case binary.BigEndian.Uint32(meta[12:]) == bdbHashMagic:
		db.order = binary.BigEndian
	default:
		return errors.New("bdb: not a Berkeley DB hash database")
	}
	db.pageSize = int64(db.order.Uint32(meta[20:]))
	if db.pageSize < 512 || db.pageSize > 65536 || db.pageSize&(db.pageSize-1) != 0 {
		return fmt.Errorf("bdb: bad page size %d", db.pageSize)
	}
	if meta[24] != 0 {
		return errors.New("bdb: encrypted databases are not supported")
	}
	if meta[25] != bdbPageHashMeta {
		return fmt.Errorf("bdb: metadata page has type %d", meta[25])
	}
	if meta[26]&bdbMetaChecksum != 0 {
		return errors.New("bdb: checksummed databases are not supported")
	}
	last := int64(db.order.Uint32(meta[32:]))
	db.nPages = uint32(min(last+1, size/db.pageSize))
	db.budget = 2*size + maxBlob

	for pg := uint32(1); pg < db.nPages; pg++ {
		p, err := db.page(pg)
		if err != nil {
			return err
		}
		if t := p[25]; t != bdbPageHash && t != bdbPageHashOld {
			continue
		}
		if err := db.hashPage(pg, p, fn); err != nil {
			return err
		}
	}
	return nil
}

func (db *bdb) page(n uint32) ([]byte, error) {
	if n >= db.nPages {
		return nil, fmt.Errorf("bdb: page %d outside the file's %d pages", n, db.nPages)
	}
	p, err := readAt(db.r, int64(n)*db.pageSize, db.pageSize)
	if err != nil {
		return nil, fmt.Errorf("bdb: reading page %d: %w", n, err)
	}
	return p, nil
}

// hashPage calls fn with the value of every key/value pair on one page.
func (db *bdb) hashPage(pg uint32, p []byte, fn func([]byte) error) error {
	entries := int(db.order.Uint16(p[20:]))
	if bdbPageHeader+2*entries > len(p) {
		return fmt.Errorf("bdb: page %d: %d entries do not fit", pg, entries)
	}
	// Items are packed from the end of the page towards the index; item i
	// ends where item i-1 starts.
	item := func(i int) ([]byte, error) {
		start := int(db.order.Uint16(p[bdbPageHeader+2*i:]))
		end := len(p)
		if i > 0 {
			end = int(db.order.Uint16(p[bdbPageHeader+2*(i-1):]))
		}
		if start < bdbPageHeader+2*entries || start >= end || end > len(p) {
			return nil, fmt.Errorf("bdb: page %d: item %d at %d..%d", pg, i, start, end)
		}
		return p[start:end], nil
	}
	for i := 0; i+1 < entries; i += 2 {
		key, err := item(i)
		if err != nil {
			return err
		}
		if key[0] == bdbKeyData && len(key) == 5 && db.order.Uint32(key[1:]) == 0 {
			continue // rpm's instance counter
		}
		val, err := item(i + 1)
		if err != nil {
			return err
		}
		var blob []byte
		switch val[0] {
		case bdbKeyData:
			blob = val[1:]
		case bdbOffPage:
			if len(val) < 12 {
				return fmt.Errorf("bdb: page %d: short overflow reference", pg)
			}
			blob, err = db.overflow(db.order.Uint32(val[4:]), int64(db.order.Uint32(val[8:])))
			if err != nil {
				return fmt.Errorf("bdb: page %d item %d: %w", pg, i+1, err)
			}
		default:
			return fmt.Errorf("bdb: page %d: item type %d not used by rpm", pg, val[0])
		}
		if err := fn(blob); err != nil {
			return err
		}
	}
	return nil
}

// overflow reads a value of length n from the chain starting at pg.
func (db *bdb) overflow(pg uint32, n int64) ([]byte, error) {
	if n > maxBlob || n > int64(db.nPages)*(db.pageSize-bdbPageHeader) {
		return nil, fmt.Errorf("value of %d bytes cannot fit in the file", n)
	}
	if db.budget -= n; db.budget < 0 {
		return nil, errors.New("overflow chains hold more than the file")
	}
	out := make([]byte, 0, n)
	seen := map[uint32]bool{}
	for int64(len(out)) < n {
		if pg == 0 || seen[pg] {
			return nil, errors.New("broken overflow chain")
		}
		seen[pg] = true
		p, err := db.page(pg)
		if err != nil {
			return nil, err
		}
		if p[25] != bdbPageOverflow {
			return nil, fmt.Errorf("page %d in an overflow chain has type %d", pg, p[25])
		}
		used := int64(db.order.Uint16(p[22:]))
		if used == 0 || bdbPageHeader+used > int64(len(p)) || int64(len(out))+used > n {
			return nil, fmt.Errorf("overflow page %d holds %d bytes", pg, used)
		}
		out = append(out, p[bdbPageHeader:bdbPageHeader+used]...)
		pg = db.order.Uint32(p[16:])
	}
	return out, nil
}
