package feed

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/atomicfile"
)

// Downloader keeps feed files in a local cache directory and refreshes them
// over HTTP. Its zero value plus Dir is usable.
//
// Per file the cache holds NAME (the last complete download), NAME.meta (its
// URL, validators and sha256), and while a download is under way NAME.part
// and NAME.part.meta, so that a download cut short (network error, process
// killed) resumes with a Range request instead of starting again.
type Downloader struct {
	// Dir is the download cache directory.
	Dir string
	// Client defaults to a client with connection and header timeouts.
	Client *http.Client
	// Attempts per file (default 4); transient failures (network errors,
	// 429, 5xx, truncated or corrupt bodies) are retried with backoff.
	Attempts int
	// Backoff is the wait before the first retry (default 1s), doubled after
	// each failure and capped at 30s.
	Backoff time.Duration
	// MaxSize refuses files larger than this many bytes (default 4 GiB).
	MaxSize int64
	// UserAgent is sent with every request.
	UserAgent string
}

// Result describes one Download.
type Result struct {
	Path        string      // the cached file
	Fingerprint Fingerprint // of its content
	Size        int64
	NotModified bool  // the server answered 304: the cached copy was kept
	Resumed     bool  // a partial download was continued with a Range request
	Received    int64 // body bytes received by this call
}

// cacheMeta is the sidecar of a cached or partial file.
type cacheMeta struct {
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Size         int64     `json:"size"` // -1 when the server did not say
	SHA256       string    `json:"sha256,omitempty"`
	GoogHash     string    `json:"x_goog_hash,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
}

// transientError marks a failure worth retrying.
type transientError struct {
	err        error
	retryAfter time.Duration
}

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

func transient(err error) error { return &transientError{err: err} }

// Fetcher returns a Fetcher for the file at url, cached under name (a
// slash-separated relative path such as "osv/Go/all.zip").
func (d *Downloader) Fetcher(name, url string) *HTTPFetcher {
	return &HTTPFetcher{d: d, name: name, url: url}
}

// HTTPFetcher is the Fetcher of one file served over HTTP.
type HTTPFetcher struct {
	d         *Downloader
	name, url string
}

var _ Fetcher = (*HTTPFetcher)(nil)

// Name is the cache name of the file.
func (f *HTTPFetcher) Name() string { return f.name }

// URL is where the file is downloaded from.
func (f *HTTPFetcher) URL() string { return f.url }

// Fetch downloads the file when it changed and opens the cached copy.
func (f *HTTPFetcher) Fetch(ctx context.Context, prev Fingerprint) (io.ReadCloser, Fingerprint, error) {
	res, err := f.d.Download(ctx, f.name, f.url)
	if err != nil {
		return nil, "", err
	}
	if prev != "" && res.Fingerprint == prev {
		return nil, prev, ErrUnchanged
	}
	fh, err := os.Open(res.Path)
	if err != nil {
		return nil, "", fmt.Errorf("feed: open cached %s: %w", f.name, err)
	}
	return fh, res.Fingerprint, nil
}

// Open opens the cached copy without any network request, for a caller that
// got ErrUnchanged but needs the content after all.
func (f *HTTPFetcher) Open() (io.ReadCloser, Fingerprint, error) {
	path, err := f.d.path(f.name)
	if err != nil {
		return nil, "", err
	}
	m, ok := loadVerified(path, "")
	if !ok {
		return nil, "", fmt.Errorf("feed: no valid cached copy of %s", f.name)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("feed: open cached %s: %w", f.name, err)
	}
	return fh, Fingerprint("sha256:" + m.SHA256), nil
}

// Invalidate forgets the cached copy, so that the next Fetch downloads the
// whole file again without conditional headers.
func (f *HTTPFetcher) Invalidate() {
	if path, err := f.d.path(f.name); err == nil {
		removeQuietly(path, path+".meta", path+".part", path+".part.meta")
	}
}

func (d *Downloader) path(name string) (string, error) {
	if d.Dir == "" {
		return "", errors.New("feed: downloader has no cache directory")
	}
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", fmt.Errorf("feed: cache name %q is not a local path", name)
	}
	return filepath.Join(d.Dir, filepath.FromSlash(name)), nil
}

// Download brings the cached copy of url, stored under name, up to date.
func (d *Downloader) Download(ctx context.Context, name, url string) (Result, error) {
	path, err := d.path(name)
	if err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return Result{}, fmt.Errorf("feed: create cache dir: %w", err)
	}
	attempts := d.Attempts
	if attempts <= 0 {
		attempts = 4
	}
	delay := d.Backoff
	if delay <= 0 {
		delay = time.Second
	}
	var lastErr error
	for i := 1; i <= attempts; i++ {
		res, err := d.try(ctx, path, url)
		if err == nil {
			return res, nil
		}
		te, ok := errors.AsType[*transientError](err)
		if !ok || ctx.Err() != nil {
			return Result{}, err
		}
		if dnsErr, ok := errors.AsType[*net.DNSError](err); ok && dnsErr.IsNotFound {
			// The host does not exist (or the machine is offline):
			// asking again in a second gets the same answer.
			return Result{}, fmt.Errorf("feed: download %s: %w", url, err)
		}
		lastErr = err
		if i == attempts {
			break
		}
		wait := delay
		if te.retryAfter > 0 {
			wait = min(te.retryAfter, 60*time.Second)
		}
		slog.WarnContext(ctx, "feed: download failed, retrying", "url", url, "attempt", i, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return Result{}, fmt.Errorf("feed: download %s: %w", url, context.Cause(ctx))
		case <-time.After(wait):
		}
		delay = min(delay*2, 30*time.Second)
	}
	return Result{}, fmt.Errorf("feed: download %s: gave up after %d attempts: %w", url, attempts, lastErr)
}

func (d *Downloader) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
	}}
}

func (d *Downloader) maxSize() int64 {
	if d.MaxSize > 0 {
		return d.MaxSize
	}
	return 4 << 30
}

// try makes one request and, on success, leaves a complete verified file.
func (d *Downloader) try(ctx context.Context, path, url string) (Result, error) {
	cur, haveCur := loadVerified(path, url)
	partPath, partMetaPath := path+".part", path+".part.meta"
	pm, havePart := loadPart(partPath, partMetaPath, url)

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Result{}, fmt.Errorf("feed: request %s: %w", url, err)
	}
	if d.UserAgent != "" {
		req.Header.Set("User-Agent", d.UserAgent)
	}
	// Ask for an uncompressed body: Range offsets count stored bytes.
	req.Header.Set("Accept-Encoding", "identity")
	if haveCur {
		if cur.ETag != "" {
			req.Header.Set("If-None-Match", cur.ETag)
		}
		if cur.LastModified != "" {
			req.Header.Set("If-Modified-Since", cur.LastModified)
		}
	}
	var offset int64
	if havePart {
		offset = pm.partSize
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", offset))
		// If-Range needs a strong validator; a weak ETag falls back to the date.
		if pm.ETag != "" && !strings.HasPrefix(pm.ETag, "W/") {
			req.Header.Set("If-Range", pm.ETag)
		} else {
			req.Header.Set("If-Range", pm.LastModified)
		}
	}

	resp, err := d.client().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("feed: download %s: %w", url, context.Cause(ctx))
		}
		return Result{}, transient(fmt.Errorf("feed: download %s: %w", url, err))
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotModified && haveCur:
		return Result{Path: path, Fingerprint: Fingerprint("sha256:" + cur.SHA256), Size: cur.Size, NotModified: true}, nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return Result{}, fmt.Errorf("feed: download %s: HTTP %d: %w", url, resp.StatusCode, ErrNotFound)
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		removeQuietly(partPath, partMetaPath)
		return Result{}, transient(fmt.Errorf("feed: download %s: range not satisfiable, restarting", url))
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return Result{}, &transientError{
			err:        fmt.Errorf("feed: download %s: HTTP %s", url, resp.Status),
			retryAfter: retryAfter(resp.Header.Get("Retry-After")),
		}
	case resp.StatusCode == http.StatusPartialContent && havePart:
		start, total, ok := contentRange(resp.Header.Get("Content-Range"))
		if !ok || start != offset {
			removeQuietly(partPath, partMetaPath)
			return Result{}, transient(fmt.Errorf("feed: download %s: unexpected Content-Range %q", url, resp.Header.Get("Content-Range")))
		}
		if total >= 0 {
			pm.Size = total
		}
		if h := resp.Header.Get("X-Goog-Hash"); h != "" {
			pm.GoogHash = h
		}
	case resp.StatusCode == http.StatusOK:
		offset = 0
		havePart = false
		pm = partMeta{cacheMeta: cacheMeta{
			URL:          url,
			ETag:         resp.Header.Get("ETag"),
			LastModified: resp.Header.Get("Last-Modified"),
			Size:         resp.ContentLength,
			GoogHash:     resp.Header.Get("X-Goog-Hash"),
		}}
	default:
		return Result{}, fmt.Errorf("feed: download %s: HTTP %s", url, resp.Status)
	}
	limit := d.maxSize()
	if pm.Size > limit {
		return Result{}, fmt.Errorf("feed: download %s: %d bytes is over the %d-byte limit", url, pm.Size, limit)
	}
	if err := writeJSONAtomic(partMetaPath, pm.cacheMeta); err != nil {
		return Result{}, err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if havePart {
		flags = os.O_WRONLY | os.O_APPEND
	}
	pf, err := os.OpenFile(partPath, flags, 0o644)
	if err != nil {
		return Result{}, fmt.Errorf("feed: open partial file: %w", err)
	}
	n, copyErr := io.Copy(pf, io.LimitReader(resp.Body, limit-offset+1))
	syncErr := pf.Sync()
	if cerr := pf.Close(); syncErr == nil {
		syncErr = cerr
	}
	res := Result{Path: path, Resumed: havePart, Received: n}
	if copyErr != nil {
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("feed: download %s: %w", url, context.Cause(ctx))
		}
		// The partial file stays: the next attempt resumes from it.
		return Result{}, transient(fmt.Errorf("feed: download %s: body cut short after %d bytes: %w", url, offset+n, copyErr))
	}
	if syncErr != nil {
		return Result{}, fmt.Errorf("feed: write partial file: %w", syncErr)
	}
	got := offset + n
	if got > limit {
		removeQuietly(partPath, partMetaPath)
		return Result{}, fmt.Errorf("feed: download %s: over the %d-byte limit", url, limit)
	}
	if pm.Size >= 0 && got != pm.Size {
		removeQuietly(partPath, partMetaPath)
		return Result{}, transient(fmt.Errorf("feed: download %s: got %d bytes, server announced %d", url, got, pm.Size))
	}
	sum, err := verifyFile(partPath, pm.GoogHash)
	if err != nil {
		removeQuietly(partPath, partMetaPath)
		return Result{}, transient(fmt.Errorf("feed: download %s: %w", url, err))
	}
	if err := os.Rename(partPath, path); err != nil {
		return Result{}, fmt.Errorf("feed: install download: %w", err)
	}
	m := pm.cacheMeta
	m.Size, m.SHA256, m.FetchedAt = got, sum, time.Now().UTC()
	if err := writeJSONAtomic(path+".meta", m); err != nil {
		return Result{}, err
	}
	removeQuietly(partMetaPath)
	// The part file was synced before it was verified; the directory
	// holds its new name.
	if err := atomicfile.SyncDir(filepath.Dir(path)); err != nil {
		return Result{}, fmt.Errorf("feed: install download: %w", err)
	}
	res.Fingerprint, res.Size = Fingerprint("sha256:"+sum), got
	return res, nil
}

// partMeta is the sidecar of a partial download plus the bytes already there.
type partMeta struct {
	cacheMeta
	partSize int64
}

// loadPart returns a resumable partial download of url, if there is one.
func loadPart(partPath, metaPath, url string) (partMeta, bool) {
	var m cacheMeta
	if !readJSON(metaPath, &m) || m.URL != url {
		return partMeta{}, false
	}
	// Resuming is only safe when If-Range can tell the server which version
	// the partial bytes belong to.
	if strong := m.ETag != "" && !strings.HasPrefix(m.ETag, "W/"); !strong && m.LastModified == "" {
		return partMeta{}, false
	}
	fi, err := os.Stat(partPath)
	if err != nil || fi.Size() == 0 || (m.Size >= 0 && fi.Size() >= m.Size) {
		return partMeta{}, false
	}
	return partMeta{cacheMeta: m, partSize: fi.Size()}, true
}

// loadVerified returns the sidecar of the cached file when the file matches
// it (size and sha256). With url != "" the sidecar must also be for that URL,
// since validators of one server mean nothing to another.
func loadVerified(path, url string) (cacheMeta, bool) {
	var m cacheMeta
	if !readJSON(path+".meta", &m) || (url != "" && m.URL != url) {
		return cacheMeta{}, false
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != m.Size {
		return cacheMeta{}, false
	}
	sum, err := verifyFile(path, "")
	if err != nil || sum != m.SHA256 {
		return cacheMeta{}, false
	}
	return m, true
}

// verifyFile hashes path, checks the MD5 and CRC32C that Google Cloud Storage
// (the OSV bucket) announces in X-Goog-Hash, and returns the sha256 in hex.
func verifyFile(path, googHash string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("verify download: %w", err)
	}
	defer f.Close()
	sha := sha256.New()
	md := md5.New()
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	ws := []io.Writer{sha}
	want := parseGoogHash(googHash)
	if _, ok := want["md5"]; ok {
		ws = append(ws, md)
	}
	if _, ok := want["crc32c"]; ok {
		ws = append(ws, crc)
	}
	if _, err := io.Copy(io.MultiWriter(ws...), f); err != nil {
		return "", fmt.Errorf("verify download: %w", err)
	}
	for alg, h := range map[string]hash.Hash{"md5": md, "crc32c": crc} {
		w, ok := want[alg]
		if !ok {
			continue
		}
		if got := base64.StdEncoding.EncodeToString(h.Sum(nil)); got != w {
			return "", fmt.Errorf("%s checksum mismatch: got %s, server announced %s", alg, got, w)
		}
	}
	return hex.EncodeToString(sha.Sum(nil)), nil
}

// parseGoogHash reads "crc32c=AAAAAA==,md5=BBBB...==" (one header or several
// joined by commas).
func parseGoogHash(h string) map[string]string {
	out := map[string]string{}
	for part := range strings.SplitSeq(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && (k == "md5" || k == "crc32c") {
			out[k] = v
		}
	}
	return out
}

// contentRange parses "bytes START-END/TOTAL" (TOTAL may be "*": -1).
func contentRange(h string) (start, total int64, ok bool) {
	rest, found := strings.CutPrefix(h, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	s, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(s, 10, 64)
	if err != nil || start < 0 {
		return 0, 0, false
	}
	total = -1
	if tot != "*" {
		if total, err = strconv.ParseInt(tot, 10, 64); err != nil || total < 0 {
			return 0, 0, false
		}
	}
	return start, total, true
}

func retryAfter(h string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

func readJSON(path string, v any) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	return json.Unmarshal(b, v) == nil
}

func writeJSONAtomic(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("feed: encode %s: %w", filepath.Base(path), err)
	}
	if err := atomicfile.WriteFile(path, b, atomicfile.Options{Perm: 0o644}); err != nil {
		return fmt.Errorf("feed: write %s: %w", filepath.Base(path), err)
	}
	return nil
}

func removeQuietly(paths ...string) {
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			slog.Debug("feed: remove", "path", p, "err", err)
		}
	}
}
