// Package feed is what every advisory feed shares: the Fetcher contract, the
// fingerprint that says whether a feed changed, and an HTTP downloader with a
// local cache.
//
// Data flow: a Fetcher (one per feed file, built by the feed packages osv,
// debian and alpine) asks the Downloader to bring its file up to date in the
// download cache (conditional request, resumed partial download, retries,
// size and checksum checks), then opens the cached copy and returns it with
// its Fingerprint, or ErrUnchanged when the caller already compiled that
// content. Parsing is done elsewhere, offline, by the feed packages.
package feed

import (
	"context"
	"errors"
	"io"
)

// Fingerprint identifies the content of one feed file: "sha256:<hex>" of the
// bytes as served. It does not depend on where the file came from, so a
// mirror and the publisher give the same fingerprint for the same content.
type Fingerprint string

var (
	// ErrUnchanged is returned by Fetch when the feed's content still has
	// the fingerprint the caller passed in.
	ErrUnchanged = errors.New("feed: unchanged")
	// ErrNotFound is returned by Fetch when the server has no such file
	// (HTTP 404), as happens with a mirror that carries only some feeds.
	ErrNotFound = errors.New("feed: not found")
)

// Fetcher brings one feed file up to date and opens it.
type Fetcher interface {
	// Fetch returns the feed's content and fingerprint, or ErrUnchanged
	// when the fingerprint equals prev (pass "" to always get a reader).
	// The caller closes the reader; when it is an *os.File it can be used as
	// an io.ReaderAt.
	Fetch(ctx context.Context, prev Fingerprint) (io.ReadCloser, Fingerprint, error)
}
