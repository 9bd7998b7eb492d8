// Package scan is the only package that knows the whole pipeline, and
// [Run] its one entry (the scan and diff commands, the agent and the
// server's worker call it):
//
//	TARGET ─source.Parse─▶ image │ sbom: (sbomread) │ Dockerfile (dockerfile)
//	image: source.Open ─▶ layer cache lookup ─▶ ReadLayers (missing layers only)
//	   ─▶ inventory.AnalyzeLayer ─▶ cache store ─▶ inventory.Assemble
//	   ─▶ report.Report ─▶ match (Options.Matching; coverage.matching is
//	   decided in one place) ─▶ verify ─▶ Normalize ─▶ history ─▶ triage
//
// Layers are analysed concurrently; each result is stored in the layer
// cache as soon as it exists, so an interrupted scan still leaves its
// finished layers behind. One budget (package budget) bounds the whole
// scan: layers, bytes, entries, paths, spill files and package records; a
// scan that checks its layers against the configuration (VerifyLayers) may
// vouch for the image ID in its report.
package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/builtin"
	"github.com/bulwark-sec/bulwark/internal/dockerfile"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/layercache"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/misconfig"
	"github.com/bulwark-sec/bulwark/internal/pathglob"
	"github.com/bulwark-sec/bulwark/internal/regular"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sbomread"
	"github.com/bulwark-sec/bulwark/internal/secrets"
	"github.com/bulwark-sec/bulwark/internal/source"
	"github.com/bulwark-sec/bulwark/internal/triage"
	"github.com/bulwark-sec/bulwark/internal/vex"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// Progress receives coarse progress events; implementations must be safe
// for concurrent use.
type Progress interface {
	// Layers announces how many layers will be read (cache misses).
	Layers(total int)
	// LayerDone reports one more layer analysed.
	LayerDone()
}

// Options configure a scan. The zero value scans with the built-in
// catalogers and no cache.
type Options struct {
	Source     source.Options
	Cache      *layercache.Cache
	Catalogers []catalog.Cataloger
	Walk       layerfs.Options
	Progress   Progress
	Tool       report.Tool
	// Misconfig judges the image configuration, history and file modes,
	// and credential files; Secrets searches file contents for
	// credentials. Both add to Report.Findings.
	Misconfig bool
	Secrets   bool
	// Skip are path patterns (package pathglob) that no cataloger or
	// checker looks at, as Trivy's --skip-dirs/--skip-files.
	Skip []string
	// Limits are the scan's resource budgets (package budget; zero
	// fields: the defaults). A scan over one fails with an error wrapping
	// *budget.ExceededError.
	Limits budget.Limits
	// VerifyLayers checks every layer against the diff ID the image
	// configuration declares, hashing the uncompressed stream in the same
	// pass where the storage did not compute the diff IDs itself (archives,
	// OCI layouts, registries); a mismatch fails the scan. Only a verified
	// report (report.Target.LayersVerified) vouches for its image ID, which
	// is what the guard's scan gate trusts. Results hashed once are cached
	// with their digest, so a rescan of the same file hashes nothing.
	VerifyLayers bool

	// Matching selects what Run does about known vulnerabilities, against
	// DB or, when set, the database LendDB lends for the length of the
	// match (a holder that may swap its database meanwhile, as the
	// server's). Explain keeps the advisories that named a package but do
	// not apply.
	Matching Matching
	DB       *vulndb.DB
	LendDB   func(use func(db *vulndb.DB) error) error
	Explain  bool
	// Verify, when set, checks the image's signatures after matching and
	// records them in the report (rep.Provenance); the OpenVEX documents
	// it returns join Triage's.
	Verify func(ctx context.Context, rep *report.Report) ([]*vex.Document, error)
	// HistoryDir, when set, keeps the untriaged summary of a matched scan
	// of an image there for the guard's scan gate (package history); the
	// layers are then checked against the configuration (VerifyLayers).
	HistoryDir string
	// Triage, when set, applies the team's decisions (ignore file, VEX,
	// severity filters) last.
	Triage *triage.Options
}

// Scanner names, as --scanners spells them.
const (
	ScannerVuln      = "vuln"
	ScannerMisconfig = "misconfig"
	ScannerSecret    = "secret"
)

func (o *Options) checkers() []inventory.Checker {
	var cs []inventory.Checker
	if o.Misconfig {
		cs = append(cs, misconfig.NewFiles())
	}
	if o.Secrets {
		cs = append(cs, secrets.New())
	}
	return cs
}

// Inventory opens target and builds its normalized report: packages, OS
// and coverage, without vulnerability matching (Run with Matching
// unset, which is what `bulwark sbom` asks for).
func Inventory(ctx context.Context, target string, opts Options) (*report.Report, error) {
	opts.Matching, opts.Verify, opts.HistoryDir, opts.Triage = InventoryOnly, nil, "", nil
	return Run(ctx, target, opts)
}

// inventoryOf builds the report of one target, not yet normalized. The
// target grammar is source's: an SBOM is read back by package sbomread, a
// Dockerfile is checked by package dockerfile, and everything else is an
// image for source.Open.
func inventoryOf(ctx context.Context, t source.Target, target string, opts Options) (*report.Report, error) {
	switch t.Kind {
	case source.SBOM:
		return sbomread.Inventory(ctx, t.Ref, opts.Tool)
	case source.Dockerfile:
		return dockerfileReport(t.Ref, opts.Tool)
	}
	img, err := source.Open(ctx, target, opts.Source)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	rep, err := inventoryImage(ctx, img, opts)
	if err != nil || img.Kind != source.Dir || !opts.Misconfig {
		return rep, err
	}
	if err := dockerfilesIn(rep, img.RootDir, opts.Skip); err != nil {
		return nil, err
	}
	return rep, nil
}

// dockerfilesIn applies the Dockerfile rules to the Dockerfiles at the top
// of a scanned directory (a project checkout holds its Dockerfile beside
// the code), adding their findings to rep with the file's name and line.
func dockerfilesIn(rep *report.Report, dir string, skip []string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("scan: %s: %w", dir, err)
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() && !pathglob.Any(skip, e.Name()) {
			if source.DockerfileName(e.Name()) {
				names = append(names, e.Name())
			}
		}
	}
	for _, name := range names {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		fs, err := dockerfile.Check(name, f)
		f.Close()
		if err != nil {
			rep.Coverage.Notes = append(rep.Coverage.Notes, fmt.Sprintf("%s not checked: %v", name, err))
			continue
		}
		rep.Findings = append(rep.Findings, fs...)
		rep.Coverage.Notes = append(rep.Coverage.Notes, fmt.Sprintf("Dockerfile rules applied to %s", name))
	}
	return nil
}

// inventoryImage is inventory for an image already opened.
func inventoryImage(ctx context.Context, img *source.Image, opts Options) (*report.Report, error) {
	started := time.Now()
	cats := opts.Catalogers
	if cats == nil {
		cats = builtin.Catalogers()
	}
	b := budget.New(opts.Limits)
	walk := opts.Walk
	walk.Budget = b
	an := &inventory.Analyzer{Catalogers: cats, Checkers: opts.checkers(), Walk: walk, Skip: opts.Skip}

	var (
		results []*inventory.LayerResult
		digests []string
		cached  []bool
	)
	if img.Kind == source.Dir {
		if opts.Progress != nil {
			opts.Progress.Layers(1)
		}
		r, err := an.AnalyzeDir(ctx, img.RootDir)
		if err != nil {
			return nil, fmt.Errorf("scanning %s: %w", img.Name, err)
		}
		if opts.Progress != nil {
			opts.Progress.LayerDone()
		}
		results, digests, cached = []*inventory.LayerResult{r}, []string{""}, []bool{false}
	} else {
		if err := b.Check(budget.Layers, int64(len(img.Layers))); err != nil {
			return nil, fmt.Errorf("scanning %s: %d layers: %w", img.Name, len(img.Layers), err)
		}
		var stored int64
		for _, l := range img.Layers {
			stored += l.Size
		}
		b.Scope(stored)
		var err error
		results, cached, err = analyzeLayers(ctx, img, an, opts, b)
		if err != nil {
			return nil, fmt.Errorf("scanning %s: %w", img.Name, err)
		}
		for _, l := range img.Layers {
			digests = append(digests, l.DiffID)
		}
		if len(results) == 0 {
			return nil, fmt.Errorf("scanning %s: %w", img.Name, source.ErrNotImage)
		}
	}
	inv, err := inventory.Assemble(results, digests)
	if err != nil {
		return nil, fmt.Errorf("scanning %s: %w", img.Name, err)
	}
	rep := buildReport(img, inv, cats, cached, opts.Tool)
	rep.Target.LayersVerified = img.Kind != source.Dir && (img.DiffIDsComputed || opts.VerifyLayers)
	rep.Findings = inv.Findings
	historyOfRemoved(rep, img)
	if opts.Misconfig {
		rep.Findings = append(rep.Findings, misconfig.NewChecker().CheckImage(img.Config)...)
		rep.Coverage.Scanners = append(rep.Coverage.Scanners, ScannerMisconfig)
	}
	if opts.Secrets {
		rep.Coverage.Scanners = append(rep.Coverage.Scanners, ScannerSecret)
	}
	if len(opts.Skip) > 0 {
		rep.Coverage.Notes = append(rep.Coverage.Notes, "paths not examined (--skip-path): "+strings.Join(opts.Skip, ", "))
	}
	slog.DebugContext(ctx, "inventory done", "target", img.Name, "packages", len(inv.Packages), "took", time.Since(started))
	return rep, nil
}

// analyzeLayers returns one result per layer of img, from the cache where
// possible. Layers with the same Key (the same bytes) are analysed once.
// With opts.VerifyLayers, a layer whose diff ID its storage did not compute
// is hashed as it is read (a cached result counts only if it was hashed
// too), and a digest that differs from the configuration's fails the scan.
func analyzeLayers(ctx context.Context, img *source.Image, an *inventory.Analyzer, opts Options, b *budget.Budget) ([]*inventory.LayerResult, []bool, error) {
	fp := an.Fingerprint()
	verify := opts.VerifyLayers && !img.DiffIDsComputed
	byKey := map[string]*inventory.LayerResult{}
	hit := map[string]bool{}
	missing := map[string]bool{}
	for _, l := range img.Layers {
		if _, seen := byKey[l.Key]; seen || missing[l.Key] {
			continue
		}
		if opts.Cache != nil {
			if data, ok := opts.Cache.Get(layercache.Key(l.Key, fp)); ok {
				if r, err := inventory.DecodeLayerResult(data); err == nil && (!verify || r.Index.DiffID != "") {
					// What a cached layer holds counts as if it had been read.
					if err := charge(b, r); err != nil {
						return nil, nil, fmt.Errorf("layer %s (cached): %w", short(l.DiffID), err)
					}
					byKey[l.Key], hit[l.Key] = r, true
					continue
				}
			}
		}
		missing[l.Key] = true
	}
	if opts.Progress != nil {
		opts.Progress.Layers(len(missing))
	}
	if len(missing) > 0 {
		want := func(i int) bool { return missing[img.Layers[i].Key] }
		analyze := func(ctx context.Context, l layerfs.Layer) (any, error) {
			r, err := an.AnalyzeLayer(ctx, l, verify)
			if opts.Progress != nil && err == nil {
				opts.Progress.LayerDone()
			}
			return r, err
		}
		err := img.ReadLayers(ctx, want, analyze, func(key string, res any) {
			r := res.(*inventory.LayerResult)
			byKey[key] = r
			if opts.Cache == nil || hit[key] {
				return
			}
			if b, err := r.Encode(); err == nil {
				if err := opts.Cache.Put(layercache.Key(key, fp), b); err != nil {
					slog.WarnContext(ctx, "layer cache not updated", "err", err)
				}
			}
		})
		if err != nil {
			return nil, nil, err
		}
	}
	results := make([]*inventory.LayerResult, len(img.Layers))
	cached := make([]bool, len(img.Layers))
	for i, l := range img.Layers {
		r, ok := byKey[l.Key]
		if !ok {
			return nil, nil, fmt.Errorf("layer %d (%s) was not read", i, short(l.DiffID))
		}
		if verify && r.Index.DiffID != l.DiffID {
			return nil, nil, fmt.Errorf("%w: layer %d holds content with diff ID %s, but the image configuration declares %s: "+
				"the layers are not the ones the configuration (image ID %s) was built with", ErrLayerMismatch, i, r.Index.DiffID, l.DiffID, short(img.ID))
		}
		results[i], cached[i] = r, hit[l.Key]
	}
	return results, cached, nil
}

// ErrLayerMismatch: a layer's content does not match the diff ID the image
// configuration declares for it.
var ErrLayerMismatch = errors.New("layer does not match the image configuration")

// charge accounts for a cached layer result: its entries and what it keeps.
func charge(b *budget.Budget, r *inventory.LayerResult) error {
	if err := b.Check(budget.LayerEntries, int64(r.Index.Entries)); err != nil {
		return err
	}
	if err := b.Charge(budget.ImageEntries, int64(r.Index.Entries)); err != nil {
		return err
	}
	return b.Charge(budget.PathBytes, r.Cost())
}

// historyOfRemoved names, on each finding about a file a later layer
// removed, the build step that added it: the history line to fix.
func historyOfRemoved(rep *report.Report, img *source.Image) {
	history := layerHistory(img)
	for i := range rep.Findings {
		e := &rep.Findings[i].Evidence
		if e.RemovedInLayer == "" || e.History != "" {
			continue
		}
		for j, l := range img.Layers {
			if l.DiffID == e.LayerDigest {
				e.History = history[j]
				break
			}
		}
	}
}

func short(d string) string {
	if _, h, ok := strings.Cut(d, ":"); ok && len(h) > 12 {
		return h[:12]
	}
	return d
}

func buildReport(img *source.Image, inv *inventory.Inventory, cats []catalog.Cataloger, cached []bool, tool report.Tool) *report.Report {
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          tool,
		CreatedAt:     time.Now().UTC(),
		Target: report.Target{Name: img.Name, Kind: string(img.Kind), ID: img.ID,
			RepoTags: img.RepoTags, RepoDigests: img.RepoDigests},
		Packages: inv.Packages,
	}
	history := layerHistory(img)
	for i, l := range img.Layers {
		rep.Target.Layers = append(rep.Target.Layers, report.Layer{DiffID: l.DiffID, Digest: l.Digest, Size: l.Size,
			CreatedBy: history[i], Cached: cached[i]})
	}
	if d := inv.Distro; d != nil {
		rep.OS = &report.OS{ID: d.ID, Version: d.VersionID, Codename: d.Codename, PrettyName: d.PrettyName, Source: d.Source, IDLike: d.IDLike}
	}
	cov := &rep.Coverage
	cov.OSDetected = inv.Distro != nil
	cov.PackageDatabases = inv.Databases
	cov.Unknowns = inv.Unknowns
	cov.Files = inv.Files
	for _, c := range cats {
		cov.Catalogers = append(cov.Catalogers, c.Name())
	}
	slices.Sort(cov.Catalogers)
	if !cov.OSDetected {
		cov.Notes = append(cov.Notes, "operating system not identified: no os-release or known release file")
	}
	if len(cov.PackageDatabases) == 0 {
		cov.Notes = append(cov.Notes, "no package database or manifest found")
	}
	if len(inv.Unknowns) > 0 {
		cov.Notes = append(cov.Notes, fmt.Sprintf("%d file(s) could not be read; see unknowns", len(inv.Unknowns)))
	}
	return rep
}

// layerHistory pairs non-empty history entries with layers.
func layerHistory(img *source.Image) []string {
	out := make([]string, len(img.Layers))
	if img.Config == nil {
		return out
	}
	i := 0
	for _, h := range img.Config.History {
		if h.EmptyLayer {
			continue
		}
		if i < len(out) {
			out[i] = h.CreatedBy
		}
		i++
	}
	return out
}

// dockerfileReport checks a Dockerfile before it is built: the
// misconfiguration rules, with line numbers. The report has findings only.
func dockerfileReport(path string, tool report.Tool) (*report.Report, error) {
	f, err := regular.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", source.ErrUnknownTarget, err)
	}
	defer f.Close()
	fs, err := dockerfile.Check(path, f)
	if err != nil {
		return nil, err
	}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          tool,
		CreatedAt:     time.Now().UTC(),
		Target:        report.Target{Name: path, Kind: string(source.Dockerfile)},
		Findings:      fs,
	}
	rep.Coverage.Scanners = []string{ScannerMisconfig}
	return rep, nil
}
