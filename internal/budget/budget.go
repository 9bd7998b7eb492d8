// Package budget bounds what one scan of one image may cost: bytes
// decompressed, tar entries, path data held in memory, bytes spilled to
// temporary files, layers, package records and the size of one parsed lock
// file. A hostile image is small on disk and huge when read; every one of
// these is what such an image inflates.
//
//	scan ─New(Limits)─▶ *Budget ─▶ layer walks charge bytes, entries, spills and paths
//	                              ─▶ catalogers check file sizes and count package records
//	                              ─▶ the first charge over a limit returns *ExceededError
//
// A Budget is shared by every layer of one scan and safe for concurrent
// use. Charges only add: the totals are what the scan has cost so far, and
// spill bytes are released again when a spill file is removed. A nil
// *Budget charges nothing and never refuses, so code paths that run outside
// a scan need no special case.
package budget

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
)

// Kind names one budget.
type Kind int

// The budgets. Their names and flags are part of the documented CLI.
const (
	ImageBytes   Kind = iota // decompressed bytes per image (sparse holes included)
	LayerEntries             // tar entries per layer
	ImageEntries             // tar entries per image
	PathBytes                // bytes of path data (names, link targets) held in memory
	SpillBytes               // bytes in temporary files at one time (sparse holes included)
	Layers                   // layers per image
	Records                  // package records per package database
	FileBytes                // bytes of one lock file or manifest a cataloger parses
	numKinds
)

var kinds = [numKinds]struct{ name, flag, unit string }{
	ImageBytes:   {"decompressed bytes per image", "--max-image-bytes", "bytes"},
	LayerEntries: {"entries per layer", "--max-layer-entries", ""},
	ImageEntries: {"entries per image", "--max-image-entries", ""},
	PathBytes:    {"path data held in memory", "--max-path-bytes", "bytes"},
	SpillBytes:   {"temporary disk", "--max-spill-bytes", "bytes"},
	Layers:       {"layers per image", "--max-layers", ""},
	Records:      {"package records per database", "--max-records", ""},
	FileBytes:    {"bytes per parsed file", "--max-file-bytes", "bytes"},
}

// String is the budget's name as messages use it.
func (k Kind) String() string {
	if k < 0 || k >= numKinds {
		return "budget " + strconv.Itoa(int(k))
	}
	return kinds[k].name
}

// Flag is the command-line flag that sets the budget.
func (k Kind) Flag() string {
	if k < 0 || k >= numKinds {
		return ""
	}
	return kinds[k].flag
}

// Limits are the budgets of one scan. Zero fields take the default.
type Limits struct {
	// ImageBytes bounds the bytes all layers decompress to, and the
	// logical bytes read from sparse files. An image whose compressed
	// layers total more than ImageBytes/ExpansionRatio may expand to
	// ExpansionRatio times their size instead (see Scope).
	ImageBytes   int64
	LayerEntries int64
	ImageEntries int64
	// PathBytes bounds the names, link targets and paths of findings and
	// packages kept for the report; each kept path also counts
	// RecordOverhead bytes for what holds it.
	PathBytes int64
	// SpillBytes bounds the bytes in temporary files at one time: stream
	// bodies copied for random access.
	SpillBytes int64
	Layers     int64
	Records    int64
	// FileBytes bounds one lock file or manifest that a cataloger parses
	// (package-lock.json, composer.lock, deps.json…); parsers stream it,
	// so it bounds time more than memory.
	FileBytes int64
}

// Defaults. A real image has thousands of entries, a few hundred MB of
// paths at the very most, tens of layers (the engine refuses more than
// 125) and thousands of packages; these leave a wide margin and still
// keep a hostile image within ~300 MB of memory, ~1 GiB of temporary disk
// and ~30 s on a small machine.
const (
	DefaultImageBytes   = 4 << 30
	DefaultLayerEntries = 1_000_000
	DefaultImageEntries = 2_000_000
	DefaultPathBytes    = 64 << 20
	DefaultSpillBytes   = 512 << 20
	DefaultLayers       = 256
	DefaultRecords      = 100_000
	// DefaultFileBytes is twice the largest real lock files (monorepo
	// package-lock.json and yarn.lock files reach ~30 MB).
	DefaultFileBytes = 64 << 20
	// ExpansionRatio is how much a compressed image may grow when read,
	// whatever ImageBytes says; real layers compress 2–10×.
	ExpansionRatio = 100
	// RecordOverhead is charged with every path kept, for the record
	// (finding, package location, link) that holds it.
	RecordOverhead = 256
)

// WithDefaults fills zero fields.
func (l Limits) WithDefaults() Limits {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.ImageBytes, DefaultImageBytes)
	def(&l.LayerEntries, DefaultLayerEntries)
	def(&l.ImageEntries, DefaultImageEntries)
	def(&l.PathBytes, DefaultPathBytes)
	def(&l.SpillBytes, DefaultSpillBytes)
	def(&l.Layers, DefaultLayers)
	def(&l.Records, DefaultRecords)
	def(&l.FileBytes, DefaultFileBytes)
	return l
}

// Limit returns the limit of kind k.
func (l Limits) Limit(k Kind) int64 {
	switch k {
	case ImageBytes:
		return l.ImageBytes
	case LayerEntries:
		return l.LayerEntries
	case ImageEntries:
		return l.ImageEntries
	case PathBytes:
		return l.PathBytes
	case SpillBytes:
		return l.SpillBytes
	case Layers:
		return l.Layers
	case Records:
		return l.Records
	case FileBytes:
		return l.FileBytes
	}
	return 0
}

// Budget is the running account of one scan.
type Budget struct {
	lim  Limits
	used [numKinds]atomic.Int64
}

// New starts an account with the limits l (defaults for zero fields).
func New(l Limits) *Budget { return &Budget{lim: l.WithDefaults()} }

// Limits returns the limits in force.
func (b *Budget) Limits() Limits {
	if b == nil {
		return Limits{}.WithDefaults()
	}
	return b.lim
}

// Scope raises the image-bytes limit for an image whose compressed layers
// total compressed bytes, to ExpansionRatio times that when it is more: a
// 5 GB image of compressed layers may well decompress to 15 GB, a 2 MB one
// to 60 GB may not.
func (b *Budget) Scope(compressed int64) {
	if b == nil || compressed <= 0 {
		return
	}
	if r := compressed * ExpansionRatio; r > b.lim.ImageBytes && r/ExpansionRatio == compressed {
		b.lim.ImageBytes = r
	}
}

// Charge adds n to the image-wide total of k and fails once it is over the
// limit. The charge stays: a scan over budget stops anyway.
func (b *Budget) Charge(k Kind, n int64) error {
	if b == nil || n == 0 {
		return nil
	}
	if used := b.used[k].Add(n); used > b.lim.Limit(k) {
		return &ExceededError{Kind: k, Limit: b.lim.Limit(k)}
	}
	return nil
}

// Release gives back n of k (spill bytes whose file is gone).
func (b *Budget) Release(k Kind, n int64) {
	if b != nil {
		b.used[k].Add(-n)
	}
}

// Used is what has been charged to k so far.
func (b *Budget) Used(k Kind) int64 {
	if b == nil {
		return 0
	}
	return b.used[k].Load()
}

// Check fails when n, a count that is not an image-wide total (entries of
// one layer, records of one database, the number of layers), is over the
// limit of k.
func (b *Budget) Check(k Kind, n int64) error {
	lim := b.Limits().Limit(k)
	if n > lim {
		return &ExceededError{Kind: k, Limit: lim}
	}
	return nil
}

// ExceededError says which budget a scan went over.
type ExceededError struct {
	Kind  Kind
	Limit int64
}

func (e *ExceededError) Error() string {
	return fmt.Sprintf("over the budget of %s (%s)", e.Kind, format(e.Limit, kinds[e.Kind].unit))
}

// Hint says how to raise the budget.
func (e *ExceededError) Hint() string {
	return fmt.Sprintf("raise it with %s if the image is trusted", e.Kind.Flag())
}

// ErrExceeded matches every *ExceededError with errors.Is.
var ErrExceeded = errors.New("over budget")

func (e *ExceededError) Is(target error) bool { return target == ErrExceeded }

func format(n int64, unit string) string {
	if unit != "bytes" {
		return groupDigits(n)
	}
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return groupDigits(n) + " bytes"
}

func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}

type ctxKey struct{}

// With returns ctx carrying b, for code that sees a context but not the
// scan's options (catalogers counting package records).
func With(ctx context.Context, b *Budget) context.Context {
	return context.WithValue(ctx, ctxKey{}, b)
}

// From returns the budget ctx carries, or nil (charges nothing; limits are
// the defaults).
func From(ctx context.Context) *Budget {
	b, _ := ctx.Value(ctxKey{}).(*Budget)
	return b
}
