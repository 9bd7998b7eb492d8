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
// at [Open].
package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

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

	read   layerReader
	closer func() error
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
	return img, nil
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
	scheme, rest, ok := strings.Cut(target, ":")
	if ok {
		switch Kind(scheme) {
		case DockerArchive, OCIArchive:
			return openArchive(rest, Kind(scheme), platform)
		case OCILayout:
			return openLayoutDir(rest, platform)
		case Dir:
			return openDir(rest)
		case Docker:
			return openDocker(ctx, rest, opts)
		case Registry:
			if opts.Offline {
				return nil, fmt.Errorf("%s: %w", target, ErrOffline)
			}
			return openRegistry(ctx, rest, opts)
		}
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
	if opts.Offline {
		return nil, fmt.Errorf("%w: %s: not a file or directory, not in the local Docker engine (%v), and registries are off in offline mode",
			ErrUnknownTarget, target, derr)
	}
	img, rerr := openRegistry(ctx, target, opts)
	if rerr == nil {
		return img, nil
	}
	return nil, fmt.Errorf("%w: %s: not a file or directory, not in the local Docker engine (%v), not in a registry (%v)",
		ErrUnknownTarget, target, derr, rerr)
}

// looksLikePath is true for arguments that cannot be image references, so
// a mistyped path does not turn into a registry request.
func looksLikePath(s string) bool {
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
		return nil, fmt.Errorf("%w: %s is not a directory", ErrUnknownTarget, dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &Image{Kind: Dir, Name: abs, RootDir: abs}, nil
}
