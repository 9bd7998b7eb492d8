package vulndb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"
	"unsafe"

	"github.com/bulwark-sec/bulwark/internal/advisory"
)

// The value codec: varint-prefixed strings and lists, hand-written because
// lookups decode thousands of records per scan and encoding/json would cost
// ten times more. Every read is bounds-checked; a corrupt value is an error.

// errCorrupt is wrapped by every decoding failure.
var errCorrupt = errors.New("vulndb: database is corrupt")

type encoder struct{ b []byte }

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) strs(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

// time stores seconds and nanoseconds; the zero time is one 0 byte.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.uvarint(0)
		return
	}
	e.uvarint(1)
	e.varint(t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
}

func (e *encoder) scores(ss []advisory.Score) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s.Type)
		e.str(s.Score)
		e.uvarint(uint64(s.Origin))
		e.str(s.Ref)
	}
}

// epssScale stores EPSS probabilities as integers: FIRST publishes five
// decimals.
const epssScale = 100000

// exploit encodes the KEV entry and EPSS score, each behind a presence flag.
func (e *encoder) exploit(k *advisory.KEV, p *advisory.EPSS) {
	if k == nil {
		e.uvarint(0)
	} else {
		e.uvarint(1)
		e.str(k.DateAdded)
		e.str(k.DueDate)
		e.str(k.Ransomware)
	}
	if p == nil {
		e.uvarint(0)
	} else {
		e.uvarint(1)
		e.uvarint(uint64(math.Round(p.Score * epssScale)))
		e.uvarint(uint64(math.Round(p.Percentile * epssScale)))
		e.str(p.Date)
	}
}

// advisory encodes the metadata of a that matching needs. Affected is
// stored per package and References apart, since lookups never read them.
func (e *encoder) advisory(a *advisory.Advisory) {
	e.str(a.ID)
	e.strs(a.Aliases)
	e.str(a.Source)
	e.str(a.Summary)
	e.time(a.Published)
	e.time(a.Modified)
	e.time(a.Withdrawn)
	e.scores(a.Severity)
	e.exploit(a.KEV, a.EPSS)
}

// event kinds, one byte each.
const (
	evIntroduced = iota + 1
	evFixed
	evLastAffected
	evLimit
)

// affected encodes one statement without its ecosystem and package, which
// are the record's key.
func (e *encoder) affected(id string, a *advisory.Affected) {
	e.str(id)
	e.str(string(a.Status))
	e.uvarint(uint64(len(a.Ranges)))
	for _, r := range a.Ranges {
		e.str(r.Type)
		e.uvarint(uint64(len(r.Events)))
		for _, ev := range r.Events {
			switch {
			case ev.Introduced != "":
				e.uvarint(evIntroduced)
				e.str(ev.Introduced)
			case ev.Fixed != "":
				e.uvarint(evFixed)
				e.str(ev.Fixed)
			case ev.LastAffected != "":
				e.uvarint(evLastAffected)
				e.str(ev.LastAffected)
			default:
				e.uvarint(evLimit)
				e.str(ev.Limit)
			}
		}
	}
	e.strs(a.Versions)
	e.scores(a.Severity)
	e.uvarint(uint64(len(a.Imports)))
	for _, im := range a.Imports {
		e.str(im.Path)
		e.strs(im.Symbols)
		e.strs(im.GOOS)
		e.strs(im.GOARCH)
	}
	e.str(a.Module)
	e.uvarint(uint64(len(a.Binaries)))
	for _, b := range a.Binaries {
		e.str(b.Name)
		e.str(b.Version)
	}
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", errCorrupt, what)
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a list length; every element takes at least one byte, which
// bounds allocations by the value's size.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("list length")
		return 0
	}
	return int(n)
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("string length")
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

// interned holds the short strings that recur in every record, so decoding
// them allocates nothing (a map index by string(bytes) does not copy).
var interned = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{"", "0", "ECOSYSTEM", "SEMVER", "URGENCY", "CVSS_V2", "CVSS_V3", "CVSS_V4",
		"affected", "fixed", "unfixed", "will-not-fix", "not-affected", "end-of-life",
		"unimportant", "low", "medium", "high", "LOW", "MODERATE", "HIGH", "CRITICAL",
		"osv-go", "osv-pypi", "osv-npm", "osv-maven", "osv-crates.io", "osv-rubygems", "osv-packagist", "osv-nuget",
		"osv-ubuntu", "osv-almalinux", "osv-rocky-linux", "osv-suse", "osv-opensuse", "redhat-csaf", "amazon-alas",
		"wolfi-secdb", "chainguard-secdb", "Important", "Moderate", "Low", "Critical", "negligible",
		"debian-dsa", "debian-dla", "debian-tracker", "alpine-secdb", "linux", "windows", "darwin", "amd64", "arm64"} {
		m[s] = s
	}
	return m
}()

// str returns the next string without copying it: decoders only ever read
// blocks that decompress allocated for themselves and that nothing writes
// afterwards (see DB.find), so a string may share their memory. That
// keeps a lookup from allocating once per alias, event and version — the
// bulk of matching's cost — at the price of a string pinning its block.
func (d *decoder) str() string {
	b := d.bytes()
	if len(b) == 0 {
		return ""
	}
	if len(b) <= 16 {
		if s, ok := interned[string(b)]; ok {
			return s
		}
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) time() time.Time {
	switch d.uvarint() {
	case 0:
		return time.Time{}
	case 1:
		s := d.varint()
		ns := d.uvarint()
		if ns >= 1e9 {
			d.fail("time")
			return time.Time{}
		}
		return time.Unix(s, int64(ns)).UTC()
	}
	d.fail("time flag")
	return time.Time{}
}

func (d *decoder) scores() []advisory.Score {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]advisory.Score, n)
	for i := range out {
		out[i] = advisory.Score{Type: d.str(), Score: d.str()}
		if o := d.uvarint(); o <= uint64(advisory.OriginNVD) {
			out[i].Origin = advisory.Origin(o)
		} else {
			d.fail("severity origin")
		}
		out[i].Ref = d.str()
	}
	return out
}

func (d *decoder) exploit() (*advisory.KEV, *advisory.EPSS) {
	var (
		k *advisory.KEV
		p *advisory.EPSS
	)
	switch d.uvarint() {
	case 0:
	case 1:
		k = &advisory.KEV{DateAdded: d.str(), DueDate: d.str(), Ransomware: d.str()}
	default:
		d.fail("kev flag")
	}
	switch d.uvarint() {
	case 0:
	case 1:
		score, pct := d.uvarint(), d.uvarint()
		if score > epssScale || pct > epssScale {
			d.fail("epss")
		}
		p = &advisory.EPSS{Score: float64(score) / epssScale, Percentile: float64(pct) / epssScale, Date: d.str()}
	default:
		d.fail("epss flag")
	}
	return k, p
}

func (d *decoder) advisory() *advisory.Advisory {
	a := &advisory.Advisory{ID: d.str()}
	a.Aliases = d.strs()
	a.Source = d.str()
	a.Summary = d.str()
	a.Published = d.time()
	a.Modified = d.time()
	a.Withdrawn = d.time()
	a.Severity = d.scores()
	a.KEV, a.EPSS = d.exploit()
	return a
}

func (d *decoder) affected() (string, advisory.Affected) {
	id := d.str()
	a := advisory.Affected{Status: advisory.Status(d.str())}
	if n := d.count(); n > 0 {
		a.Ranges = make([]advisory.Range, n)
		for i := range a.Ranges {
			r := &a.Ranges[i]
			r.Type = d.str()
			m := d.count()
			r.Events = make([]advisory.Event, m)
			for j := range r.Events {
				kind, v := d.uvarint(), d.str()
				switch kind {
				case evIntroduced:
					r.Events[j].Introduced = v
				case evFixed:
					r.Events[j].Fixed = v
				case evLastAffected:
					r.Events[j].LastAffected = v
				case evLimit:
					r.Events[j].Limit = v
				default:
					d.fail("event kind")
				}
			}
		}
	}
	a.Versions = d.strs()
	a.Severity = d.scores()
	if n := d.count(); n > 0 {
		a.Imports = make([]advisory.Import, n)
		for i := range a.Imports {
			a.Imports[i] = advisory.Import{Path: d.str(), Symbols: d.strs(), GOOS: d.strs(), GOARCH: d.strs()}
		}
	}
	a.Module = d.str()
	if n := d.count(); n > 0 {
		a.Binaries = make([]advisory.Binary, n)
		for i := range a.Binaries {
			a.Binaries[i] = advisory.Binary{Name: d.str(), Version: d.str()}
		}
	}
	return id, a
}

// A block is the unit of compression: entries sorted by key, each
// "key, payload length, payload", so a lookup skips payloads it does not
// want without decoding them.

type blockWriter struct {
	enc   encoder
	n     int
	first string
}

func (w *blockWriter) add(key string, payload []byte) {
	if w.n == 0 {
		w.first = key
	}
	w.n++
	w.enc.str(key)
	w.enc.uvarint(uint64(len(payload)))
	w.enc.b = append(w.enc.b, payload...)
}

func (w *blockWriter) reset() { w.enc.b, w.n, w.first = w.enc.b[:0], 0, "" }

// block is a decompressed block with the position of every entry, so a
// lookup binary-searches instead of scanning.
type block struct {
	data    []byte
	entries []entry
}

type entry struct{ keyStart, keyEnd, payStart, payEnd uint32 }

// indexBlock parses a decompressed block once, checking that it is well
// formed and sorted.
func indexBlock(data []byte) (*block, error) {
	if len(data) > maxBlock {
		return nil, fmt.Errorf("%w: block too large", errCorrupt)
	}
	b := &block{data: data}
	d := decoder{b: data}
	pos := func() uint32 { return uint32(len(data) - len(d.b)) }
	for len(d.b) > 0 {
		var e entry
		n := d.uvarint()
		e.keyStart = pos()
		if n > uint64(len(d.b)) {
			d.fail("key length")
		} else {
			d.b = d.b[n:]
		}
		e.keyEnd = pos()
		n = d.uvarint()
		e.payStart = pos()
		if n > uint64(len(d.b)) {
			d.fail("payload length")
		} else {
			d.b = d.b[n:]
		}
		e.payEnd = pos()
		if d.err != nil {
			return nil, d.err
		}
		if k := len(b.entries); k > 0 && string(b.key(k-1)) >= string(data[e.keyStart:e.keyEnd]) {
			return nil, fmt.Errorf("%w: block keys out of order", errCorrupt)
		}
		b.entries = append(b.entries, e)
	}
	return b, nil
}

func (b *block) key(i int) []byte {
	e := b.entries[i]
	return b.data[e.keyStart:e.keyEnd]
}

func (b *block) payload(i int) []byte {
	e := b.entries[i]
	return b.data[e.payStart:e.payEnd]
}

// cost is what the block holds in memory, for the cache bound.
func (b *block) cost() int { return len(b.data) + 16*len(b.entries) }

// find returns the payload stored under key.
func (b *block) find(key string) ([]byte, bool) {
	i, found := sort.Find(len(b.entries), func(i int) int { return -compareKey(b.key(i), key) })
	if !found {
		return nil, false
	}
	return b.payload(i), true
}

func compareKey(k []byte, key string) int {
	n := min(len(k), len(key))
	for i := 0; i < n; i++ {
		if k[i] != key[i] {
			if k[i] < key[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(k) < len(key):
		return -1
	case len(k) > len(key):
		return 1
	}
	return 0
}

// eachInBlock calls fn for every entry of a block, for verification.
func eachInBlock(data []byte, fn func(key, payload []byte) error) error {
	b, err := indexBlock(data)
	if err != nil {
		return err
	}
	for i := range b.entries {
		if err := fn(b.key(i), b.payload(i)); err != nil {
			return err
		}
	}
	return nil
}
