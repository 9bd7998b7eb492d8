package rpm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
)

// rpm's own "ndb" package store, Packages.db (SUSE since 2021, rpm ≥ 4.16
// with --enable-ndb; lib/backend/ndb/rpmpkg.c). All numbers are
// little-endian:
//
//   - a 32-byte file header: magic "RpmP", version 0, generation, the
//     number of 4096-byte slot pages, the next package index;
//   - slot pages after it, 16-byte slots {magic "Slot", package index,
//     block offset, block count}; a zero block offset is a free slot;
//   - blobs in 16-byte blocks: {magic "BlbS", package index, timestamp,
//     length}, the header, zero padding, then {Adler-32 of everything
//     before it, length, magic "BlbE"} ending the last block.

const (
	ndbMagic      = 0x506d7052 // "RpmP"
	ndbSlotMagic  = 0x746f6c53 // "Slot"
	ndbBlobHead   = 0x53626c42 // "BlbS"
	ndbBlobTail   = 0x45626c42 // "BlbE"
	ndbHeaderSize = 32
	ndbSlotSize   = 16
	ndbBlockSize  = 16
	ndbPageSize   = 4096
	ndbHeadSize   = 16
	ndbTailSize   = 12
)

// readNDB calls fn with every package header, in slot order.
func readNDB(r io.ReaderAt, size int64, fn func(blob []byte) error) error {
	hdr, err := readAt(r, 0, ndbHeaderSize)
	if err != nil {
		return fmt.Errorf("ndb: reading header: %w", err)
	}
	le := binary.LittleEndian
	if le.Uint32(hdr) != ndbMagic {
		return errors.New("ndb: not an rpm package database (bad magic)")
	}
	if v := le.Uint32(hdr[4:]); v != 0 {
		return fmt.Errorf("ndb: unknown version %d", v)
	}
	slotPages := int64(le.Uint32(hdr[12:]))
	if slotPages == 0 || slotPages > size/ndbPageSize {
		return fmt.Errorf("ndb: %d slot pages in a %d-byte file", slotPages, size)
	}
	slots, err := readAt(r, 0, slotPages*ndbPageSize)
	if err != nil {
		return fmt.Errorf("ndb: reading slots: %w", err)
	}
	fileBlocks := size / ndbBlockSize
	firstBlock := slotPages * ndbPageSize / ndbBlockSize
	// Blobs never overlap, so together they fit in the file; a hostile
	// file whose slots all name one large blob is stopped here.
	budget := fileBlocks
	for off := ndbHeaderSize; off < len(slots); off += ndbSlotSize {
		s := slots[off:]
		if le.Uint32(s) != ndbSlotMagic {
			return fmt.Errorf("ndb: bad slot magic at offset %d", off)
		}
		pkgIdx, blkOff, blkCnt := le.Uint32(s[4:]), int64(le.Uint32(s[8:])), int64(le.Uint32(s[12:]))
		if blkOff == 0 {
			continue // free
		}
		if pkgIdx == 0 || blkCnt == 0 || blkOff < firstBlock || blkOff+blkCnt > fileBlocks {
			return fmt.Errorf("ndb: slot at offset %d: package %d at block %d+%d outside the data", off, pkgIdx, blkOff, blkCnt)
		}
		if budget -= blkCnt; budget < 0 {
			return errors.New("ndb: slots name more blocks than the file holds")
		}
		blob, err := readNDBBlob(r, pkgIdx, blkOff, blkCnt)
		if err != nil {
			return fmt.Errorf("ndb: package %d: %w", pkgIdx, err)
		}
		if err := fn(blob); err != nil {
			return err
		}
	}
	return nil
}

func readNDBBlob(r io.ReaderAt, pkgIdx uint32, blkOff, blkCnt int64) ([]byte, error) {
	n := blkCnt * ndbBlockSize
	if n < ndbHeadSize+ndbTailSize || n > maxBlob+ndbHeadSize+ndbTailSize+ndbBlockSize {
		return nil, fmt.Errorf("blob of %d bytes", n)
	}
	b, err := readAt(r, blkOff*ndbBlockSize, n)
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	if le.Uint32(b) != ndbBlobHead || le.Uint32(b[4:]) != pkgIdx {
		return nil, errors.New("bad blob head")
	}
	blen := int64(le.Uint32(b[12:]))
	if (ndbHeadSize+blen+ndbTailSize+ndbBlockSize-1)/ndbBlockSize != blkCnt {
		return nil, fmt.Errorf("blob length %d does not match %d blocks", blen, blkCnt)
	}
	tail := b[n-ndbTailSize:]
	if le.Uint32(tail[8:]) != ndbBlobTail || int64(le.Uint32(tail[4:])) != blen {
		return nil, errors.New("bad blob tail")
	}
	if adler32.Checksum(b[:n-ndbTailSize]) != le.Uint32(tail) {
		return nil, errors.New("blob checksum mismatch")
	}
	return b[ndbHeadSize : ndbHeadSize+blen], nil
}
