package gobinary

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

const (
	// maxScanSection bounds a section read whole while searching for the
	// PC/line table or the module data.
	maxScanSection = 256 << 20
	// moduledataWords is how many pointer-sized fields of runtime.moduledata
	// are read, up to and including epclntab (runtime/symtab.go).
	moduledataWords = 42
	// gofuncWord120 is the index of moduledata.gofunc since Go 1.20:
	// pcHeader, six slices, findfunctab, minpc/maxpc, text/etext,
	// noptrdata, data, bss, noptrbss and covctrs pairs, end/gcdata/gcbss,
	// types/etypes, rodata.
	gofuncWord120 = 40
)

// loadPclntab returns the PC/line table and its virtual address. ELF and
// Mach-O name its section; PE keeps it inside .rdata, so the read-only
// sections are searched for a header that parses.
func (img *image) loadPclntab() (*pclntab, uint64, error) {
	if s := img.pclntab; s != nil {
		data, err := readAt(img.r, s.off, s.size)
		if err != nil {
			return nil, 0, fmt.Errorf("reading %s: %w", s.name, err)
		}
		t, err := parsePclntab(data)
		return t, s.addr, err
	}
	var magics [][]byte
	for _, m := range []uint32{magic118, magic120} {
		b := make([]byte, 4)
		img.order.PutUint32(b, m)
		magics = append(magics, b)
	}
	for _, writable := range []bool{false, true} {
		for i := range img.sections {
			s := &img.sections[i]
			if s.writable != writable || s.size > maxScanSection {
				continue
			}
			data, err := readAt(img.r, s.off, s.size)
			if err != nil {
				return nil, 0, fmt.Errorf("reading %s: %w", s.name, err)
			}
			for off := 0; off+8 <= len(data); off += 4 {
				head := data[off : off+4]
				if !bytes.Equal(head, magics[0]) && !bytes.Equal(head, magics[1]) {
					continue
				}
				if t, err := parsePclntab(data[off:]); err == nil && t.plausible() {
					return t, s.addr + uint64(off), nil
				}
			}
		}
	}
	return nil, 0, errNoTable
}

// plausible rejects a header that parsed by chance: the first and last
// functions must have names.
func (t *pclntab) plausible() bool {
	for _, i := range []int{0, t.nfunc - 1} {
		f := t.fn(i)
		if f == nil {
			return false
		}
		if _, ok := t.name(int32(t.order.Uint32(f[funcNameOff:]))); !ok {
			return false
		}
	}
	return true
}

// gofunc finds runtime.firstmoduledata (a pointer to the table, then the
// funcnametab slice, which the table's own header lets us predict) in the
// writable sections and returns the bytes from its gofunc address to the end
// of that section. Inline trees live there. It returns nil when the module
// data cannot be found, as in binaries whose pointers are only filled in by
// load-time relocations.
func (img *image) gofunc(t *pclntab, tabAddr uint64) []byte {
	if !t.go120 {
		return nil
	}
	ps := t.ptrSize
	want := []uint64{tabAddr, tabAddr + t.funcnameOff, t.cuOff - t.funcnameOff, t.cuOff - t.funcnameOff}
	for i := range img.sections {
		s := &img.sections[i]
		if !s.writable || s.size > maxScanSection {
			continue
		}
		data, err := readAt(img.r, s.off, s.size)
		if err != nil {
			return nil
		}
	scan:
		for off := 0; off+moduledataWords*ps <= len(data); off += ps {
			for j, w := range want {
				if t.word(data[off+j*ps:]) != w {
					continue scan
				}
			}
			base := t.word(data[off+gofuncWord120*ps:])
			for j := range img.sections {
				g := &img.sections[j]
				if g.contains(base) {
					b, err := readAt(img.r, g.off+int64(base-g.addr), g.size-int64(base-g.addr))
					if err != nil {
						return nil
					}
					return b
				}
			}
			return nil
		}
	}
	return nil
}

// symbol turns a function name from the table into its package path and the
// name a Go vulnerability report would list, following golang.org/x/vuln's
// binary mode: instantiation brackets dropped, "(*T).M" becomes "T.M",
// closures keep their parent ("F.func1"), and the path's escaped dots
// ("gopkg.in/yaml%2ev3") are unescaped. Compiler-generated names ("go:…",
// "type:…") have no package and are left out.
func symbol(name string) (pkg, sym string, ok bool) {
	if strings.HasPrefix(name, "go:") || strings.HasPrefix(name, "type:") {
		return "", "", false
	}
	n := name
	if i := strings.IndexByte(n, '['); i >= 0 {
		if j := strings.LastIndexByte(n, ']'); j > i {
			n = n[:i] + n[j+1:]
		}
	}
	slash := max(strings.LastIndexByte(n, '/'), 0)
	dot := strings.IndexByte(n[slash:], '.')
	if dot < 0 {
		return "", "", false
	}
	pkg, rest := n[:slash+dot], n[slash+dot+1:]
	if pkg == "" || rest == "" {
		return "", "", false
	}
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		recv, base := rest[:i], rest[i+1:]
		if strings.HasPrefix(recv, "(*") {
			recv = strings.TrimSuffix(strings.TrimPrefix(recv, "(*"), ")")
		}
		rest = recv + "." + base
	}
	pkg, err := url.PathUnescape(pkg)
	if err != nil {
		return "", "", false
	}
	return pkg, rest, true
}

// isStdlib reports whether an import path belongs to the standard library:
// its first element has no dot. That includes the standard library's own
// vendored copies ("vendor/golang.org/x/net/…"), which ship with the
// toolchain, not as modules.
func isStdlib(pkg string) bool {
	first, _, _ := strings.Cut(pkg, "/")
	return !strings.Contains(first, ".")
}

// owner attributes packages to modules by longest path prefix.
type owner struct {
	paths []string // module paths, longest first
}

func newOwner(paths []string) *owner {
	p := slices.Clone(paths)
	slices.SortFunc(p, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a, b))
	})
	return &owner{paths: p}
}

// of returns the module path that holds pkg, or "" when none does.
func (o *owner) of(pkg string) string {
	for _, m := range o.paths {
		if pkg == m || (strings.HasPrefix(pkg, m) && pkg[len(m)] == '/') {
			return m
		}
	}
	return ""
}
