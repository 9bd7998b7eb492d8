// Package source opens scan targets as images: an ordered list of layers
// plus the image configuration, whatever the storage.
//
// # Data flow
//
//	TARGET ──Open──▶ Image{Config, Layers[] (diff IDs)} ──ReadLayers──▶ layerfs.Layer per wanted layer
//
// Open reads only metadata (manifests, configuration), so a caller can look
// its layer-result cache up by each layer's Key first and then ask
// ReadLayers for the layers it is missing. ReadLayers reads each distinct
// Key once and reports results by Key. Archives and OCI layouts hand out layers as regions
// of the file (io.ReaderAt), which lets the layer walker skip file bodies;
// the Docker engine and registries hand out streams.
//
// Targets: docker-archive:PATH, oci-archive:PATH, oci-layout:DIR, dir:PATH,
// docker:NAME[:TAG], registry:REF, or a bare argument, detected as described
// at [Open]. The grammar, with the non-image targets sbom:FILE and
// dockerfile:PATH that package scan reads, is decided here alone ([Parse]).
package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/layerfs"
)

// Kind is the storage an image came from.
type Kind string

const (
	DockerArchive Kind = "docker-archive"
	OCIArchive    Kind = "oci-archive"
	OCILayout     Kind = "oci-layout"
	Dir           Kind = "dir"
	Docker        Kind = "docker"
	Registry      Kind = "registry"
)

// Sentinel errors for callers that map them to messages or exit codes.
var (
	// ErrUnknownTarget: the argument names nothing Bulwark can open.
	ErrUnknownTarget = errors.New("unknown target")
	// ErrNotImage: the file or directory is not an image in any known layout.
	ErrNotImage = errors.New("not a container image")
	// ErrNoSuchImage: the Docker engine has no image of that name.
	ErrNoSuchImage = errors.New("no such image in the local Docker engine")
)

// LayerRef describes one layer of an image.
type LayerRef struct {
	DiffID    string `json:"diff_id"`          // digest of the uncompressed tar, as the config declares it
	Digest    string `json:"digest,omitempty"` // digest of the blob as stored
	Size      int64  `json:"size,omitempty"`   // size of the blob as stored
	MediaType string `json:"media_type,omitempty"`
	// Key names the layer's bytes as the storage holds them: ReadLayers
	// reads each distinct Key once, and a layer-result cache files results
	// under it. A declared diff ID is not proof of content (the walker
	// skips file bodies instead of hashing them), so keying by it would let
	// a hostile image claim a popular base layer's diff ID and be served
	// that layer's cached results, or repeat one of its own layers' diff
	// IDs to have a second layer never read. Each storage therefore names
	// a layer by something it can vouch for:
	//
	//	docker engine  the diff ID: the engine computed it when it stored the layer
	//	registry       the blob digest, which the download checks before the
	//	               results are handed on
	//	archive, OCI   the diff ID scoped to the member or blob file it is read
	//	layout         from (device, inode, size, modification and change
	//	               times, position): a rescan of the same file hits, other
	//	               files cannot
	Key string `json:"-"`
}

// Image is an opened target.
type Image struct {
	Target      string // the argument as given
	Kind        Kind
	Name        string // what to call it in reports
	ID          string // configuration digest, when known
	RepoTags    []string
	RepoDigests []string
	Config      *v1.ConfigFile // nil for directories
	Layers      []LayerRef     // base first; empty for directories
	// RootDir is the root filesystem of a Dir target.
	RootDir string
	// DiffIDsComputed: the storage computed the layers' diff IDs from
	// their content itself (the Docker engine does when it stores a
	// layer), so they need no checking. Elsewhere the configuration only
	// declares them; a reader that must know hashes what it reads.
	DiffIDsComputed bool

	read   layerReader
	closer func() error
	// byPlatform: picked from an index by its platform descriptor.
	byPlatform bool
}

// layerReader is what each storage implements.
type layerReader interface {
	readLayers(ctx context.Context, img *Image, want func(i int) bool, analyze LayerFunc, done DoneFunc) error
}

// LayerFunc analyses one layer's content. It may be called concurrently for
// different layers and must consume what it needs of l before returning.
type LayerFunc func(ctx context.Context, l layerfs.Layer) (any, error)

// DoneFunc receives the result of a LayerFunc together with the layer's
// Key, once per distinct Key. Calls are serialised.
type DoneFunc func(key string, result any)

// ReadLayers analyses every distinct layer i with want(i) true and hands
// each result to done. Some storages cannot tell which layer a stream is
// before reading it (the legacy form of a Docker engine export); they
// analyse every layer they stream and report those too, so want is a hint
// that saves work where it can.
func (img *Image) ReadLayers(ctx context.Context, want func(i int) bool, analyze LayerFunc, done DoneFunc) error {
	if img.read == nil {
		return nil
	}
	var mu sync.Mutex
	serial := func(key string, result any) {
		mu.Lock()
		defer mu.Unlock()
		done(key, result)
	}
	return img.read.readLayers(ctx, img, want, analyze, serial)
}

// Close releases open files and connections.
func (img *Image) Close() error {
	if img.closer == nil {
		return nil
	}
	return img.closer()
}

// Options configure access to engines and registries. The zero value uses
// DOCKER_HOST (or the default socket) and ~/.docker/config.json.
type Options struct {
	// DockerHost overrides DOCKER_HOST ("unix:///var/run/docker.sock").
	DockerHost string
	// Platform selects an image of a multi-platform index ("linux/amd64");
	// default: the running platform.
	Platform string
	// Insecure allows plain HTTP for registries that are not loopback or
	// private addresses (those always may use it).
	Insecure bool
	// Offline refuses registry targets, and bare names are looked up in
	// the local engine only.
	Offline bool
	// Transport carries every registry connection (API, auth realm,
	// redirects); nil: the default transport.
	Transport http.RoundTripper
}

// ErrOffline: a registry was needed but Options.Offline forbids it.
var ErrOffline = errors.New("registry access refused in offline mode")

// Open resolves target to an image. A bare argument is detected: an
// existing file is an archive (docker or OCI, by content), a directory
// holding index.json is an OCI layout, any other directory a root
// filesystem; anything else is an image name, looked up in the local Docker
// engine first and then in its registry.
func Open(ctx context.Context, target string, opts Options) (*Image, error) {
	img, err := open(ctx, target, opts)
	if err != nil {
		return nil, err
	}
	img.Target = target
	if err := checkPlatform(img, opts.Platform); err != nil {
		img.Close()
		return nil, err
	}
	return img, nil
}

// checkPlatform refuses a single-platform image that is not the platform
// --platform asked for: an index picks its image by platform, but a plain
// manifest (or an engine's image) is whatever it is, and scanning it
// instead would answer a question nobody asked.
func checkPlatform(img *Image, want string) error {
	if want == "" || img.Config == nil || img.byPlatform {
		return nil
	}
	spec, err := v1.ParsePlatform(want)
	if err != nil {
		return fmt.Errorf("%w: --platform %q: %v", ErrUnknownTarget, want, err)
	}
	have := v1.Platform{OS: img.Config.OS, Architecture: img.Config.Architecture, Variant: img.Config.Variant}
	if have.Architecture == "" || have.Satisfies(*spec) {
		return nil
	}
	return fmt.Errorf("%w: %s is a single-platform image for %s, not %s", ErrNotImage, img.Name, have.String(), spec.String())
}

func open(ctx context.Context, target string, opts Options) (*Image, error) {
	if target == "" {
		return nil, fmt.Errorf("%w: empty target", ErrUnknownTarget)
	}
	var platform *v1.Platform
	if opts.Platform != "" {
		p, err := v1.ParsePlatform(opts.Platform)
		if err != nil {
			return nil, fmt.Errorf("%w: --platform %q: %v", ErrUnknownTarget, opts.Platform, err)
		}
		platform = p
	}
	switch t := Parse(target); t.Kind {
	case DockerArchive, OCIArchive:
		return openArchive(t.Ref, t.Kind, platform)
	case OCILayout:
		return openLayoutDir(t.Ref, platform)
	case Dir:
		return openDir(t.Ref)
	case Docker:
		return openDocker(ctx, t.Ref, opts)
	case Registry:
		if opts.Offline {
			return nil, fmt.Errorf("%s: %w", target, ErrOffline)
		}
		return openRegistry(ctx, t.Ref, opts)
	case SBOM, Dockerfile:
		return nil, fmt.Errorf("%w: %s is a %s, not an image", ErrNotImage, target, t.Kind)
	}
	// Bare argument.
	if st, err := os.Stat(target); err == nil {
		if st.Mode().IsRegular() {
			return openArchive(target, "", platform)
		}
		if st.IsDir() {
			if _, err := os.Stat(filepath.Join(target, "index.json")); err == nil {
				return openLayoutDir(target, platform)
			}
			return openDir(target)
		}
		return nil, fmt.Errorf("%w: %s is neither a file nor a directory", ErrUnknownTarget, target)
	}
	if looksLikePath(target) {
		return nil, fmt.Errorf("%w: %s: no such file or directory", ErrUnknownTarget, target)
	}
	img, derr := openDocker(ctx, target, opts)
	if derr == nil {
		return img, nil
	}
	local := "not in the local Docker engine"
	if !errors.Is(derr, ErrNoSuchImage) {
		local = fmt.Sprintf("the local Docker engine did not answer (%v)", derr)
	}
	if opts.Offline {
		return nil, fmt.Errorf("%w: %s: no such file or directory, %s, and registries are off in offline mode",
			ErrUnknownTarget, target, local)
	}
	if host, ok := unresolvable(ctx, target); ok {
		// No registry attempt for a name whose registry host does not
		// resolve: the answer would only be a longer way to say so.
		return nil, fmt.Errorf("%w: %s: no such file or directory, %s, and its registry %s does not resolve (offline? for a file give its path, for an engine image docker:NAME)",
			ErrUnknownTarget, target, local, host)
	}
	img, rerr := openRegistry(ctx, target, opts)
	if rerr == nil {
		return img, nil
	}
	return nil, fmt.Errorf("%w: %s: no such file or directory, %s, and not in a registry (%v)",
		ErrUnknownTarget, target, local, rerr)
}

// unresolvable reports the registry host of an image reference when DNS
// says it does not exist. Loopback and literal addresses always resolve.
func unresolvable(ctx context.Context, ref string) (string, bool) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", false
	}
	host := r.Context().RegistryStr()
	if host == name.DefaultRegistry {
		host = "index.docker.io"
	}
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	if h == "localhost" || net.ParseIP(h) != nil {
		return "", false
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = net.DefaultResolver.LookupHost(ctx, h)
	if dnsErr, ok := errors.AsType[*net.DNSError](err); ok && dnsErr.IsNotFound {
		return host, true
	}
	return "", false
}

// looksLikePath is true for arguments that cannot be image references, or
// whose first directory exists here (testdata/missing-image), so a
// mistyped path does not turn into a registry request.
func looksLikePath(s string) bool {
	if first, _, ok := strings.Cut(s, "/"); ok && !strings.ContainsAny(first, ".:") && first != "localhost" {
		if st, err := os.Stat(first); err == nil && st.IsDir() {
			return true
		}
	}
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") ||
		strings.HasSuffix(s, ".tar") || strings.HasSuffix(s, ".tar.gz") || strings.HasSuffix(s, ".tgz") ||
		strings.ContainsAny(s, " \\")
}

func openDir(dir string) (*Image, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownTarget, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is a file, and dir: wants a root filesystem directory (an image archive is docker-archive:%s or oci-archive:%s)", ErrUnknownTarget, dir, dir, dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &Image{Kind: Dir, Name: abs, RootDir: abs}, nil
}
