package gobinary

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// The PC/line table ("pclntab") is the runtime's own map from code to
// function names, so it survives `-ldflags=-s -w`. Only its layout since Go
// 1.18 is read here (the header, the function table and the name table;
// internal/abi and runtime/symtab.go describe it): older binaries still get
// their modules, without symbols.
//
// debug/gosym would parse the same table, but it decodes every function's
// file and line tables and panics on some malformed input; names are all
// that is needed, and every offset below is checked against the bytes
// actually present.

const (
	magic118 = 0xfffffff0 // Go 1.18 and 1.19
	magic120 = 0xfffffff1 // Go 1.20 and later

	// Field offsets in the runtime's _func record.
	funcNameOff    = 4
	funcNpcdataOff = 28
	// Go 1.20 added startLine, moving funcID/flag/nfuncdata by four bytes.
	funcNfuncdataOff118 = 39
	funcNfuncdataOff120 = 43
	funcSize118         = 40
	funcSize120         = 44

	pcdataInlTreeIndex = 2 // abi.PCDATA_InlTreeIndex
	funcdataInlTree    = 3 // abi.FUNCDATA_InlTree
	inlinedCallSize120 = 16
	noFuncdata         = ^uint32(0)

	// maxName bounds one function name; generic instantiations make the
	// longest ones, far below this.
	maxName = 64 << 10
	// maxInlineDepth bounds the inlined calls read for one function.
	maxInlined = 1 << 16
)

// pclntab is a parsed PC/line table header with the regions it locates.
type pclntab struct {
	order       binary.ByteOrder
	go120       bool
	ptrSize     int
	nfunc       int
	funcnameOff uint64 // offset of funcnametab from the table start
	cuOff       uint64
	funcnametab []byte
	pctab       []byte
	functab     []byte // functab entries followed by the _func records
}

var errNoTable = errors.New("no Go 1.18+ PC/line table")

// parsePclntab validates the header at the start of data and slices the
// regions it names. It never reads past data.
func parsePclntab(data []byte) (*pclntab, error) {
	if len(data) < 8 {
		return nil, errNoTable
	}
	t := &pclntab{}
	switch m := binary.LittleEndian.Uint32(data); {
	case m == magic118 || m == magic120:
		t.order, t.go120 = binary.LittleEndian, m == magic120
	default:
		m = binary.BigEndian.Uint32(data)
		if m != magic118 && m != magic120 {
			return nil, errNoTable
		}
		t.order, t.go120 = binary.BigEndian, m == magic120
	}
	minLC, ptrSize := data[6], data[7]
	if data[4] != 0 || data[5] != 0 || (minLC != 1 && minLC != 2 && minLC != 4) || (ptrSize != 4 && ptrSize != 8) {
		return nil, fmt.Errorf("%w: bad header", errNoTable)
	}
	t.ptrSize = int(ptrSize)
	const words = 8 // nfunc, nfiles, unused, funcname, cu, filetab, pctab, pcln
	if len(data) < 8+words*t.ptrSize {
		return nil, fmt.Errorf("%w: truncated header", errNoTable)
	}
	w := make([]uint64, words)
	for i := range w {
		w[i] = t.word(data[8+i*t.ptrSize:])
	}
	nfunc, funcnameOff, cuOff, pctabOff, pclnOff := w[0], w[3], w[4], w[6], w[7]
	size := uint64(len(data))
	if funcnameOff > cuOff || cuOff > size || pctabOff > pclnOff || pclnOff > size {
		return nil, fmt.Errorf("%w: header offsets outside the table", errNoTable)
	}
	// The function table holds nfunc entries and an end marker, 8 bytes each.
	if nfunc == 0 || nfunc >= (size-pclnOff)/8 {
		return nil, fmt.Errorf("%w: %d functions do not fit", errNoTable, nfunc)
	}
	t.nfunc = int(nfunc)
	t.funcnameOff, t.cuOff = funcnameOff, cuOff
	t.funcnametab = data[funcnameOff:cuOff]
	t.pctab = data[pctabOff:pclnOff]
	t.functab = data[pclnOff:]
	return t, nil
}

func (t *pclntab) word(b []byte) uint64 {
	if t.ptrSize == 4 {
		return uint64(t.order.Uint32(b))
	}
	return t.order.Uint64(b)
}

// name returns the NUL-terminated name at off in funcnametab.
func (t *pclntab) name(off int32) (string, bool) {
	if off < 0 || int64(off) >= int64(len(t.funcnametab)) {
		return "", false
	}
	b := t.funcnametab[off:]
	if len(b) > maxName {
		b = b[:maxName]
	}
	end := bytes.IndexByte(b, 0)
	if end <= 0 {
		return "", false
	}
	return string(b[:end]), true
}

// fn returns the _func record of function i, or nil when it lies outside
// the table.
func (t *pclntab) fn(i int) []byte {
	funcoff := uint64(t.order.Uint32(t.functab[8*i+4:]))
	size := uint64(funcSize118)
	if t.go120 {
		size = funcSize120
	}
	if funcoff > uint64(len(t.functab)) || uint64(len(t.functab))-funcoff < size {
		return nil
	}
	return t.functab[funcoff:]
}

// names calls yield with the name of every function in the table and, when
// gofunc (the bytes from the runtime's go:func.* base onwards) is known,
// with the names of the functions inlined into them. It stops early when
// yield returns false.
func (t *pclntab) names(gofunc []byte, yield func(string) bool) {
	for i := 0; i < t.nfunc; i++ {
		f := t.fn(i)
		if f == nil {
			continue
		}
		if n, ok := t.name(int32(t.order.Uint32(f[funcNameOff:]))); ok && !yield(n) {
			return
		}
		if gofunc == nil || !t.go120 {
			continue
		}
		for _, off := range t.inlined(f, gofunc) {
			if n, ok := t.name(off); ok && !yield(n) {
				return
			}
		}
	}
}

// inlined returns the name offsets of the calls inlined into function f.
// The inline tree is an array of inlinedCall records in go:func.*; its
// length is not stored, so it is one more than the largest index that the
// function's PCDATA_InlTreeIndex table takes.
func (t *pclntab) inlined(f, gofunc []byte) []int32 {
	npcdata := uint64(t.order.Uint32(f[funcNpcdataOff:]))
	nfuncdata := uint64(f[funcNfuncdataOff120])
	if npcdata <= pcdataInlTreeIndex || nfuncdata <= funcdataInlTree {
		return nil
	}
	pcdataAt := uint64(funcSize120) + 4*pcdataInlTreeIndex
	funcdataAt := uint64(funcSize120) + 4*npcdata + 4*funcdataInlTree
	if funcdataAt+4 > uint64(len(f)) {
		return nil
	}
	tableOff := t.order.Uint32(f[pcdataAt:])
	treeOff := t.order.Uint32(f[funcdataAt:])
	if tableOff == 0 || treeOff == noFuncdata || uint64(tableOff) >= uint64(len(t.pctab)) {
		return nil
	}
	n := maxPCValue(t.pctab[tableOff:]) + 1
	if n <= 0 {
		return nil
	}
	if n > maxInlined {
		n = maxInlined
	}
	if uint64(treeOff) > uint64(len(gofunc)) {
		return nil
	}
	tree := gofunc[treeOff:]
	if int64(len(tree)) < int64(n)*inlinedCallSize120 {
		return nil
	}
	offs := make([]int32, n)
	for i := range offs {
		offs[i] = int32(t.order.Uint32(tree[i*inlinedCallSize120+4:]))
	}
	return offs
}

// maxPCValue decodes a pc-value table (pairs of zig-zag value deltas and pc
// deltas, as uvarints, ended by a zero value delta) and returns the largest
// value it takes; the table starts at -1.
func maxPCValue(p []byte) int64 {
	val, best := int64(-1), int64(-1)
	for first := true; len(p) > 0; first = false {
		uv, n := binary.Uvarint(p)
		if n <= 0 || uv > 0xffffffff || (uv == 0 && !first) {
			break
		}
		p = p[n:]
		d := int32(uint32(uv>>1) ^ uint32(-(int32(uv & 1))))
		val += int64(d)
		_, n = binary.Uvarint(p)
		if n <= 0 {
			break
		}
		p = p[n:]
		best = max(best, val)
	}
	return best
}
