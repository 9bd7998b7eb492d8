package rust

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

// auditJSON is what cargo-auditable embeds for a small grep-like tool:
// the root crate is local, cc is a build dependency of a -sys crate, and
// one crate comes from a git repository. Names and versions are real
// crates.io releases that belong together.
const auditJSON = `{"packages":[` +
	`{"name":"aho-corasick","version":"0.7.18","source":"crates.io","dependencies":[4]},` +
	`{"name":"cc","version":"1.0.73","source":"crates.io","kind":"build"},` +
	`{"name":"libz-sys","version":"1.1.8","source":"crates.io","dependencies":[1,6]},` +
	`{"name":"lite-grep","version":"0.3.0","source":"local","dependencies":[0,2,4,5,7],"root":true},` +
	`{"name":"memchr","version":"2.4.1","source":"crates.io"},` +
	`{"name":"regex","version":"1.5.4","source":"crates.io","dependencies":[0,4,8]},` +
	`{"name":"pkg-config","version":"0.3.25","source":"crates.io","kind":"build"},` +
	`{"name":"termcolor","version":"1.1.3","source":"git"},` +
	`{"name":"regex-syntax","version":"0.6.25","source":"crates.io"}` +
	`]}`

func wantAudit(p string) []sbom.Package {
	return []sbom.Package{
		crate("aho-corasick", "0.7.18", p), build(crate("cc", "1.0.73", p)), crate("libz-sys", "1.1.8", p),
		local(crate("lite-grep", "0.3.0", p)), crate("memchr", "2.4.1", p), build(crate("pkg-config", "0.3.25", p)),
		crate("regex", "1.5.4", p), crate("regex-syntax", "0.6.25", p), crate("termcolor", "1.1.3", p),
	}
}

func compress(t testing.TB, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// executable compiles a real program: with rustc when it is there, else
// with the C compiler.
func executable(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "prog")
	if rustc, err := exec.LookPath("rustc"); err == nil {
		src := filepath.Join(dir, "main.rs")
		os.WriteFile(src, []byte("fn main() { println!(\"hello\"); }\n"), 0o644)
		if b, err := exec.Command(rustc, "-C", "opt-level=0", "-o", out, src).CombinedOutput(); err != nil {
			t.Fatalf("rustc: %v\n%s", err, b)
		}
		return out
	}
	cc := testutil.NeedCommand(t, "cc")
	src := filepath.Join(dir, "main.c")
	os.WriteFile(src, []byte("#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n"), 0o644)
	if b, err := exec.Command(cc, "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, b)
	}
	return out
}

// objcopy runs binutils' objcopy, which is how the section gets into a
// real executable when cargo-auditable itself cannot be installed.
func objcopy(t *testing.T, args ...string) {
	t.Helper()
	bin := testutil.NeedCommand(t, "objcopy")
	if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("objcopy %v: %v\n%s", args, err, b)
	}
}

func TestAuditableELFAndPE(t *testing.T) {
	dir := t.TempDir()
	exe := executable(t, dir)
	data := filepath.Join(dir, "dep-v0")
	if err := os.WriteFile(data, compress(t, auditJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	elfOut := filepath.Join(dir, "lite-grep")
	objcopy(t, "--add-section", ".dep-v0="+data, exe, elfOut)
	peOut := filepath.Join(dir, "lite-grep.exe")
	objcopy(t, "-O", "pei-x86-64", exe, filepath.Join(dir, "plain.exe"))
	objcopy(t, "--add-section", ".dep-v0="+data, filepath.Join(dir, "plain.exe"), peOut)

	for _, tc := range []struct{ file, at string }{
		{elfOut, "usr/local/bin/lite-grep"},
		{peOut, "app/lite-grep.exe"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			b, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := catalogtest.ParseBytes(t, New(), tc.at, b, 0o755)
			if err != nil {
				t.Fatal(err)
			}
			catalogtest.Expect(t, wantAudit(tc.at), got, false)
		})
	}
	t.Run("without section", func(t *testing.T) {
		b, err := os.ReadFile(exe)
		if err != nil {
			t.Fatal(err)
		}
		got, err := catalogtest.ParseBytes(t, New(), "usr/bin/prog", b, 0o755)
		if err != nil || len(got) != 0 {
			t.Errorf("got %v, %v; want nothing", got, err)
		}
	})
}

// machO lays out a minimal 64-bit Mach-O executable (mach_header_64, one
// LC_SEGMENT_64 "__DATA" with one section_64) holding data in seg,sect.
func machO(seg, sect string, data []byte) []byte {
	const (
		headerSize  = 32
		segCmdSize  = 72
		sectionSize = 80
		lcSegment64 = 0x19
	)
	le := binary.LittleEndian
	off := uint32(headerSize + segCmdSize + sectionSize)
	var b bytes.Buffer
	name16 := func(s string) { var n [16]byte; copy(n[:], s); b.Write(n[:]) }
	u32 := func(v uint32) { binary.Write(&b, le, v) }
	u64 := func(v uint64) { binary.Write(&b, le, v) }
	u32(0xfeedfacf)               // MH_MAGIC_64
	u32(0x01000007)               // CPU_TYPE_X86_64
	u32(3)                        // CPU_SUBTYPE_X86_64_ALL
	u32(2)                        // MH_EXECUTE
	u32(1)                        // ncmds
	u32(segCmdSize + sectionSize) // sizeofcmds
	u32(0)                        // flags
	u32(0)                        // reserved
	u32(lcSegment64)
	u32(segCmdSize + sectionSize)
	name16(seg)
	u64(0x100000000)       // vmaddr
	u64(0x1000)            // vmsize
	u64(uint64(off))       // fileoff
	u64(uint64(len(data))) // filesize
	u32(3)                 // maxprot
	u32(3)                 // initprot
	u32(1)                 // nsects
	u32(0)                 // flags
	name16(sect)
	name16(seg)
	u64(0x100000000)       // addr
	u64(uint64(len(data))) // size
	u32(off)               // offset
	u32(0)                 // align
	u32(0)                 // reloff
	u32(0)                 // nreloc
	u32(0)                 // flags
	u32(0)                 // reserved1
	u32(0)                 // reserved2
	u32(0)                 // reserved3
	b.Write(data)
	return b.Bytes()
}

// fat wraps thin Mach-O files in a universal binary (fat_header and
// fat_arch, big-endian), each at a 4 KiB-aligned offset.
func fat(thin ...[]byte) []byte {
	be := binary.BigEndian
	var b bytes.Buffer
	binary.Write(&b, be, uint32(0xcafebabe))
	binary.Write(&b, be, uint32(len(thin)))
	off := uint32(4096)
	for i, t := range thin {
		binary.Write(&b, be, []uint32{0x01000007 + uint32(i)*5, 3, off, uint32(len(t)), 12}) // x86_64, then arm64 (0x0100000c)
		off += (uint32(len(t)) + 4095) &^ 4095
	}
	for _, t := range thin {
		b.Write(make([]byte, 4096-b.Len()%4096))
		b.Write(t)
	}
	return b.Bytes()
}

func TestAuditableMachO(t *testing.T) {
	section := compress(t, auditJSON)
	thin := machO("__DATA", ".dep-v0", section)
	for name, data := range map[string][]byte{
		"thin": thin,
		"fat":  fat(machO("__DATA", "__data", []byte("no audit data")), thin),
	} {
		t.Run(name, func(t *testing.T) {
			const at = "Applications/lite-grep"
			got, err := catalogtest.ParseBytes(t, New(), at, append(data, make([]byte, minExeSize)...), 0o755)
			if err != nil {
				t.Fatal(err)
			}
			catalogtest.Expect(t, wantAudit(at), got, false)
		})
	}
	// The section must be in __DATA.
	got, err := ReadBinary(context.Background(), bytes.NewReader(machO("__TEXT", ".dep-v0", section)), int64(len(thin)), "x")
	if err != nil || len(got) != 0 {
		t.Errorf("__TEXT,.dep-v0: %v, %v", got, err)
	}
}

func TestAuditDataMalformed(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want int // packages still read
		err  string
	}{
		{"not zlib", []byte("{\"packages\":[]}"), 0, "zlib"},
		{"truncated", compress(t, auditJSON)[:40], 0, "inflating"},
		{"not json", compress(t, "packages"), 0, "invalid character"},
		{"entry without source", compress(t, `{"packages":[{"name":"a","version":"1.0.0"},{"name":"b","version":"2.0.0","source":"crates.io"}]}`), 1, "package 0"},
		{"entry of wrong type", compress(t, `{"packages":[7,{"name":"b","version":"2.0.0","source":"crates.io"}]}`), 1, "package 0"},
		{"bad version", compress(t, `{"packages":[{"name":"a","version":"","source":"crates.io"}]}`), 0, "no usable name and version"},
		{"bomb", compress(t, `{"packages":[`+strings.Repeat(" ", maxJSON)+`]}`), 0, "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAuditData(tc.data, "x")
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
			if len(got) != tc.want {
				t.Errorf("%d packages, want %d", len(got), tc.want)
			}
		})
	}
	// Other sources, in every spelling the schema allows.
	got, err := ParseAuditData(compress(t, `{"format":1,"packages":[{"name":"a","version":"1.0.0","source":{"Other":"svn"}},{"name":"b","version":"2.0.0","source":"CratesIo"},{"name":"c","version":"3.0.0","source":"Local"},{"name":"d","version":"4.0.0","source":"registry"}]}`), "x")
	if err != nil {
		t.Fatal(err)
	}
	catalogtest.Expect(t, []sbom.Package{crate("a", "1.0.0", "x"), crate("b", "2.0.0", "x"), local(crate("c", "3.0.0", "x")), crate("d", "4.0.0", "x")}, got, false)
}

func TestNotExecutable(t *testing.T) {
	for name, data := range map[string][]byte{
		"script":    append([]byte("#!/bin/sh\necho hi\n"), make([]byte, minExeSize)...),
		"short":     []byte("\x7fELF"),
		"bad elf":   append([]byte("\x7fELF\x02\x01\x01"), make([]byte, minExeSize)...),
		"bad pe":    append([]byte("MZ"), make([]byte, minExeSize)...),
		"class":     append([]byte{0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52}, make([]byte, minExeSize)...),
		"bad macho": append([]byte{0xcf, 0xfa, 0xed, 0xfe}, make([]byte, minExeSize)...),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ReadBinary(context.Background(), bytes.NewReader(data), int64(len(data)), "x")
			if err != nil || len(got) != 0 {
				t.Errorf("got %v, %v", got, err)
			}
		})
	}
	// A section that claims to lie past the end of the file is an error.
	bad := machO("__DATA", ".dep-v0", compress(t, auditJSON))
	if _, err := ReadBinary(context.Background(), bytes.NewReader(bad[:len(bad)-10]), int64(len(bad)-10), "x"); err == nil {
		t.Error("truncated section: no error")
	}
}
