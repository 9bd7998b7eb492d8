// Package inventory turns image layers into the list of installed software.
//
// # Data flow
//
//	layer tar ──AnalyzeLayer──▶ LayerResult ──(layercache)──┐
//	layer tar ──AnalyzeLayer──▶ LayerResult ────────────────┼─▶ Assemble ─▶ Inventory
//	                                                         ┘
//
// [AnalyzeLayer] walks one layer (package layerfs) and hands each wanted file
// to the catalogers that want it; it keeps the packages per file, the small
// release files the distro detector needs, and the layer's index. A
// LayerResult depends only on the layer's bytes and the analyzer set, so it
// is cached per layer digest. [Assemble] merges the results of all layers in
// order: a file's packages count only if the file is still visible at the
// top (whiteouts, opaque directories, overwrites), each package is
// attributed to the lowest layer from which it was continuously present,
// and the distribution is detected on the merged view. Findings about what
// a file holds (secrets, credential files) are the exception: a file a
// later layer removed is still in the image, so they are kept for every
// layer's files, with the layer that removed them.
//
// What a result keeps (paths of packages, findings, unknowns) is charged to
// the scan's budget (package budget) as it is kept, so a hostile layer is
// stopped before it fills memory; catalogers count their records against
// the same budget, which the context carries.
package inventory

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/distro"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/pathglob"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// Analyzer is the set of catalogers and checkers applied to every layer of
// one scan. It may analyse several layers at once.
type Analyzer struct {
	Catalogers []catalog.Cataloger
	Checkers   []Checker
	// Walk bounds each layer's walk; Walk.Budget, the scan's account, is
	// also charged for what results keep (paths of packages, findings,
	// unknowns) and read by catalogers for their record limit.
	Walk layerfs.Options
	// Skip are path patterns (package pathglob) no cataloger or checker
	// looks at; the files still count for whiteouts and visibility.
	Skip []string

	memoOnce sync.Once
	memo     *contentMemo
}

// Checker finds problems other than packages in layer entries
// (misconfigured modes, credential files, secrets). Check sees every
// entry; f is set, positioned at the start, only for regular files
// WantsContent asked for. Like a cataloger's, its output may depend only on
// the entry and its bytes: results are cached per layer under Version.
type Checker interface {
	Name() string
	Version() string
	WantsContent(path string, mode fs.FileMode, size int64) bool
	Check(ctx context.Context, e *layerfs.Entry, f catalog.File) ([]finding.Finding, error)
}

// formatVersion changes when LayerResult's meaning changes.
//
//	inventory/2  indexes hold path keys; findings of content rules of every
//	             file; the layer's computed diff ID
const formatVersion = "inventory/2"

// Fingerprint identifies the analyzer set: the layer-cache key is the layer
// digest plus this.
func (a *Analyzer) Fingerprint() string {
	parts := []string{formatVersion}
	for _, c := range a.Catalogers {
		parts = append(parts, c.Name()+"@"+c.Version())
	}
	for _, c := range a.Checkers {
		parts = append(parts, "check:"+c.Name()+"@"+c.Version())
	}
	for _, s := range a.Skip {
		parts = append(parts, "skip:"+s)
	}
	slices.Sort(parts[1:])
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(sum[:8])
}

// LayerResult is everything later stages need from one layer.
type LayerResult struct {
	Index    *layerfs.Index
	Packages map[string][]sbom.Package    // by the path of the file that declared them
	Captured map[string][]byte            // release files, for distro detection
	Findings map[string][]finding.Finding // by path, from checkers
	Unknowns []catalog.Unknown            // wanted files that could not be read
	// Databases lists "path (cataloger)" for every file a cataloger read.
	Databases []string
}

// AnalyzeLayer walks one layer and runs the catalogers over it. With
// verify, the result's Index.DiffID is the digest of the layer's
// uncompressed stream, computed in the same pass.
func (a *Analyzer) AnalyzeLayer(ctx context.Context, l layerfs.Layer, verify bool) (*LayerResult, error) {
	r := newResult()
	opts := a.Walk
	opts.Verify = verify
	ctx = budget.With(ctx, opts.Budget)
	ix, err := layerfs.Walk(ctx, l, opts, a.visitor(ctx, r))
	if err != nil {
		return nil, err
	}
	r.Index = ix
	r.finish()
	return r, nil
}

// AnalyzeDir treats a root filesystem directory as a single layer.
func (a *Analyzer) AnalyzeDir(ctx context.Context, dir string) (*LayerResult, error) {
	r := newResult()
	ctx = budget.With(ctx, a.Walk.Budget)
	ix, err := layerfs.WalkDir(ctx, dir, a.Walk, a.visitor(ctx, r))
	if err != nil {
		return nil, err
	}
	r.Index = ix
	r.finish()
	return r, nil
}

// Cost is what r keeps in memory, as the budget of path data counts it:
// every kept path (and symlink target, captured file) plus
// budget.RecordOverhead for the record holding it. A result read from
// the layer cache is charged this, as if its layer had been walked.
func (r *LayerResult) Cost() int64 {
	var n int64
	rec := func(p string) { n += int64(len(p)) + budget.RecordOverhead }
	for p, t := range r.Index.Symlinks {
		rec(p)
		n += int64(len(t))
	}
	for _, ps := range r.Packages {
		for _, pk := range ps {
			for _, l := range pk.Locations {
				rec(l.Path)
			}
		}
	}
	for _, fs := range r.Findings {
		for _, f := range fs {
			rec(f.Evidence.Path)
		}
	}
	for _, u := range r.Unknowns {
		rec(u.Path)
	}
	for p, b := range r.Captured {
		rec(p)
		n += int64(len(b))
	}
	return n
}

func newResult() *LayerResult {
	return &LayerResult{Packages: map[string][]sbom.Package{}, Captured: map[string][]byte{}, Findings: map[string][]finding.Finding{}}
}

func (r *LayerResult) finish() {
	slices.Sort(r.Databases)
	slices.SortFunc(r.Unknowns, func(a, b catalog.Unknown) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Cataloger, b.Cataloger))
	})
}

// fileMeta remembers what Wants saw of files that produced packages, so a
// hard link to them can be offered to the same catalogers.
type fileMeta struct {
	mode fs.FileMode
	size int64
}

func (a *Analyzer) visitor(ctx context.Context, r *LayerResult) layerfs.Visitor {
	parsed := map[string]fileMeta{}
	b := a.Walk.Budget
	memo := a.contentMemo()
	var (
		wanting  []catalog.Cataloger
		checking []Checker
	)
	return func(e *layerfs.Entry, f layerfs.File) error {
		if len(a.Skip) > 0 && pathglob.Any(a.Skip, e.Path) {
			return nil
		}
		// Checkers that only look at metadata run on every entry;
		// content checkers join the catalogers below, unless this file
		// was already read unchanged in another layer of the scan.
		checking = checking[:0]
		for _, c := range a.Checkers {
			if f != nil && c.WantsContent(e.Path, e.Mode, e.Size) {
				if seen, ok := memo.get(c.Name(), e); ok {
					fs, err := c.Check(ctx, e, nil)
					if err := r.addFindings(b, e.Path, c.Name(), append(fs, seen...), err); err != nil {
						return err
					}
					continue
				}
				checking = append(checking, c)
				continue
			}
			fs, err := c.Check(ctx, e, nil)
			if err := r.addFindings(b, e.Path, c.Name(), fs, err); err != nil {
				return err
			}
		}
		if e.Kind == layerfs.KindHardlink {
			if m, ok := parsed[e.Link]; ok {
				for _, p := range r.Packages[e.Link] {
					p.Locations = []sbom.Location{{Path: e.Path}}
					if err := b.Charge(budget.PathBytes, int64(len(e.Path))+budget.RecordOverhead); err != nil {
						return err
					}
					r.Packages[e.Path] = append(r.Packages[e.Path], p)
				}
				parsed[e.Path] = m
			}
			return nil
		}
		if f == nil {
			return nil
		}
		wanting = wanting[:0]
		for _, c := range a.Catalogers {
			if c.Wants(e.Path, e.Mode, e.Size) {
				wanting = append(wanting, c)
			}
		}
		capture := distro.Wants(e.Path, e.Size)
		if len(wanting) == 0 && len(checking) == 0 && !capture {
			return nil
		}
		if capture {
			data, err := io.ReadAll(io.LimitReader(f, distro.MaxFileSize))
			if err != nil {
				if stop(ctx, err) {
					return err
				}
				return r.addUnknown(b, catalog.Unknown{Path: e.Path, Reason: err.Error()})
			}
			if err := b.Charge(budget.PathBytes, int64(len(e.Path)+len(data))+budget.RecordOverhead); err != nil {
				return err
			}
			r.Captured[e.Path] = data
			if len(wanting) == 0 && len(checking) == 0 {
				return nil
			}
			f = catalog.NewBytesFile(e.Path, data) // content already consumed
		}
		views, err := fileViews(f, len(wanting)+len(checking))
		if err != nil {
			if stop(ctx, err) {
				return err
			}
			return r.addUnknown(b, catalog.Unknown{Path: e.Path, Reason: err.Error()})
		}
		for i, c := range checking {
			fs, err := c.Check(ctx, e, views[len(wanting)+i])
			if stop(ctx, err) {
				return err
			}
			if err == nil {
				memo.put(c.Name(), e, fs)
			}
			if err := r.addFindings(b, e.Path, c.Name(), fs, err); err != nil {
				return err
			}
		}
		for i, c := range wanting {
			pkgs, err := c.Parse(ctx, views[i])
			if err != nil {
				if stop(ctx, err) {
					return err
				}
				// Partial results are data: keep what was read, and say
				// what was not.
				if err := r.addUnknown(b, catalog.Unknown{Path: e.Path, Cataloger: c.Name(), Reason: err.Error()}); err != nil {
					return err
				}
				if len(pkgs) == 0 {
					continue
				}
			}
			if err := b.Check(budget.Records, int64(len(pkgs))); err != nil {
				return fmt.Errorf("%s (%s): %w", e.Path, c.Name(), err)
			}
			if dr, ok := c.(catalog.DatabaseReader); len(pkgs) > 0 || ok && dr.ReadsDatabases() {
				r.Databases = append(r.Databases, e.Path+" ("+c.Name()+")")
			}
			if len(pkgs) > 0 {
				var cost int64
				for _, p := range pkgs {
					for _, l := range p.Locations {
						cost += int64(len(l.Path)) + budget.RecordOverhead
					}
				}
				if err := b.Charge(budget.PathBytes, cost); err != nil {
					return err
				}
				r.Packages[e.Path] = append(r.Packages[e.Path], pkgs...)
				parsed[e.Path] = fileMeta{e.Mode, e.Size}
			}
		}
		return nil
	}
}

// stop reports whether err ends the walk rather than becoming an unknown:
// the scan was cancelled, or went over a budget.
func stop(ctx context.Context, err error) bool {
	return err != nil && (ctx.Err() != nil || errors.Is(err, budget.ErrExceeded))
}

func (r *LayerResult) addFindings(b *budget.Budget, p, checker string, fs []finding.Finding, err error) error {
	if err != nil {
		if err := r.addUnknown(b, catalog.Unknown{Path: p, Cataloger: checker, Reason: err.Error()}); err != nil {
			return err
		}
	}
	if len(fs) > 0 {
		if err := b.Charge(budget.PathBytes, int64(len(fs))*(int64(len(p))+budget.RecordOverhead)); err != nil {
			return err
		}
		r.Findings[p] = append(r.Findings[p], fs...)
	}
	return nil
}

func (r *LayerResult) addUnknown(b *budget.Budget, u catalog.Unknown) error {
	if err := b.Charge(budget.PathBytes, int64(len(u.Path))+budget.RecordOverhead); err != nil {
		return err
	}
	r.Unknowns = append(r.Unknowns, u)
	return nil
}

// contentMemo remembers, for one scan, the content findings each checker
// gave a file, by the file's header identity: path, size and modification
// time. A file that another layer holds unchanged (re-added by a chown, a
// chmod, a repeated COPY) is then not read and searched again, and gives
// the same findings, which Assemble reports once. Header identity is what
// rsync and make trust too; it is not proof of content, so it only saves
// work between layers of one image and never crosses into the layer cache
// of another. Keys hold a path's Key, not its name, and the memo stops
// growing at memoMax entries, so it costs at most a few MB.
type contentMemo struct {
	mu sync.Mutex
	m  map[memoKey][]finding.Finding
}

type memoKey struct {
	checker string
	path    layerfs.Key
	size    int64
	mtime   int64
}

const memoMax = 1 << 17

func (a *Analyzer) contentMemo() *contentMemo {
	a.memoOnce.Do(func() { a.memo = &contentMemo{m: map[memoKey][]finding.Finding{}} })
	return a.memo
}

func (m *contentMemo) get(checker string, e *layerfs.Entry) ([]finding.Finding, bool) {
	if e.ModTime == 0 {
		return nil, false // no time recorded: nothing to tell two versions apart by
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	fs, ok := m.m[memoKey{checker, layerfs.KeyOf(e.Path), e.Size, e.ModTime}]
	return slices.Clone(fs), ok
}

// put records the content findings of a file a checker read.
func (m *contentMemo) put(checker string, e *layerfs.Entry, fs []finding.Finding) {
	if e.ModTime == 0 {
		return
	}
	var keep []finding.Finding
	for _, f := range fs {
		if f.Content {
			keep = append(keep, f)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m) < memoMax {
		m.m[memoKey{checker, layerfs.KeyOf(e.Path), e.Size, e.ModTime}] = keep
	}
}

// fileViews gives each of n readers its own reading position over f.
// One reader reads f directly; several share f's random access.
func fileViews(f catalog.File, n int) ([]catalog.File, error) {
	if n == 0 {
		return nil, nil
	}
	if n == 1 {
		return []catalog.File{f}, nil
	}
	ra, err := f.ReaderAt()
	if err != nil {
		return nil, err
	}
	views := make([]catalog.File, n)
	for i := range views {
		views[i] = &sectionFile{File: f, sr: io.NewSectionReader(ra, 0, f.Size()), ra: ra}
	}
	return views, nil
}

type sectionFile struct {
	catalog.File
	sr *io.SectionReader
	ra io.ReaderAt
}

func (s *sectionFile) Read(p []byte) (int, error)     { return s.sr.Read(p) }
func (s *sectionFile) ReaderAt() (io.ReaderAt, error) { return s.ra, nil }

// Inventory is the merged result for a whole image.
type Inventory struct {
	Distro   *sbom.Distro
	Packages []sbom.Package
	Unknowns []catalog.Unknown
	// Findings are the checkers' findings on files still visible.
	Findings []finding.Finding
	// Databases lists the package databases and manifests that were read
	// and are still visible in the image ("var/lib/dpkg/status (dpkg)").
	Databases []string
	Files     int
	Bytes     int64
}

// ErrNoLayers is returned by Assemble for an image without layers.
var ErrNoLayers = errors.New("inventory: image has no layers")

// Assemble merges layer results (base layer first). digests[i] is the
// digest reported as the layer of files that layer i added; it may be ""
// (a directory scan). Findings of content rules on files a later layer
// removed are kept (see layerFindings); everything else counts only where
// it is still visible.
func Assemble(layers []*LayerResult, digests []string) (*Inventory, error) {
	if len(layers) == 0 {
		return nil, ErrNoLayers
	}
	if len(digests) != len(layers) {
		return nil, fmt.Errorf("inventory: %d layers but %d digests", len(layers), len(digests))
	}
	indexes := make([]*layerfs.Index, len(layers))
	for i, l := range layers {
		indexes[i] = l.Index
	}
	stack := layerfs.Merge(indexes)
	inv := &Inventory{}

	// Release files, read through the merged view.
	inv.Distro = distro.Detect(func(p string) ([]byte, bool) {
		rp, err := stack.Resolve(p)
		if err != nil {
			return nil, false
		}
		// The topmost layer with an entry at rp decides: its captured
		// content if it is still visible, nothing otherwise.
		for i := len(layers) - 1; i >= 0; i-- {
			if !layerHas(indexes[i], rp) {
				continue
			}
			b, ok := layers[i].Captured[rp]
			return b, ok && stack.Visible(i, rp)
		}
		return nil, false
	})

	var pkgs []sbom.Package
	for i, l := range layers {
		inv.Files += l.Index.Files
		inv.Bytes += l.Index.Bytes
		for _, u := range l.Unknowns {
			if stack.Visible(i, u.Path) {
				u.LayerDigest = digests[i]
				inv.Unknowns = append(inv.Unknowns, u)
			}
		}
		for p, fs := range l.Findings {
			inv.Findings = append(inv.Findings, layerFindings(layers, stack, digests, i, p, fs)...)
		}
		for _, db := range l.Databases {
			p, _, _ := strings.Cut(db, " (")
			if stack.Visible(i, p) {
				inv.Databases = append(inv.Databases, db)
			}
		}
		// Sorted, so that duplicates merge the same way every run.
		for _, p := range slices.Sorted(maps.Keys(l.Packages)) {
			found := l.Packages[p]
			if !stack.Visible(i, p) {
				continue
			}
			for _, pkg := range found {
				key := pkg.Key()
				intro := stack.Introduced(i, p, func(k int) bool {
					return slices.ContainsFunc(layers[k].Packages[p], func(q sbom.Package) bool { return q.Key() == key })
				})
				for j := range pkg.Locations {
					pkg.Locations[j].LayerDigest = digests[intro]
				}
				pkgs = append(pkgs, pkg)
			}
		}
	}
	finding.Sort(inv.Findings)
	inv.Packages = mergeDuplicates(pkgs)
	for i := range inv.Packages {
		sbom.SetPURL(&inv.Packages[i], inv.Distro)
	}
	sbom.Sort(inv.Packages)
	slices.Sort(inv.Databases)
	inv.Databases = slices.Compact(inv.Databases)
	return inv, nil
}

func layerHas(ix *layerfs.Index, p string) bool { return ix.Has(p) }

// layerFindings places the findings layer i has at p. Findings on a file
// still visible at the top are reported as they are. A file a later layer
// deleted or replaced is gone from containers but not from the image: its
// content findings (secrets, credential files) are reported with the layer
// that removed it in Evidence.RemovedInLayer. Either way a content finding
// is attributed to the lowest layer from which the file held it without a
// break, and a layer that merely re-adds the same content (a chown, a
// chmod) does not make it a second finding.
func layerFindings(layers []*LayerResult, stack *layerfs.Stack, digests []string, i int, p string, fs []finding.Finding) []finding.Finding {
	hiddenBy := stack.HiddenBy(i, p)
	var out []finding.Finding
	for _, f := range fs {
		if !f.Content {
			if hiddenBy < 0 {
				f.Evidence.LayerDigest = digests[i]
				out = append(out, f)
			}
			continue
		}
		same := func(k int) bool {
			return slices.ContainsFunc(layers[k].Findings[p], func(g finding.Finding) bool {
				return g.ID == f.ID && g.Evidence.Line == f.Evidence.Line && g.Evidence.Match == f.Evidence.Match
			})
		}
		if hiddenBy >= 0 {
			if layers[hiddenBy].Index.Has(p) && same(hiddenBy) {
				continue // carried on unchanged: reported from the layer above
			}
			f.Evidence.RemovedInLayer = digests[hiddenBy]
		}
		f.Evidence.LayerDigest = digests[stack.Introduced(i, p, same)]
		out = append(out, f)
	}
	return out
}

// mergeDuplicates folds packages found at several places into one with
// several locations. Go modules stay per binary: their symbols, and so
// their reachability, differ from binary to binary.
func mergeDuplicates(pkgs []sbom.Package) []sbom.Package {
	// Sized once: most packages are distinct, and a Package is large
	// enough that growing by doublings allocated twice the result.
	index := make(map[string]int, len(pkgs))
	out := make([]sbom.Package, 0, len(pkgs))
	for _, p := range pkgs {
		k := p.Key() + "\x00" + p.Arch
		if p.Type == sbom.GoModule || p.Type == sbom.GoStdlib {
			k += "\x00" + firstPath(p)
		}
		if i, ok := index[k]; ok {
			out[i].Locations = append(out[i].Locations, p.Locations...)
			// Dev only if every place says so: an installed copy or a
			// production lock entry makes it shipped code.
			out[i].Dev = out[i].Dev && p.Dev
			if len(out[i].License) == 0 {
				out[i].License = p.License
			}
			continue
		}
		index[k] = len(out)
		out = append(out, p)
	}
	for i := range out {
		locs := out[i].Locations
		slices.SortFunc(locs, func(a, b sbom.Location) int {
			return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.LayerDigest, b.LayerDigest))
		})
		out[i].Locations = slices.Compact(locs)
	}
	return out
}

func firstPath(p sbom.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}
