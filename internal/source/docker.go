package source

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
)

// dockerAPI is the part of the Engine API client this package uses.
type dockerAPI interface {
	ImageInspect(ctx context.Context, id string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	ImageHistory(ctx context.Context, id string, opts ...client.ImageHistoryOption) ([]image.HistoryResponseItem, error)
	ImageSave(ctx context.Context, ids []string, opts ...client.ImageSaveOption) (io.ReadCloser, error)
	Close() error
}

var _ dockerAPI = (*client.Client)(nil)

// openDocker reads metadata through the Engine API. Layers are only pulled
// out of the engine (image save) when ReadLayers asks for them, so a scan
// whose layers are all cached never exports the image.
func openDocker(ctx context.Context, name string, opts Options) (*Image, error) {
	api, err := dockerhost.Client(dockerhost.Options{Host: opts.DockerHost})
	if err != nil {
		return nil, fmt.Errorf("docker: %w", err)
	}
	img, err := loadDocker(ctx, api, name)
	if err != nil {
		api.Close()
		return nil, err
	}
	return img, nil
}

func loadDocker(ctx context.Context, api dockerAPI, name string) (*Image, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ins, err := api.ImageInspect(ctx, name)
	if cerrdefs.IsNotFound(err) {
		// The engine's own text says it twice ("no such image: X: No
		// such image: X").
		return nil, fmt.Errorf("docker: %s: %w", name, ErrNoSuchImage)
	}
	if err != nil {
		return nil, fmt.Errorf("docker: inspecting %s: %w", name, err)
	}
	hist, err := api.ImageHistory(ctx, ins.ID)
	if err != nil {
		return nil, fmt.Errorf("docker: history of %s: %w", name, err)
	}
	cfg, err := configFromInspect(ins, hist)
	if err != nil {
		return nil, fmt.Errorf("docker: %s: %w", name, err)
	}
	img := &Image{Kind: Docker, Name: name, ID: ins.ID, RepoTags: ins.RepoTags, RepoDigests: ins.RepoDigests, Config: cfg,
		DiffIDsComputed: true}
	for _, d := range cfg.RootFS.DiffIDs {
		// The engine computed these diff IDs itself when it stored the layers.
		img.Layers = append(img.Layers, LayerRef{DiffID: d.String(), Key: d.String()})
	}
	img.read = &dockerLayers{api: api}
	img.closer = api.Close
	return img, nil
}

// configFromInspect rebuilds the image configuration from the inspect and
// history answers (the raw configuration is only available inside an
// image export). History entries without a layer are recognised by their
// zero size.
func configFromInspect(ins image.InspectResponse, hist []image.HistoryResponseItem) (*v1.ConfigFile, error) {
	cfg := &v1.ConfigFile{Architecture: ins.Architecture, OS: ins.Os, Variant: ins.Variant}
	if t, err := time.Parse(time.RFC3339Nano, ins.Created); err == nil {
		cfg.Created = v1.Time{Time: t}
	}
	if ins.Config != nil {
		b, err := json.Marshal(ins.Config)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &cfg.Config); err != nil {
			return nil, fmt.Errorf("image config: %w", err)
		}
	}
	cfg.RootFS.Type = "layers"
	for _, l := range ins.RootFS.Layers {
		h, err := v1.NewHash(l)
		if err != nil {
			return nil, fmt.Errorf("layer id %q: %w", l, err)
		}
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, h)
	}
	for i := len(hist) - 1; i >= 0; i-- { // the API lists newest first
		h := hist[i]
		cfg.History = append(cfg.History, v1.History{
			Created:    v1.Time{Time: time.Unix(h.Created, 0).UTC()},
			CreatedBy:  h.CreatedBy,
			Comment:    h.Comment,
			EmptyLayer: h.Size == 0,
		})
	}
	return cfg, nil
}

type dockerLayers struct{ api dockerAPI }

var legacyLayer = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{64}/layer\.tar$`) })

// readLayers exports the image and walks the export as a stream. In the
// OCI form of `docker save` (Docker 25+) a layer's name is its diff ID. The
// legacy form names layers by v1 IDs and writes them in name order, not
// layer order, so each legacy layer is hashed as it streams by and
// identified by its digest afterwards; all of them are analysed, since
// which one is coming cannot be known in advance.
func (d *dockerLayers) readLayers(ctx context.Context, img *Image, want func(int) bool, analyze LayerFunc, done DoneFunc) error {
	rc, err := d.api.ImageSave(ctx, []string{img.ID})
	if err != nil {
		return fmt.Errorf("docker: exporting %s: %w", img.Name, err)
	}
	defer rc.Close()
	index := map[string]int{}
	for i := len(img.Layers) - 1; i >= 0; i-- {
		index[img.Layers[i].DiffID] = i
	}
	got := map[string]bool{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("docker: reading export of %s: %w", img.Name, err)
		}
		if h.Typeflag != tar.TypeReg { // archive/tar reports the old TypeRegA as TypeReg
			continue
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		switch {
		case strings.HasPrefix(name, "blobs/sha256/"):
			diff := "sha256:" + strings.TrimPrefix(name, "blobs/sha256/")
			i, ok := index[diff]
			if !ok || got[diff] || !want(i) {
				continue // config, manifests, or a layer not asked for
			}
			res, err := analyze(ctx, layerfs.Layer{R: tr})
			if err != nil {
				return fmt.Errorf("layer %d (%s): %w", i, short(diff), err)
			}
			got[diff] = true
			done(diff, res)
		case legacyLayer().MatchString(name):
			hash := sha256.New()
			res, err := analyze(ctx, layerfs.Layer{R: io.TeeReader(tr, hash)})
			if err != nil {
				return fmt.Errorf("layer %s: %w", path.Dir(name)[:12], err)
			}
			if _, err := io.Copy(hash, tr); err != nil {
				return fmt.Errorf("docker: reading export of %s: %w", img.Name, err)
			}
			diff := "sha256:" + hex.EncodeToString(hash.Sum(nil))
			if _, ok := index[diff]; !ok {
				return fmt.Errorf("docker: export of %s holds a layer %s the image does not list", img.Name, short(diff))
			}
			if !got[diff] {
				got[diff] = true
				done(diff, res)
			}
		}
	}
	for i, l := range img.Layers {
		if want(i) && !got[l.DiffID] {
			return fmt.Errorf("docker: export of %s lacks layer %s", img.Name, short(l.DiffID))
		}
	}
	return nil
}

// EngineImages is the part of the Engine API an image is read through.
type EngineImages interface {
	ImageInspect(ctx context.Context, id string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	ImageHistory(ctx context.Context, id string, opts ...client.ImageHistoryOption) ([]image.HistoryResponseItem, error)
	ImageSave(ctx context.Context, ids []string, opts ...client.ImageSaveOption) (io.ReadCloser, error)
}

// FromEngine opens image name of an engine the caller already holds a
// client for; closing the image leaves the client open.
func FromEngine(ctx context.Context, api EngineImages, name string) (*Image, error) {
	return loadDocker(ctx, keepOpen{api}, name)
}

type keepOpen struct{ EngineImages }

func (keepOpen) Close() error { return nil }
