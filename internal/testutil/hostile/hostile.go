// Package hostile writes adversarial container images for the resource
// budget tests and bench/hostile.sh: small files that expand into huge
// names, package databases, sparse holes, layer counts, or that are not
// regular files at all.
//
//	Case.Write(dir) ─▶ layer tars generated on the fly ─▶ compressed blobs
//	                 ─▶ docker-archive (or OCI layout) in dir ─▶ target string
//
// Every image is generated in code, streaming: nothing of the expanded size
// is ever held in memory or written uncompressed, so a 60 GiB image costs
// the generator a few MB. Diff IDs are the digests of the uncompressed
// streams, computed while generating, so the images are valid except for
// the trait each case is about.
package hostile

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Case is one adversarial image.
type Case struct {
	Name string
	What string // one line: what the image holds
	// Write creates the image under dir (which must exist) and returns
	// the scan target ("docker-archive:PATH", "oci-layout:DIR").
	Write func(dir string) (string, error)
}

// Scale shrinks the counts of every case, for tests that must run in
// seconds: 1 is the size the cases are documented with.
type Scale float64

func (s Scale) n(full int) int {
	v := int(float64(full) * float64(s))
	return max(v, 1)
}

// Cases are the adversarial images, at scale s.
func Cases(s Scale) []Case {
	return []Case{
		{"long-names", fmt.Sprintf("2 zstd layers of %d entries with 4,000-byte names", s.n(150_000)),
			func(dir string) (string, error) { return LongNames(dir, 2, s.n(150_000), 4000) }},
		{"dpkg-records", fmt.Sprintf("a dpkg status of %d packages", s.n(1_000_000)),
			func(dir string) (string, error) { return DpkgRecords(dir, s.n(1_000_000)) }},
		{"sparse", fmt.Sprintf("%d GNU sparse jars of 500 MiB logical size each", s.n(20)),
			func(dir string) (string, error) { return Sparse(dir, s.n(20), 500<<20) }},
		{"many-big-layers", fmt.Sprintf("%d zstd layers of 1 GiB - 1 MiB of zeros each", s.n(60)),
			func(dir string) (string, error) { return BigLayers(dir, s.n(60), 1<<30-1<<20) }},
		{"many-layers", fmt.Sprintf("%d tiny layers", s.n(3000)),
			func(dir string) (string, error) { return ManyLayers(dir, s.n(3000)) }},
		{"symlinks", fmt.Sprintf("%d symlinks, 2,000-byte names and targets", s.n(100_000)),
			func(dir string) (string, error) { return Symlinks(dir, s.n(100_000), 2000) }},
		{"world-writable", fmt.Sprintf("%d world-writable files with 1,000-byte names", s.n(200_000)),
			func(dir string) (string, error) { return WorldWritable(dir, s.n(200_000), 1000) }},
		{"entries", fmt.Sprintf("%d empty files in one layer", s.n(3_000_000)),
			func(dir string) (string, error) { return Entries(dir, s.n(3_000_000)) }},
		{"lock-file", fmt.Sprintf("an npm package-lock.json of %d packages (~%d MB)", s.n(1_200_000), s.n(1_200_000)*95/1_000_000),
			func(dir string) (string, error) { return NPMLock(dir, s.n(1_200_000)) }},
		{"composer-lock", "a 64 MiB composer.lock", func(dir string) (string, error) {
			return Manifest(dir, "srv/app/composer.lock", ComposerLock)(s.n(63 << 20))
		}},
		{"pipfile-lock", "a 64 MiB Pipfile.lock", func(dir string) (string, error) {
			return Manifest(dir, "srv/app/Pipfile.lock", PipfileLock)(s.n(63 << 20))
		}},
		{"poetry-lock", "a 64 MiB poetry.lock", func(dir string) (string, error) {
			return Manifest(dir, "srv/app/poetry.lock", PoetryLock)(s.n(63 << 20))
		}},
		{"pnpm-lock", "a 128 MiB pnpm-lock.yaml", func(dir string) (string, error) {
			return Manifest(dir, "srv/app/pnpm-lock.yaml", PnpmLock)(s.n(127 << 20))
		}},
		{"yarn-lock", "a 128 MiB yarn.lock", func(dir string) (string, error) {
			return Manifest(dir, "srv/app/yarn.lock", YarnLock)(s.n(127 << 20))
		}},
		{"deps-json", "a 64 MiB .NET deps.json", func(dir string) (string, error) {
			return Manifest(dir, "srv/app/app.deps.json", DepsJSON)(s.n(63 << 20))
		}},
		{"package-json", "a 128 MiB package.json", func(dir string) (string, error) {
			return Manifest(dir, "srv/app/package.json", PackageJSON)(s.n(127 << 20))
		}},
		{"deep-paths", fmt.Sprintf("%d world-writable files 1,000 directories deep", s.n(40_000)),
			func(dir string) (string, error) { return DeepPaths(dir, s.n(40_000), 1000) }},
		{"fifo-index", "an OCI layout whose index.json is a FIFO",
			func(dir string) (string, error) { return FIFOLayout(dir, "index") }},
		{"fifo-blob", "an OCI layout whose layer blob is a FIFO",
			func(dir string) (string, error) { return FIFOLayout(dir, "blob") }},
	}
}

// layerGen writes one layer's entries to tw; raw is the stream beneath tw,
// for entries archive/tar cannot write (flush tw first).
type layerGen func(tw *tar.Writer, raw io.Writer) error

// blob is a generated layer: the compressed file and the digest of the
// uncompressed stream.
type blob struct {
	path   string
	diffID string
	digest string
	size   int64
}

// writeBlob streams gen through a tar writer and codec into a file in dir.
func writeBlob(dir string, n int, codec string, gen layerGen) (blob, error) {
	return writeBlobLevel(dir, n, codec, zstd.SpeedDefault, gen)
}

func writeBlobLevel(dir string, n int, codec string, level zstd.EncoderLevel, gen layerGen) (blob, error) {
	p := filepath.Join(dir, fmt.Sprintf("layer-%d.blob", n))
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return blob{}, err
	}
	defer f.Close()
	outHash := sha256.New()
	out := io.MultiWriter(f, outHash)
	var enc io.WriteCloser
	switch codec {
	case "gzip":
		enc, err = gzip.NewWriterLevel(out, gzip.BestCompression)
	case "zstd":
		enc, err = zstd.NewWriter(out, zstd.WithEncoderLevel(level), zstd.WithEncoderConcurrency(1))
	case "":
		enc = nopCloser{out}
	default:
		err = fmt.Errorf("unknown codec %q", codec)
	}
	if err != nil {
		return blob{}, err
	}
	diff := sha256.New()
	raw := io.MultiWriter(enc, diff)
	tw := tar.NewWriter(raw)
	if err := gen(tw, raw); err != nil {
		return blob{}, err
	}
	if err := tw.Close(); err != nil {
		return blob{}, err
	}
	if err := enc.Close(); err != nil {
		return blob{}, err
	}
	st, err := f.Stat()
	if err != nil {
		return blob{}, err
	}
	return blob{path: p, diffID: digest(diff), digest: digest(outHash), size: st.Size()}, f.Close()
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func digest(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }

// archive writes the blobs as a docker-archive (the legacy `docker save`
// form, compressed layers as go-containerregistry writes them) at
// dir/image.tar, removing the blob files.
func archive(dir string, blobs []blob) (string, error) {
	diffIDs := make([]string, len(blobs))
	paths := make([]string, len(blobs))
	for i, b := range blobs {
		diffIDs[i] = b.diffID
		paths[i] = strings.TrimPrefix(b.digest, "sha256:") + ".tar"
	}
	cfg, err := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux", "config": map[string]any{},
		"rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs},
	})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(cfg)
	cfgName := hex.EncodeToString(sum[:]) + ".json"
	manifest, err := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{"hostile:latest"}, "Layers": paths}})
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "image.tar")
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return "", err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	add := func(name string, r io.Reader, size int64) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err := io.Copy(tw, r)
		return err
	}
	if err := add(cfgName, bytes.NewReader(cfg), int64(len(cfg))); err != nil {
		return "", err
	}
	seen := map[string]bool{}
	for i, b := range blobs {
		if seen[paths[i]] {
			os.Remove(b.path)
			continue
		}
		seen[paths[i]] = true
		bf, err := os.Open(b.path)
		if err != nil {
			return "", err
		}
		err = add(paths[i], bf, b.size)
		bf.Close()
		os.Remove(b.path)
		if err != nil {
			return "", err
		}
	}
	if err := add("manifest.json", bytes.NewReader(manifest), int64(len(manifest))); err != nil {
		return "", err
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	return "docker-archive:" + out, f.Close()
}

// image generates the layers and writes the archive.
func image(dir, codec string, gens ...layerGen) (string, error) {
	var blobs []blob
	for i, g := range gens {
		b, err := writeBlob(dir, i, codec, g)
		if err != nil {
			return "", err
		}
		blobs = append(blobs, b)
	}
	return archive(dir, blobs)
}

func file(tw *tar.Writer, name string, mode int64, body []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(body)), Typeflag: tar.TypeReg,
		ModTime: time.Unix(1700000000, 0), Format: tar.FormatPAX}); err != nil {
		return err
	}
	_, err := tw.Write(body)
	return err
}

// longName is a unique relative name of n bytes: a counter, then padding in
// 200-byte directory components.
func longName(i, n int) string {
	var b strings.Builder
	b.WriteString("d/")
	b.WriteString(strconv.Itoa(i))
	for b.Len() < n-1 {
		b.WriteString("/")
		b.WriteString(strings.Repeat("x", min(199, n-b.Len())))
	}
	return b.String()
}

// LongNames: layers zstd layers of n empty files whose names are nameLen
// bytes long. The index of names, not their contents, is what costs.
func LongNames(dir string, layers, n, nameLen int) (string, error) {
	var blobs []blob
	for l := range layers {
		b, err := writeBlobLevel(dir, l, "zstd", zstd.SpeedFastest, func(tw *tar.Writer, _ io.Writer) error {
			for i := range n {
				if err := file(tw, longName(l*n+i, nameLen), 0o644, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		blobs = append(blobs, b)
	}
	return archive(dir, blobs)
}

// DpkgRecords: one zstd layer with a Debian os-release and a dpkg status
// of n installed packages.
func DpkgRecords(dir string, n int) (string, error) {
	return image(dir, "zstd", func(tw *tar.Writer, _ io.Writer) error {
		if err := file(tw, "etc/os-release", 0o644, []byte("ID=debian\nVERSION_ID=12\n")); err != nil {
			return err
		}
		var st bytes.Buffer
		for i := range n {
			fmt.Fprintf(&st, "Package: pkg%d\nStatus: install ok installed\nVersion: 1.0-%d\nArchitecture: amd64\n\n", i, i)
		}
		return file(tw, "var/lib/dpkg/status", 0o644, st.Bytes())
	})
}

// NPMLock: one zstd layer with a package-lock.json (lockfileVersion 3)
// of n packages.
func NPMLock(dir string, n int) (string, error) {
	return image(dir, "zstd", func(tw *tar.Writer, _ io.Writer) error {
		var b bytes.Buffer
		b.WriteString(`{"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"app","version":"1.0.0"}`)
		for i := range n {
			fmt.Fprintf(&b, `,"node_modules/pkg-%d":{"version":"1.0.%d","resolved":"https://registry.npmjs.org/x","license":"MIT"}`, i, i)
		}
		b.WriteString("}}\n")
		return file(tw, "srv/app/package-lock.json", 0o644, b.Bytes())
	})
}

// Manifest: one zstd layer with one file at path, size bytes, written by
// gen (a lock file or manifest of the format a cataloger parses).
func Manifest(dir, path string, gen func(w io.Writer, size int)) func(size int) (string, error) {
	return func(size int) (string, error) {
		return image(dir, "zstd", func(tw *tar.Writer, _ io.Writer) error {
			var b bytes.Buffer
			gen(&b, size)
			return file(tw, path, 0o644, b.Bytes())
		})
	}
}

// Lock-file formats, each filled with packages up to about size bytes.
var (
	ComposerLock = func(w io.Writer, size int) {
		io.WriteString(w, `{"packages":[`)
		for i, n := 0, 0; n < size; i++ {
			k, _ := fmt.Fprintf(w, `%s{"name":"vendor/pkg-%d","version":"1.0.%d","type":"library"}`, sep(i), i, i)
			n += k
		}
		io.WriteString(w, `],"packages-dev":[]}`)
	}
	PipfileLock = func(w io.Writer, size int) {
		io.WriteString(w, `{"_meta":{},"default":{`)
		for i, n := 0, 0; n < size; i++ {
			k, _ := fmt.Fprintf(w, `%s"pkg-%d":{"version":"==1.0.%d","hashes":["sha256:00"]}`, sep(i), i, i)
			n += k
		}
		io.WriteString(w, `},"develop":{}}`)
	}
	PnpmLock = func(w io.Writer, size int) {
		io.WriteString(w, "lockfileVersion: '6.0'\npackages:\n")
		for i, n := 0, 0; n < size; i++ {
			k, _ := fmt.Fprintf(w, "  /pkg-%d@1.0.%d:\n    resolution: {integrity: sha512-x}\n    dev: false\n", i, i)
			n += k
		}
	}
	YarnLock = func(w io.Writer, size int) {
		io.WriteString(w, "# yarn lockfile v1\n\n")
		for i, n := 0, 0; n < size; i++ {
			k, _ := fmt.Fprintf(w, "pkg-%d@^1.0.0:\n  version \"1.0.%d\"\n  resolved \"https://registry.yarnpkg.com/x\"\n\n", i, i)
			n += k
		}
	}
	DepsJSON = func(w io.Writer, size int) {
		io.WriteString(w, `{"runtimeTarget":{"name":".NETCoreApp,Version=v8.0"},"targets":{".NETCoreApp,Version=v8.0":{}},"libraries":{`)
		for i, n := 0, 0; n < size; i++ {
			k, _ := fmt.Fprintf(w, `%s"Pkg%d/1.0.%d":{"type":"package","serviceable":true,"sha512":"sha512-x"}`, sep(i), i, i)
			n += k
		}
		io.WriteString(w, `}}`)
	}
	PoetryLock = func(w io.Writer, size int) {
		for i, n := 0, 0; n < size; i++ {
			k, _ := fmt.Fprintf(w, "[[package]]\nname = \"pkg-%d\"\nversion = \"1.0.%d\"\ncategory = \"main\"\n\n", i, i)
			n += k
		}
	}
	PackageJSON = func(w io.Writer, size int) {
		io.WriteString(w, `{"name":"app","version":"1.0.0","dependencies":{`)
		for i, n := 0, 0; n < size; i++ {
			k, _ := fmt.Fprintf(w, `%s"pkg-%d":"^1.0.%d"`, sep(i), i, i)
			n += k
		}
		io.WriteString(w, `}}`)
	}
)

func sep(i int) string {
	if i == 0 {
		return ""
	}
	return ","
}

// DeepPaths: one zstd layer of n world-writable files (one finding
// each), each depth directories deep.
func DeepPaths(dir string, n, depth int) (string, error) {
	prefix := strings.Repeat("a/", depth)
	return image(dir, "zstd", func(tw *tar.Writer, _ io.Writer) error {
		for i := range n {
			if err := file(tw, prefix+strconv.Itoa(i), 0o666, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// BigLayers: layers zstd layers, each one file of size bytes of zeros
// (then a small file naming the layer); each stays under the per-layer
// decompression limit. The zeros are compressed once and every layer is
// that frame followed by a frame of its own (zstd streams may be
// concatenated frames), and the digest of the shared prefix is computed
// once: generating 60 GiB of layers takes seconds.
func BigLayers(dir string, layers int, size int64) (string, error) {
	size &^= 511
	var prefix bytes.Buffer
	tw := tar.NewWriter(&prefix)
	if err := tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: size, Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}); err != nil {
		return "", err
	}
	hdr := slices.Clone(prefix.Bytes())
	zeros := make([]byte, 1<<20)
	var frame bytes.Buffer
	enc, err := zstd.NewWriter(&frame, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return "", err
	}
	diff := sha256.New()
	w := io.MultiWriter(enc, diff)
	w.Write(hdr)
	for left := size; left > 0; left -= int64(len(zeros)) {
		w.Write(zeros[:min(left, int64(len(zeros)))])
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	state, err := diff.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return "", err
	}
	var blobs []blob
	for l := range layers {
		var tail bytes.Buffer
		tw := tar.NewWriter(&tail)
		if err := file(tw, fmt.Sprintf("layer-%d", l), 0o644, nil); err != nil {
			return "", err
		}
		if err := tw.Close(); err != nil {
			return "", err
		}
		var tailFrame bytes.Buffer
		enc, err := zstd.NewWriter(&tailFrame, zstd.WithEncoderConcurrency(1))
		if err != nil {
			return "", err
		}
		enc.Write(tail.Bytes())
		enc.Close()
		h := sha256.New()
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
			return "", err
		}
		h.Write(tail.Bytes())
		p := filepath.Join(dir, fmt.Sprintf("layer-%d.blob", l))
		body := append(slices.Clone(frame.Bytes()), tailFrame.Bytes()...)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			return "", err
		}
		sum := sha256.Sum256(body)
		blobs = append(blobs, blob{path: p, diffID: digest(h), digest: "sha256:" + hex.EncodeToString(sum[:]), size: int64(len(body))})
	}
	return archive(dir, blobs)
}

// Interruptible: one zstd layer that takes a while to read: a jar of
// jarSize bytes (a cataloger copies it to a temporary file for random
// access) and then zerosSize bytes of zeros. For stopping a scan midway.
func Interruptible(dir string, jarSize, zerosSize int64) (string, error) {
	b, err := writeBlobLevel(dir, 0, "zstd", zstd.SpeedFastest, func(tw *tar.Writer, _ io.Writer) error {
		chunk := make([]byte, 1<<20)
		for i := range chunk {
			chunk[i] = byte(i * 7)
		}
		copy(chunk, "PK\x03\x04")
		for _, f := range []struct {
			name string
			size int64
			data []byte
		}{{"srv/app/app.jar", jarSize, chunk}, {"zeros", zerosSize, make([]byte, 1<<20)}} {
			if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: f.size, Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}); err != nil {
				return err
			}
			for left := f.size; left > 0; left -= int64(len(f.data)) {
				if _, err := tw.Write(f.data[:min(left, int64(len(f.data)))]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return archive(dir, []blob{b})
}

// ManyLayers: n uncompressed layers of one small file each.
func ManyLayers(dir string, n int) (string, error) {
	var gens []layerGen
	for l := range n {
		gens = append(gens, func(tw *tar.Writer, _ io.Writer) error {
			return file(tw, fmt.Sprintf("etc/layer-%d", l), 0o644, []byte("x"))
		})
	}
	return image(dir, "", gens...)
}

// Symlinks: one zstd layer of n symlinks whose names and targets are
// size bytes long (targets stay inside the image root).
func Symlinks(dir string, n, size int) (string, error) {
	return image(dir, "zstd", func(tw *tar.Writer, _ io.Writer) error {
		for i := range n {
			if err := tw.WriteHeader(&tar.Header{Name: longName(i, size), Linkname: "/" + longName(i+n, size-1),
				Typeflag: tar.TypeSymlink, Mode: 0o777, ModTime: time.Unix(0, 0), Format: tar.FormatPAX}); err != nil {
				return err
			}
		}
		return nil
	})
}

// WorldWritable: one zstd layer of n world-writable files (one finding
// each) with names of size bytes.
func WorldWritable(dir string, n, size int) (string, error) {
	return image(dir, "zstd", func(tw *tar.Writer, _ io.Writer) error {
		for i := range n {
			if err := file(tw, longName(i, size), 0o666, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// Entries: one zstd layer of n empty files with short names.
func Entries(dir string, n int) (string, error) {
	return image(dir, "zstd", func(tw *tar.Writer, _ io.Writer) error {
		for i := range n {
			if err := tw.WriteHeader(&tar.Header{Name: "f/" + strconv.Itoa(i), Mode: 0o644, Typeflag: tar.TypeReg,
				ModTime: time.Unix(0, 0)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Sparse: one gzip layer of n GNU sparse files named *.jar (a cataloger
// asks for random access to them) of logical bytes each, with a single
// 512-byte data block at the start and the rest one hole.
func Sparse(dir string, n int, logical int64) (string, error) {
	return SparseFiles(dir, logical, func(i int) string { return fmt.Sprintf("srv/app/lib-%d.jar", i) }, n)
}

// SparseFiles: one gzip layer of n GNU sparse files named name(i), of
// logical bytes each, one 512-byte data block at the start ("PK\x03\x04"
// and zeros) and the rest one hole.
func SparseFiles(dir string, logical int64, name func(i int) string, n int) (string, error) {
	return image(dir, "gzip", func(tw *tar.Writer, w io.Writer) error {
		// archive/tar cannot write sparse entries: the old GNU form is
		// written by hand beneath the tar writer.
		for i := range n {
			if err := tw.Flush(); err != nil {
				return err
			}
			if _, err := w.Write(gnuSparseHeader(name(i), logical)); err != nil {
				return err
			}
			data := make([]byte, 512)
			copy(data, "PK\x03\x04")
			if _, err := w.Write(data); err != nil {
				return err
			}
		}
		return nil
	})
}

// gnuSparseHeader is an old-GNU sparse header (typeflag 'S') for a file of
// logical size with one 512-byte data region at offset 0.
func gnuSparseHeader(name string, logical int64) []byte {
	h := make([]byte, 512)
	copy(h[0:100], name)
	octal(h[100:108], 0o644)
	octal(h[108:116], 0)
	octal(h[116:124], 0)
	octal(h[124:136], 512) // physical size
	octal(h[136:148], 1700000000)
	h[156] = 'S'
	copy(h[257:265], "ustar  \x00")
	// One sparse entry: offset 0, 512 bytes.
	octal(h[386:398], 0)
	octal(h[398:410], 512)
	h[482] = 0 // no extension blocks
	octal(h[483:495], logical)
	copy(h[148:156], "        ")
	var sum int64
	for _, c := range h {
		sum += int64(c)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return h
}

func octal(b []byte, v int64) {
	s := strconv.FormatInt(v, 8)
	pad := len(b) - 1 - len(s)
	for i := range pad {
		b[i] = '0'
	}
	copy(b[max(pad, 0):], s)
	b[len(b)-1] = 0
}

// FIFOLayout writes an OCI layout whose index.json (which "index") or
// first layer blob (which "blob") is a named pipe nobody writes to.
func FIFOLayout(dir, which string) (string, error) {
	root := filepath.Join(dir, "layout")
	if err := os.MkdirAll(filepath.Join(root, "blobs", "sha256"), 0o755); err != nil {
		return "", err
	}
	put := func(b []byte) (string, error) {
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])
		return "sha256:" + h, os.WriteFile(filepath.Join(root, "blobs", "sha256", h), b, 0o644)
	}
	layerDigest := "sha256:" + strings.Repeat("ab", 32)
	cfg := fmt.Sprintf(`{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%q]}}`, layerDigest)
	cfgDigest, err := put([]byte(cfg))
	if err != nil {
		return "", err
	}
	man := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",`+
		`"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},`+
		`"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":%q,"size":10240}]}`, cfgDigest, len(cfg), layerDigest)
	manDigest, err := put([]byte(man))
	if err != nil {
		return "", err
	}
	index := fmt.Sprintf(`{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":%q,"size":%d}]}`,
		manDigest, len(man))
	if err := os.WriteFile(filepath.Join(root, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
		return "", err
	}
	fifo := filepath.Join(root, "blobs", "sha256", strings.TrimPrefix(layerDigest, "sha256:"))
	if which == "index" {
		fifo = filepath.Join(root, "index.json")
	} else if err := os.WriteFile(filepath.Join(root, "index.json"), []byte(index), 0o644); err != nil {
		return "", err
	}
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		return "", err
	}
	return "oci-layout:" + root, nil
}
