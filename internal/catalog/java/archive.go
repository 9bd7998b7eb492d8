package java

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// Limits bounds the work spent on one image file. A zero field means the
// default of [DefaultLimits].
type Limits struct {
	// Depth is how deep archives may nest: 1 lets a war's jars be read,
	// 2 an ear's wars' jars.
	Depth int
	// Archives is the number of archives, the outer one included.
	Archives int
	// Entries is the number of zip entries over all archives.
	Entries int
	// Directory bounds the bytes read to load one zip's central
	// directory, and with it the memory its entry list takes: the zip
	// reader reads entries until the directory ends, whatever count the
	// archive declares.
	Directory int64
	// SmallFile bounds one pom.properties or MANIFEST.MF, inflated.
	SmallFile int64
	// Nested bounds one compressed nested archive, inflated into memory.
	// Stored (uncompressed) nested archives are read in place instead.
	Nested int64
	// Inflated bounds all bytes inflated from the file, at every depth.
	Inflated int64
	// Read bounds the bytes read from the image file itself, which
	// nested stored archives and zip directories read again.
	Read int64
}

// DefaultLimits are generous for real applications: the largest Spring
// Boot and ear files have a few hundred nested jars and well under a
// million entries, and their manifests stay below a few hundred KiB.
var DefaultLimits = Limits{
	Depth:     4,
	Archives:  4096,
	Entries:   1 << 20,
	Directory: 32 << 20,
	SmallFile: 1 << 20,
	Nested:    128 << 20,
	Inflated:  512 << 20,
	Read:      2 << 30,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	return Limits{
		Depth:     cmp.Or(l.Depth, d.Depth),
		Archives:  cmp.Or(l.Archives, d.Archives),
		Entries:   cmp.Or(l.Entries, d.Entries),
		Directory: cmp.Or(l.Directory, d.Directory),
		SmallFile: cmp.Or(l.SmallFile, d.SmallFile),
		Nested:    cmp.Or(l.Nested, d.Nested),
		Inflated:  cmp.Or(l.Inflated, d.Inflated),
		Read:      cmp.Or(l.Read, d.Read),
	}
}

// ErrLimit is wrapped by every error that reports a bound of [Limits].
var ErrLimit = errors.New("limit reached")

// Read returns the artifacts in the Java archive r of the given size,
// located at path. With an error it still returns what it found.
func (c *Cataloger) Read(ctx context.Context, r io.ReaderAt, size int64, path string) ([]Artifact, error) {
	w := &walker{ctx: ctx, lim: c.Limits.withDefaults()}
	w.meter = &meteredReader{r: r, budget: w.lim.Read}
	if err := w.archive(w.meter, size, path, 0); err != nil {
		w.errs = append(w.errs, err)
	}
	slices.SortFunc(w.out, func(a, b Artifact) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.GroupID, b.GroupID),
			cmp.Compare(a.ArtifactID, b.ArtifactID), cmp.Compare(a.Version, b.Version))
	})
	w.out = slices.CompactFunc(w.out, func(a, b Artifact) bool {
		return a.Path == b.Path && a.GroupID == b.GroupID && a.ArtifactID == b.ArtifactID && a.Version == b.Version
	})
	if err := ctx.Err(); err != nil {
		return w.out, fmt.Errorf("java: reading %s: %w", path, err)
	}
	return w.out, errors.Join(w.errs...)
}

// walker holds the budgets shared by every archive of one image file.
type walker struct {
	ctx      context.Context
	lim      Limits
	meter    *meteredReader
	archives int
	entries  int
	inflated int64
	out      []Artifact
	errs     []error
}

// meteredReader fails reads once budget bytes have been read, so that no
// arrangement of nested stored archives and directories reads the same
// bytes without end.
type meteredReader struct {
	r      io.ReaderAt
	budget int64
	read   int64
}

func (m *meteredReader) ReadAt(p []byte, off int64) (int, error) {
	if m.read+int64(len(p)) > m.budget {
		return 0, fmt.Errorf("java: more than %d bytes read from the file: %w", m.budget, ErrLimit)
	}
	m.read += int64(len(p))
	return m.r.ReadAt(p, off)
}

// dirLimiter bounds what zip.NewReader reads; the zip reader keeps it for
// reading entries later, with the bound switched off.
type dirLimiter struct {
	r    io.ReaderAt
	left int64
	on   bool
}

func (d *dirLimiter) ReadAt(p []byte, off int64) (int, error) {
	if d.on {
		if int64(len(p)) > d.left {
			return 0, fmt.Errorf("java: zip directory larger than the limit: %w", ErrLimit)
		}
		d.left -= int64(len(p))
	}
	return d.r.ReadAt(p, off)
}

// entryKind is what the walker does with a zip entry.
type entryKind int

const (
	kindOther entryKind = iota
	kindManifest
	kindPOM
	kindArchive
)

func classify(name string) (k entryKind, javaish bool) {
	upper := len(name) >= 9 && strings.EqualFold(name[:9], "META-INF/")
	switch {
	case strings.EqualFold(name, "META-INF/MANIFEST.MF"):
		return kindManifest, true
	case upper && strings.HasPrefix(name[9:], "maven/") && path.Base(name) == "pom.properties":
		return kindPOM, true
	case strings.HasSuffix(name, "/"):
		return kindOther, upper
	case isArchiveName(name):
		return kindArchive, true
	}
	return kindOther, upper || strings.HasSuffix(name, ".class")
}

// archive walks one zip at loc, depth levels below the image file.
func (w *walker) archive(r io.ReaderAt, size int64, loc string, depth int) error {
	w.archives++
	if w.archives > w.lim.Archives {
		return fmt.Errorf("java: %s: more than %d archives: %w", loc, w.lim.Archives, ErrLimit)
	}
	dir := &dirLimiter{r: r, left: w.lim.Directory, on: true}
	zr, err := zip.NewReader(dir, size)
	dir.on = false
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Names like "../x" only matter to extractors; everything here
		// stays in memory, so such a zip is read like any other.
		return fmt.Errorf("java: reading %s: %w", loc, err)
	}
	w.entries += len(zr.File)
	if w.entries > w.lim.Entries {
		return fmt.Errorf("java: %s: more than %d zip entries: %w", loc, w.lim.Entries, ErrLimit)
	}

	var (
		manifest *zip.File
		poms     []*zip.File
		nested   []*zip.File
		javaish  bool
	)
	for _, f := range zr.File {
		k, j := classify(f.Name)
		javaish = javaish || j
		switch k {
		case kindManifest:
			if manifest == nil {
				manifest = f
			}
		case kindPOM:
			poms = append(poms, f)
		case kindArchive:
			nested = append(nested, f)
		}
	}
	if !javaish {
		return nil
	}

	var found []Artifact
	for _, f := range poms {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		a, err := w.pom(f, loc)
		if err != nil {
			w.errs = append(w.errs, err)
			continue
		}
		found = append(found, a)
	}
	w.out = append(w.out, found...)
	var attrs map[string]string
	if manifest != nil {
		b, err := w.small(manifest, loc)
		if err != nil {
			w.errs = append(w.errs, err)
		} else {
			attrs = parseManifest(b)
		}
	}
	if a, ok := identify(attrs, loc); ok && !describesSelf(found, a) {
		w.out = append(w.out, a)
	}

	for _, f := range nested {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		inner := loc + "!/" + cleanName(f.Name)
		if depth+1 > w.lim.Depth {
			w.errs = append(w.errs, fmt.Errorf("java: %s: nested more than %d archives deep: %w", inner, w.lim.Depth, ErrLimit))
			continue
		}
		nr, nsize, err := w.open(r, size, f, inner)
		if err == nil {
			err = w.archive(nr, nsize, inner, depth+1)
		}
		if err != nil {
			if errors.Is(err, ErrLimit) && w.exhausted() {
				// A shared budget is spent: the remaining siblings
				// would all fail the same way.
				return err
			}
			w.errs = append(w.errs, err)
		}
	}
	return nil
}

// describesSelf reports whether one of the pom.properties of an archive is
// the archive's own, judging by the identity its manifest or file name
// gives. A shaded jar often carries only the pom.properties of what it
// bundles (Guice's jar has cglib's): the archive itself is then named by
// its manifest. A pom.properties counts as the archive's own when it has
// the same artifact id or version (1.26 and 1.26.0 are the same), or when
// the manifest's dotted bundle name ends with its artifact id
// ("org.apache.commons.commons-io") or starts with its group
// ("org.codehaus.plexus.interpolation"). A name taken from the file name
// alone never stands beside pom.properties: renamed copies
// ("geronimo-interceptor-3.0-spec.jar") would yield nonsense.
func describesSelf(poms []Artifact, self Artifact) bool {
	if len(poms) > 0 && self.Evidence == EvidenceFileName {
		return true
	}
	for _, p := range poms {
		switch {
		case p.ArtifactID == self.ArtifactID,
			trimZeros(p.Version) == trimZeros(self.Version),
			strings.HasSuffix(self.ArtifactID, "."+p.ArtifactID),
			self.ArtifactID == p.GroupID || strings.HasPrefix(self.ArtifactID, p.GroupID+"."):
			return true
		}
	}
	return false
}

// trimZeros drops trailing ".0" elements: OSGi versions always have three.
func trimZeros(v string) string {
	for strings.HasSuffix(v, ".0") {
		v = v[:len(v)-2]
	}
	return v
}

// exhausted reports whether a budget shared by the whole file is spent.
func (w *walker) exhausted() bool {
	return w.archives >= w.lim.Archives || w.entries > w.lim.Entries ||
		w.inflated >= w.lim.Inflated || w.meter.read >= w.meter.budget
}

// cleanName makes a zip entry name a relative slash path for locations.
func cleanName(name string) string {
	return strings.TrimPrefix(path.Clean("/"+strings.ReplaceAll(name, `\`, "/")), "/")
}

// open gives random access to the nested archive f of the zip r.
func (w *walker) open(r io.ReaderAt, size int64, f *zip.File, loc string) (io.ReaderAt, int64, error) {
	if f.Method == zip.Store && f.CompressedSize64 == f.UncompressedSize64 {
		off, err := f.DataOffset()
		if err != nil {
			return nil, 0, fmt.Errorf("java: opening %s: %w", loc, err)
		}
		n := int64(f.CompressedSize64)
		if off < 0 || n < 0 || off > size || n > size-off {
			return nil, 0, fmt.Errorf("java: opening %s: entry runs past the end of the archive", loc)
		}
		return io.NewSectionReader(r, off, n), n, nil
	}
	b, err := w.inflate(f, loc, w.lim.Nested)
	if err != nil {
		return nil, 0, err
	}
	return bytes.NewReader(b), int64(len(b)), nil
}

// small inflates a manifest or properties file.
func (w *walker) small(f *zip.File, loc string) ([]byte, error) {
	return w.inflate(f, loc+"!/"+cleanName(f.Name), w.lim.SmallFile)
}

// inflate reads f whole, refusing more than max bytes and more than what
// is left of the file's inflation budget, whatever the entry declares.
func (w *walker) inflate(f *zip.File, loc string, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("java: %s: entry of %d bytes is larger than %d: %w", loc, f.UncompressedSize64, max, ErrLimit)
	}
	left := w.lim.Inflated - w.inflated
	if left <= 0 {
		return nil, fmt.Errorf("java: %s: more than %d bytes inflated: %w", loc, w.lim.Inflated, ErrLimit)
	}
	limit := min(max, left)
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("java: opening %s: %w", loc, err)
	}
	defer rc.Close()
	// Declared sizes may lie: never trust them for the allocation.
	buf := bytes.NewBuffer(make([]byte, 0, min(int64(f.UncompressedSize64), limit, 1<<20)))
	n, err := io.Copy(buf, io.LimitReader(rc, limit+1))
	w.inflated += n
	switch {
	case n > limit && limit == max:
		return nil, fmt.Errorf("java: %s: inflates to more than %d bytes: %w", loc, max, ErrLimit)
	case n > limit:
		return nil, fmt.Errorf("java: %s: more than %d bytes inflated: %w", loc, w.lim.Inflated, ErrLimit)
	case err != nil:
		return nil, fmt.Errorf("java: reading %s: %w", loc, err)
	}
	return buf.Bytes(), nil
}

// pom reads one pom.properties. Maven writes groupId, artifactId and
// version; the directory names (META-INF/maven/<group>/<artifact>/) stand
// in for a missing groupId or artifactId.
func (w *walker) pom(f *zip.File, loc string) (Artifact, error) {
	b, err := w.small(f, loc)
	if err != nil {
		return Artifact{}, err
	}
	where := loc + "!/" + cleanName(f.Name)
	props, err := parseProperties(b)
	if err != nil {
		return Artifact{}, fmt.Errorf("java: %s: %w", where, err)
	}
	a := Artifact{
		GroupID: props["groupId"], ArtifactID: props["artifactId"], Version: props["version"],
		Evidence: EvidencePOM, Path: loc,
	}
	if dirs := strings.Split(cleanName(f.Name), "/"); len(dirs) == 5 {
		// META-INF/maven/<group>/<artifact>/pom.properties
		a.GroupID = cmp.Or(a.GroupID, dirs[2])
		a.ArtifactID = cmp.Or(a.ArtifactID, dirs[3])
	}
	switch {
	case !plausibleID(a.GroupID) || !plausibleID(a.ArtifactID):
		return Artifact{}, fmt.Errorf("java: %s: no usable groupId and artifactId (%q, %q)", where, a.GroupID, a.ArtifactID)
	case !plausibleVersion(a.Version):
		return Artifact{}, fmt.Errorf("java: %s: no usable version (%q)", where, a.Version)
	}
	return a, nil
}

// plausibleID accepts what Maven accepts in group and artifact ids.
func plausibleID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// plausibleVersion rejects empty versions, unresolved ${…} properties and
// anything with white space or control characters.
func plausibleVersion(s string) bool {
	if s == "" || len(s) > 256 || strings.Contains(s, "${") {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}
