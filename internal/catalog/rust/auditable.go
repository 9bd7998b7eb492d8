package rust

import (
	"bytes"
	"compress/zlib"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// sectionName is where cargo-auditable puts its data in every format.
const sectionName = ".dep-v0"

const (
	// maxSection bounds the compressed section: real ones hold a few KiB
	// even for binaries with a thousand dependencies.
	maxSection = 8 << 20
	// maxJSON bounds the inflated JSON.
	maxJSON = 64 << 20
)

// format is the executable container a file's first bytes announce.
type format int

const (
	notExe format = iota
	elfExe
	peExe
	machoExe
	fatMachoExe
)

func sniff(head []byte) format {
	switch {
	case bytes.HasPrefix(head, []byte(elf.ELFMAG)):
		return elfExe
	case bytes.HasPrefix(head, []byte("MZ")):
		return peExe
	case len(head) < 4:
		return notExe
	}
	for _, m := range []uint32{binary.LittleEndian.Uint32(head), binary.BigEndian.Uint32(head)} {
		switch m {
		case macho.Magic32, macho.Magic64:
			return machoExe
		}
	}
	// Java class files share the universal binary's magic; Go's reader
	// tells them apart by the architecture count.
	if binary.BigEndian.Uint32(head) == macho.MagicFat {
		return fatMachoExe
	}
	return notExe
}

// ReadBinary returns the crates recorded by cargo-auditable in the
// executable r of the given size, located at path. An executable without
// audit data, or a file that is no executable, gives nothing and no error.
func ReadBinary(ctx context.Context, r io.ReaderAt, size int64, path string) ([]sbom.Package, error) {
	var head [8]byte
	if n, _ := r.ReadAt(head[:], 0); n < len(head) {
		return nil, nil
	}
	kind := sniff(head[:])
	if kind == notExe {
		return nil, nil
	}
	off, n, err := findSection(r, kind)
	switch {
	case err != nil:
		// Not every file with an executable's magic is one this reader
		// can open, and most executables are not Rust programs.
		slog.DebugContext(ctx, "rust: unreadable executable", "path", path, "err", err)
		return nil, nil
	case n < 0:
		return nil, nil
	case off < 0 || off > size || n > size-off:
		return nil, fmt.Errorf("section %s runs past the end of the file", sectionName)
	case n > maxSection:
		return nil, fmt.Errorf("section %s is %d bytes, more than %d", sectionName, n, maxSection)
	}
	data := make([]byte, n)
	if k, err := r.ReadAt(data, off); k < len(data) {
		return nil, fmt.Errorf("reading section %s: %w", sectionName, cmpErr(err))
	}
	return ParseAuditData(data, path)
}

func cmpErr(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// findSection returns the file offset and size of the audit section, or
// a size of -1 when the executable has none.
func findSection(r io.ReaderAt, kind format) (off, n int64, err error) {
	switch kind {
	case elfExe:
		f, err := elf.NewFile(r)
		if err != nil {
			return 0, 0, err
		}
		s := f.Section(sectionName)
		if s == nil {
			return 0, -1, nil
		}
		if s.Type == elf.SHT_NOBITS {
			return 0, 0, fmt.Errorf("section %s has no data in the file", sectionName)
		}
		return int64(s.Offset), int64(s.FileSize), nil
	case peExe:
		f, err := pe.NewFile(r)
		if err != nil {
			return 0, 0, err
		}
		s := f.Section(sectionName)
		if s == nil {
			return 0, -1, nil
		}
		n := int64(s.Size)
		if s.VirtualSize != 0 && int64(s.VirtualSize) < n {
			n = int64(s.VirtualSize) // the rest is alignment padding
		}
		return int64(s.Offset), n, nil
	case machoExe:
		f, err := macho.NewFile(r)
		if err != nil {
			return 0, 0, err
		}
		return machoSection(f)
	case fatMachoExe:
		ff, err := macho.NewFatFile(r)
		if err != nil {
			return 0, 0, err
		}
		// Every architecture of a universal binary carries the same
		// dependency list; the first that has one is enough.
		for _, a := range ff.Arches {
			off, n, err := machoSection(a.File)
			if err == nil && n >= 0 {
				return int64(a.Offset) + off, n, nil
			}
		}
		return 0, -1, nil
	}
	return 0, -1, nil
}

func machoSection(f *macho.File) (int64, int64, error) {
	for _, s := range f.Sections {
		if s.Seg == "__DATA" && s.Name == sectionName {
			return int64(s.Offset), int64(s.Size), nil
		}
	}
	return 0, -1, nil
}

// auditPackage is one entry of cargo-auditable's "packages" array
// (rustsec.org/schemas/cargo-auditable.json). Dependencies, indexes into
// the array, are not needed for an inventory.
type auditPackage struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	Source  json.RawMessage `json:"source"`
	Kind    string          `json:"kind"`
	Root    bool            `json:"root"`
}

// ParseAuditData reads the zlib-compressed JSON of a .dep-v0 section and
// returns its crates located at path, sorted. Entries without a usable
// name, version or source are skipped and named in the returned error.
func ParseAuditData(compressed []byte, path string) ([]sbom.Package, error) {
	zr, err := zlib.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("section %s: %w", sectionName, err)
	}
	defer zr.Close()
	js, err := io.ReadAll(io.LimitReader(zr, maxJSON+1))
	if err != nil {
		return nil, fmt.Errorf("section %s: inflating: %w", sectionName, err)
	}
	if len(js) > maxJSON {
		return nil, fmt.Errorf("section %s: inflates to more than %d bytes", sectionName, maxJSON)
	}
	return parseAuditJSON(js, path)
}

func parseAuditJSON(js []byte, path string) ([]sbom.Package, error) {
	var doc struct {
		Packages []json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		return nil, fmt.Errorf("section %s: %w", sectionName, err)
	}
	var (
		pkgs    []sbom.Package
		skipped []error
	)
	for i, raw := range doc.Packages {
		var p auditPackage
		if err := json.Unmarshal(raw, &p); err != nil {
			skipped = append(skipped, fmt.Errorf("package %d: %w", i, err))
			continue
		}
		src, err := auditSource(p.Source)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("package %d (%q): %w", i, p.Name, err))
			continue
		}
		if !validName(p.Name) || !validVersion(p.Version) {
			skipped = append(skipped, fmt.Errorf("package %d: no usable name and version (%q, %q)", i, p.Name, p.Version))
			continue
		}
		pkgs = append(pkgs, sbom.Package{
			Name: p.Name, Version: p.Version, Type: sbom.Cargo,
			Main:      src == "local",
			Dev:       p.Kind == "build",
			Locations: []sbom.Location{{Path: path}},
		})
	}
	sbom.Sort(pkgs)
	pkgs = slices.CompactFunc(pkgs, func(a, b sbom.Package) bool {
		return a.Name == b.Name && a.Version == b.Version && a.Main == b.Main && a.Dev == b.Dev
	})
	return pkgs, errors.Join(skipped...)
}

// auditSource normalises "source": a string ("crates.io", "git", "local",
// "registry"; the schema also lists the variant names "CratesIo"…), or
// {"Other": "…"} for sources the format does not name.
func auditSource(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		switch ls := strings.ToLower(s); ls {
		case "":
			return "", errors.New("empty source")
		case "cratesio":
			return "crates.io", nil
		default:
			return ls, nil
		}
	}
	var other struct {
		Other *string `json:"Other"`
	}
	if err := json.Unmarshal(raw, &other); err != nil || other.Other == nil {
		return "", fmt.Errorf("source %s is neither a name nor {\"Other\": name}", truncate(raw))
	}
	return "other", nil
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
