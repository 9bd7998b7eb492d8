package gobinary

import (
	"encoding/binary"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// synthTable builds a minimal Go 1.20 PC/line table by the layout in
// runtime/symtab.go: two functions, the first with an inline tree of two
// calls whose records are in the returned gofunc bytes.
func synthTable() (table, gofunc []byte) {
	le := binary.LittleEndian
	names := "main.main\x00example.com/m.F\x00example.com/m.(*T).G\x00"
	const hdr = 8 + 8*8
	funcnameOff := uint64(hdr)
	cuOff := funcnameOff + uint64(len(names))
	// Inline index table at pctab offset 1 (0 means "none"): values 0 then
	// 1, as zig-zag deltas with pc deltas, ended by a zero delta.
	pctab := []byte{0, 2, 4, 2, 4, 0}
	pctabOff := cuOff
	pclnOff := pctabOff + uint64(len(pctab))

	b := le.AppendUint32(nil, magic120)
	b = append(b, 0, 0, 1, 8)
	for _, w := range []uint64{2, 0, 0, funcnameOff, cuOff, cuOff, pctabOff, pclnOff} {
		b = le.AppendUint64(b, w)
	}
	b = append(b, names...)
	b = append(b, pctab...)

	// functab: two functions and the end marker; records follow it.
	f0 := uint32(3 * 8)
	f1 := f0 + funcSize120 + 3*4 + 4*4
	for _, e := range [][2]uint32{{0, f0}, {16, f1}, {32, 0}} {
		b = le.AppendUint32(b, e[0])
		b = le.AppendUint32(b, e[1])
	}
	rec := func(nameOff int32, npcdata uint32, nfuncdata uint8) []byte {
		r := make([]byte, funcSize120)
		le.PutUint32(r[funcNameOff:], uint32(nameOff))
		le.PutUint32(r[funcNpcdataOff:], npcdata)
		r[funcNfuncdataOff120] = nfuncdata
		return r
	}
	b = append(b, rec(0, 3, 4)...)
	for _, v := range []uint32{0, 0, 1} { // pcdata: InlTreeIndex table at pctab+1
		b = le.AppendUint32(b, v)
	}
	for _, v := range []uint32{noFuncdata, noFuncdata, noFuncdata, 0} { // funcdata: InlTree at gofunc+0
		b = le.AppendUint32(b, v)
	}
	b = append(b, rec(10, 0, 0)...)

	for _, off := range []int32{26, 10} { // inlinedCall{funcID, pad, nameOff, parentPc, startLine}
		call := make([]byte, inlinedCallSize120)
		le.PutUint32(call[4:], uint32(off))
		gofunc = append(gofunc, call...)
	}
	return b, gofunc
}

func TestPclntabSynthetic(t *testing.T) {
	table, gofunc := synthTable()
	tab, err := parsePclntab(table)
	if err != nil {
		t.Fatal(err)
	}
	if !tab.plausible() {
		t.Error("synthetic table not plausible")
	}
	collect := func(gofunc []byte) []string {
		var got []string
		tab.names(gofunc, func(n string) bool { got = append(got, n); return true })
		return got
	}
	want := []string{"main.main", "example.com/m.(*T).G", "example.com/m.F", "example.com/m.F"}
	if d := cmp.Diff(want, collect(gofunc)); d != "" {
		t.Errorf("names with inline trees (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"main.main", "example.com/m.F"}, collect(nil)); d != "" {
		t.Errorf("names without inline trees (-want +got):\n%s", d)
	}
	// A tree that runs past gofunc is ignored, not read out of bounds.
	if d := cmp.Diff([]string{"main.main", "example.com/m.F"}, collect(gofunc[:20])); d != "" {
		t.Errorf("names with short gofunc (-want +got):\n%s", d)
	}
}

func TestParsePclntabRejects(t *testing.T) {
	good, _ := synthTable()
	mutate := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	le := binary.LittleEndian
	tests := map[string][]byte{
		"empty":           nil,
		"old magic":       mutate(func(b []byte) { le.PutUint32(b, 0xfffffffb) }),
		"bad pad":         mutate(func(b []byte) { b[4] = 1 }),
		"bad ptr size":    mutate(func(b []byte) { b[7] = 3 }),
		"truncated":       good[:40],
		"nfunc huge":      mutate(func(b []byte) { le.PutUint64(b[8:], 1<<40) }),
		"nfunc zero":      mutate(func(b []byte) { le.PutUint64(b[8:], 0) }),
		"names past end":  mutate(func(b []byte) { le.PutUint64(b[8+4*8:], 1<<50) }),
		"pcln before tab": mutate(func(b []byte) { le.PutUint64(b[8+6*8:], 1<<20) }),
	}
	for name, data := range tests {
		if _, err := parsePclntab(data); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func TestMaxPCValue(t *testing.T) {
	tests := []struct {
		in   []byte
		want int64
	}{
		{nil, -1},
		{[]byte{0}, -1},            // first delta 0: value stays -1, then no pc delta
		{[]byte{2, 1, 0}, 0},       // -1 +1
		{[]byte{6, 1, 1, 1, 0}, 2}, // +3 then -1
		{[]byte{0x80}, -1},         // truncated varint
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1}, -1}, // beyond 32 bits
	}
	for _, tt := range tests {
		if got := maxPCValue(tt.in); got != tt.want {
			t.Errorf("maxPCValue(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
