package gobinary

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// format is the executable container a file's first bytes announce.
type format int

const (
	notExe format = iota
	elfExe
	machoExe
	peExe
)

// sniff recognises ELF, thin Mach-O and PE from the first bytes. Universal
// ("fat") Mach-O files are left out: debug/buildinfo does not read them.
func sniff(head []byte) format {
	switch {
	case bytes.HasPrefix(head, []byte(elf.ELFMAG)):
		return elfExe
	case bytes.HasPrefix(head, []byte("MZ")):
		return peExe
	case len(head) >= 4:
		switch binary.LittleEndian.Uint32(head) {
		case macho.Magic32, macho.Magic64:
			return machoExe
		}
		switch binary.BigEndian.Uint32(head) {
		case macho.Magic32, macho.Magic64:
			return machoExe
		}
	}
	return notExe
}

// section is the part of an executable section that the file holds.
type section struct {
	name     string
	addr     uint64 // virtual address once loaded
	off      int64  // file offset
	size     int64  // bytes present in the file
	writable bool
}

func (s *section) contains(addr uint64) bool {
	return addr >= s.addr && addr-s.addr < uint64(s.size)
}

// image is what the symbol reader needs from any of the three formats.
type image struct {
	r        io.ReaderAt
	fileSize int64
	order    binary.ByteOrder
	sections []section
	// pclntab is the section the linker named for the PC/line table, when
	// the format has one (ELF, Mach-O); PE has none, so it is searched for.
	pclntab *section
}

// openImage reads section headers only; it never loads section contents.
func openImage(r io.ReaderAt, size int64, f format) (*image, error) {
	img := &image{r: r, fileSize: size}
	add := func(s section) {
		// Sizes come from the file: keep only sections that lie inside it.
		if s.off < 0 || s.size <= 0 || s.off > size || s.size > size-s.off {
			return
		}
		img.sections = append(img.sections, s)
	}
	switch f {
	case elfExe:
		ef, err := elf.NewFile(r)
		if err != nil {
			return nil, fmt.Errorf("reading ELF headers: %w", err)
		}
		img.order = ef.ByteOrder
		for _, s := range ef.Sections {
			if s.Type == elf.SHT_NOBITS || s.Flags&elf.SHF_ALLOC == 0 {
				continue
			}
			add(section{
				name: s.Name, addr: s.Addr, off: int64(s.Offset), size: int64(s.Size),
				writable: s.Flags&elf.SHF_WRITE != 0 && s.Flags&elf.SHF_EXECINSTR == 0,
			})
		}
		// PIE binaries keep the table in a relro copy of the section.
		img.pclntab = img.find(".gopclntab", ".data.rel.ro.gopclntab")
	case machoExe:
		mf, err := macho.NewFile(r)
		if err != nil {
			return nil, fmt.Errorf("reading Mach-O headers: %w", err)
		}
		img.order = mf.ByteOrder
		const zerofill = 0x1 // S_ZEROFILL: no bytes in the file
		for _, s := range mf.Sections {
			if s.Flags&0xff == zerofill {
				continue
			}
			add(section{
				name: s.Name, addr: s.Addr, off: int64(s.Offset), size: int64(s.Size),
				writable: s.Seg == "__DATA" || s.Seg == "__DATA_CONST",
			})
		}
		img.pclntab = img.find("__gopclntab")
	case peExe:
		pf, err := pe.NewFile(r)
		if err != nil {
			return nil, fmt.Errorf("reading PE headers: %w", err)
		}
		img.order = binary.LittleEndian
		var base uint64
		switch oh := pf.OptionalHeader.(type) {
		case *pe.OptionalHeader32:
			base = uint64(oh.ImageBase)
		case *pe.OptionalHeader64:
			base = oh.ImageBase
		}
		const (
			scnCode  = 0x20
			scnWrite = 0x80000000
		)
		for _, s := range pf.Sections {
			n := int64(s.Size)
			if s.VirtualSize != 0 && int64(s.VirtualSize) < n {
				n = int64(s.VirtualSize) // the rest is alignment padding
			}
			add(section{
				name: s.Name, addr: base + uint64(s.VirtualAddress), off: int64(s.Offset), size: n,
				writable: s.Characteristics&scnWrite != 0 && s.Characteristics&scnCode == 0,
			})
		}
	default:
		return nil, errors.New("not an executable")
	}
	return img, nil
}

func (img *image) find(names ...string) *section {
	for _, n := range names {
		for i := range img.sections {
			if img.sections[i].name == n {
				return &img.sections[i]
			}
		}
	}
	return nil
}

// readAt reads exactly n bytes at off; callers have checked n against the
// file size.
func readAt(r io.ReaderAt, off, n int64) ([]byte, error) {
	buf := make([]byte, n)
	// A ReaderAt may report io.EOF along with a full read.
	if k, err := r.ReadAt(buf, off); k < len(buf) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}
