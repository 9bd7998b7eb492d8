package source

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"

	"github.com/bulwark-sec/bulwark/internal/layerfs"
)

// openRegistry resolves a reference with go-containerregistry, using the
// user's Docker credentials (~/.docker/config.json and credential helpers).
// Loopback and private-network registries are spoken to over plain HTTP,
// as the Docker CLI does.
func openRegistry(ctx context.Context, ref string, opts Options) (*Image, error) {
	var nopts []name.Option
	if opts.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownTarget, err)
	}
	platform := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	if opts.Platform != "" {
		p, err := v1.ParsePlatform(opts.Platform)
		if err != nil {
			return nil, fmt.Errorf("registry: platform: %w", err)
		}
		platform = *p
	}
	ropts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(authn.DefaultKeychain),
		remote.WithPlatform(platform),
	}
	if opts.Transport != nil {
		ropts = append(ropts, remote.WithTransport(opts.Transport))
	}
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, fmt.Errorf("registry: %s: %w", ref, err)
	}
	rimg, err := desc.Image()
	if err != nil {
		return nil, fmt.Errorf("registry: %s: %w", ref, err)
	}
	cfg, err := rimg.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("registry: %s: config: %w", ref, err)
	}
	cfgName, err := rimg.ConfigName()
	if err != nil {
		return nil, fmt.Errorf("registry: %s: %w", ref, err)
	}
	layers, err := rimg.Layers()
	if err != nil {
		return nil, fmt.Errorf("registry: %s: layers: %w", ref, err)
	}
	if len(layers) != len(cfg.RootFS.DiffIDs) {
		return nil, fmt.Errorf("%w: %s: config lists %d layers, manifest %d", ErrNotImage, ref, len(cfg.RootFS.DiffIDs), len(layers))
	}
	img := &Image{Kind: Registry, Name: r.Name(), ID: cfgName.String(), Config: cfg, byPlatform: desc.MediaType.IsIndex(),
		RepoDigests: []string{r.Context().Name() + "@" + desc.Digest.String()}}
	for i, l := range layers {
		ref := LayerRef{DiffID: cfg.RootFS.DiffIDs[i].String()}
		d, err := l.Digest()
		if err != nil {
			return nil, fmt.Errorf("registry: layer %d digest: %w", i, err)
		}
		// Verified when the blob is read to the end, before the layer's
		// results are handed on (see readLayers).
		ref.Digest, ref.Key = d.String(), "blob:"+d.String()
		if s, err := l.Size(); err == nil {
			ref.Size = s
		}
		if mt, err := l.MediaType(); err == nil {
			ref.MediaType = string(mt)
		}
		img.Layers = append(img.Layers, ref)
	}
	img.read = &remoteLayers{layers: layers}
	return img, nil
}

type remoteLayers struct{ layers []v1.Layer }

// readLayers downloads wanted layers, three at a time. The blob reader of
// go-containerregistry verifies the digest once read to the end, so each
// stream is drained after the walk and its error checked.
func (r *remoteLayers) readLayers(ctx context.Context, img *Image, want func(int) bool, analyze LayerFunc, done DoneFunc) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(3)
	seen := map[string]bool{}
	for i, l := range r.layers {
		diff, key := img.Layers[i].DiffID, img.Layers[i].Key
		if !want(i) || seen[key] {
			continue
		}
		seen[key] = true
		g.Go(func() error {
			rc, err := l.Compressed()
			if err != nil {
				return fmt.Errorf("registry: layer %d: %w", i, err)
			}
			defer rc.Close()
			res, err := analyze(ctx, layerfs.Layer{R: rc, Size: img.Layers[i].Size})
			if err != nil {
				return fmt.Errorf("layer %d (%s): %w", i, short(diff), err)
			}
			if _, err := io.Copy(io.Discard, rc); err != nil {
				return fmt.Errorf("registry: layer %d: %w", i, err)
			}
			done(key, res)
			return nil
		})
	}
	return g.Wait()
}
