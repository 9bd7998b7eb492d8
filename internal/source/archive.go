package source

import (
	"archive/tar"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"

	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/regular"
)

// Archives and OCI layouts are read here rather than through
// go-containerregistry's tarball and layout packages: those hand layers out
// as io.ReadClosers, and walking a layer through a plain reader copies every
// byte of it, where a region of the file lets the walker seek past file
// bodies (a few MB read instead of the whole image). The JSON documents are
// decoded into go-containerregistry's v1 types.

// maxDocSize bounds manifests, indexes and configurations.
const maxDocSize = 16 << 20

// store reads the files of an image layout, wherever they live.
type store interface {
	open(name string) (io.ReaderAt, int64, error)
	// identity names the bytes of member name as the file holds them now
	// (see LayerRef.Key).
	identity(name string) (string, error)
}

func readDoc(st store, name string) ([]byte, error) {
	ra, size, err := st.open(name)
	if err != nil {
		return nil, err
	}
	if size > maxDocSize {
		return nil, fmt.Errorf("%s: %d bytes is too large for an image document", name, size)
	}
	b := make([]byte, size)
	if _, err := ra.ReadAt(b, 0); err != nil && !(errors.Is(err, io.EOF) && int64(len(b)) == size) {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return b, nil
}

// tarStore indexes the members of a tar file by name, recording where each
// body starts, so members can be read in place.
type tarStore struct {
	f       *os.File
	members map[string]tarMember
}

type tarMember struct {
	off, size int64
	link      string // symlink or hard link target, resolved to a member name
}

// maxMembers bounds the outer tar of an archive; a real one holds a few
// files per layer.
const maxMembers = 100_000

func newTarStore(f *os.File) (*tarStore, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	rr := newSeekReader(f, st.Size())
	tr := tar.NewReader(rr)
	ts := &tarStore{f: f, members: map[string]tarMember{}}
	for n := 0; ; n++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return nil, fmt.Errorf("%w: empty archive", ErrNotImage)
			}
			break
		}
		if err != nil {
			if n == 0 {
				return nil, fmt.Errorf("%w: not a tar archive", ErrNotImage)
			}
			return nil, fmt.Errorf("%w: reading archive: %v", ErrNotImage, err)
		}
		if n >= maxMembers {
			return nil, fmt.Errorf("%w: more than %d members", ErrNotImage, maxMembers)
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		switch h.Typeflag {
		case tar.TypeReg: // archive/tar reports the old TypeRegA as TypeReg
			ts.members[name] = tarMember{off: rr.pos, size: h.Size}
		case tar.TypeSymlink:
			target := h.Linkname
			if !strings.HasPrefix(target, "/") {
				target = path.Join(path.Dir(name), target)
			}
			ts.members[name] = tarMember{link: strings.TrimPrefix(path.Clean("/"+target), "/")}
		case tar.TypeLink:
			ts.members[name] = tarMember{link: strings.TrimPrefix(path.Clean("/"+h.Linkname), "/")}
		}
	}
	return ts, nil
}

func (ts *tarStore) open(name string) (io.ReaderAt, int64, error) {
	m, err := ts.resolve(name)
	if err != nil {
		return nil, 0, err
	}
	return io.NewSectionReader(ts.f, m.off, m.size), m.size, nil
}

// resolve follows links to the regular member that holds name's body.
func (ts *tarStore) resolve(name string) (tarMember, error) {
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	for hops := 0; hops < 16; hops++ {
		m, ok := ts.members[name]
		if !ok {
			return tarMember{}, fmt.Errorf("%s: %w", name, os.ErrNotExist)
		}
		if m.link == "" {
			return m, nil
		}
		name = m.link
	}
	return tarMember{}, fmt.Errorf("%s: too many links", name)
}

func (ts *tarStore) has(name string) bool { _, ok := ts.members[name]; return ok }

// seekReader is a minimal io.ReadSeeker over a file that tracks the
// position, so the offset of each member body is known after Next.
type seekReader struct {
	f    *os.File
	pos  int64
	size int64
}

func newSeekReader(f *os.File, size int64) *seekReader { return &seekReader{f: f, size: size} }

func (s *seekReader) Read(p []byte) (int, error) {
	if s.pos >= s.size {
		return 0, io.EOF
	}
	if int64(len(p)) > s.size-s.pos {
		p = p[:s.size-s.pos]
	}
	n, err := s.f.ReadAt(p, s.pos)
	s.pos += int64(n)
	if n > 0 && errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}

func (s *seekReader) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += s.pos
	case io.SeekEnd:
		off += s.size
	}
	if off < 0 {
		return 0, errors.New("negative position")
	}
	s.pos = off
	return off, nil
}

func openArchive(file string, want Kind, platform *v1.Platform) (*Image, error) {
	if st, err := os.Stat(file); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%w: %s is a directory, and %s: wants a tar file (an OCI layout directory is oci-layout:%s, a root filesystem dir:%s)",
			ErrUnknownTarget, file, cmp.Or(want, "an archive"), file, file)
	}
	f, err := regular.Open(file)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownTarget, err)
	}
	ts, err := newTarStore(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var img *Image
	switch {
	case want != OCIArchive && ts.has("manifest.json"):
		img, err = loadDockerArchive(ts)
	case want != DockerArchive && ts.has("index.json"):
		img, err = loadOCI(ts, "", platform)
		if img != nil {
			img.Kind = OCIArchive
		}
	case want == OCIArchive && ts.has("manifest.json"):
		err = fmt.Errorf("%w: a docker save archive without index.json (scan it as docker-archive:%s)", ErrNotImage, file)
	case want == DockerArchive && ts.has("index.json"):
		err = fmt.Errorf("%w: an OCI archive without manifest.json (scan it as oci-archive:%s)", ErrNotImage, file)
	default:
		err = fmt.Errorf("%w: no manifest.json or index.json", ErrNotImage)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if img.Name == "" {
		img.Name = file
	}
	img.closer = f.Close
	return img, nil
}

// dockerManifest is one entry of a `docker save` manifest.json.
type dockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

func loadDockerArchive(ts *tarStore) (*Image, error) {
	b, err := readDoc(ts, "manifest.json")
	if err != nil {
		return nil, err
	}
	var ms []dockerManifest
	if err := json.Unmarshal(b, &ms); err != nil {
		return nil, fmt.Errorf("%w: manifest.json: %v", ErrNotImage, err)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%w: manifest.json lists no image", ErrNotImage)
	}
	m := ms[0]
	cfgBytes, err := readDoc(ts, m.Config)
	if err != nil {
		return nil, fmt.Errorf("%w: config: %v", ErrNotImage, err)
	}
	cfg, err := parseConfig(cfgBytes)
	if err != nil {
		return nil, err
	}
	if len(cfg.RootFS.DiffIDs) != len(m.Layers) {
		return nil, fmt.Errorf("%w: config lists %d layers, manifest.json %d", ErrNotImage, len(cfg.RootFS.DiffIDs), len(m.Layers))
	}
	img := &Image{Kind: DockerArchive, Config: cfg, ID: digestOf(cfgBytes), RepoTags: m.RepoTags}
	if len(m.RepoTags) > 0 {
		img.Name = m.RepoTags[0]
	}
	paths := make([]string, len(m.Layers))
	for i, lp := range m.Layers {
		_, size, err := ts.open(lp)
		if err != nil {
			return nil, fmt.Errorf("%w: layer %d: %v", ErrNotImage, i, err)
		}
		ref := LayerRef{DiffID: cfg.RootFS.DiffIDs[i].String(), Size: size}
		if ref.Key, err = scopedKey(ts, lp, ref.DiffID); err != nil {
			return nil, err
		}
		if hexd, ok := strings.CutPrefix(path.Clean(lp), "blobs/sha256/"); ok {
			ref.Digest = "sha256:" + hexd
		}
		img.Layers = append(img.Layers, ref)
		paths[i] = lp
	}
	img.read = &storeLayers{st: ts, paths: paths}
	return img, nil
}

func parseConfig(b []byte) (*v1.ConfigFile, error) {
	cfg, err := v1.ParseConfigFile(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: image config: %v", ErrNotImage, err)
	}
	for _, d := range cfg.RootFS.DiffIDs {
		if d.Algorithm != "sha256" || len(d.Hex) != 64 {
			return nil, fmt.Errorf("%w: image config: malformed diff ID %q", ErrNotImage, d.String())
		}
	}
	return cfg, nil
}

func digestOf(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// loadOCI reads an OCI image layout (index.json, blobs/). ref selects an
// image by its org.opencontainers.image.ref.name annotation; "" takes the
// only image, or the one for platform (nil: the running platform, falling
// back to the first image).
func loadOCI(st store, ref string, platform *v1.Platform) (*Image, error) {
	b, err := readDoc(st, "index.json")
	if err != nil {
		return nil, err
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: index.json: %v", ErrNotImage, err)
	}
	desc, err := pickManifest(st, idx, ref, platform, 0)
	if err != nil {
		return nil, err
	}
	mb, err := readBlob(st, desc.Digest)
	if err != nil {
		return nil, err
	}
	m, err := v1.ParseManifest(bytes.NewReader(mb))
	if err != nil {
		return nil, fmt.Errorf("%w: manifest %s: %v", ErrNotImage, desc.Digest, err)
	}
	cb, err := readBlob(st, m.Config.Digest)
	if err != nil {
		return nil, err
	}
	cfg, err := parseConfig(cb)
	if err != nil {
		return nil, err
	}
	if len(cfg.RootFS.DiffIDs) != len(m.Layers) {
		return nil, fmt.Errorf("%w: config lists %d layers, manifest %d", ErrNotImage, len(cfg.RootFS.DiffIDs), len(m.Layers))
	}
	img := &Image{Kind: OCILayout, Config: cfg, ID: m.Config.Digest.String(), byPlatform: desc.Platform != nil}
	if n := desc.Annotations["org.opencontainers.image.ref.name"]; n != "" {
		img.Name = n
	}
	if n := desc.Annotations["io.containerd.image.name"]; n != "" {
		img.Name = n
	}
	paths := make([]string, len(m.Layers))
	for i, l := range m.Layers {
		p, err := blobPath(l.Digest)
		if err != nil {
			return nil, err
		}
		lr := LayerRef{DiffID: cfg.RootFS.DiffIDs[i].String(), Digest: l.Digest.String(), Size: l.Size, MediaType: string(l.MediaType)}
		if lr.Key, err = scopedKey(st, p, lr.DiffID); err != nil {
			return nil, err
		}
		img.Layers = append(img.Layers, lr)
		paths[i] = p
	}
	img.read = &storeLayers{st: st, paths: paths}
	return img, nil
}

func pickManifest(st store, idx *v1.IndexManifest, ref string, platform *v1.Platform, depth int) (v1.Descriptor, error) {
	if depth > 4 {
		return v1.Descriptor{}, fmt.Errorf("%w: image indexes nested too deeply", ErrNotImage)
	}
	var cands []v1.Descriptor
	for _, d := range idx.Manifests {
		if ref != "" && d.Annotations["org.opencontainers.image.ref.name"] != ref {
			continue
		}
		cands = append(cands, d)
	}
	if len(cands) == 0 {
		return v1.Descriptor{}, fmt.Errorf("%w: index lists no image%s", ErrNotImage, refNote(ref))
	}
	// A requested platform must be there (when the index says what its
	// images are for); without one, prefer this machine's, else the first.
	pick := cands[0]
	want := platform
	if want == nil {
		want = &v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	}
	found := false
	for _, d := range cands {
		if d.Platform != nil && d.Platform.Satisfies(*want) {
			pick, found = d, true
			break
		}
	}
	if !found && platform != nil && slices.ContainsFunc(cands, func(d v1.Descriptor) bool { return d.Platform != nil }) {
		return v1.Descriptor{}, fmt.Errorf("%w: no image for platform %s%s", ErrNotImage, platform.String(), refNote(ref))
	}
	switch pick.MediaType {
	case types.OCIImageIndex, types.DockerManifestList:
		b, err := readBlob(st, pick.Digest)
		if err != nil {
			return v1.Descriptor{}, err
		}
		inner, err := v1.ParseIndexManifest(bytes.NewReader(b))
		if err != nil {
			return v1.Descriptor{}, fmt.Errorf("%w: index %s: %v", ErrNotImage, pick.Digest, err)
		}
		d, err := pickManifest(st, inner, "", platform, depth+1)
		if err == nil && d.Annotations == nil {
			d.Annotations = pick.Annotations
		}
		return d, err
	}
	return pick, nil
}

func refNote(ref string) string {
	if ref == "" {
		return ""
	}
	return " named " + ref
}

func blobPath(d v1.Hash) (string, error) {
	if d.Algorithm == "" || d.Hex == "" || strings.ContainsAny(d.Algorithm+d.Hex, "/.") {
		return "", fmt.Errorf("%w: malformed digest %q", ErrNotImage, d.String())
	}
	return "blobs/" + d.Algorithm + "/" + d.Hex, nil
}

// readBlob reads a small blob and checks its digest.
func readBlob(st store, d v1.Hash) ([]byte, error) {
	p, err := blobPath(d)
	if err != nil {
		return nil, err
	}
	b, err := readDoc(st, p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotImage, err)
	}
	if d.Algorithm == "sha256" && digestOf(b) != d.String() {
		return nil, fmt.Errorf("%w: blob %s does not match its digest", ErrNotImage, d)
	}
	return b, nil
}

// storeLayers reads layers as regions of a store, in parallel.
type storeLayers struct {
	st    store
	paths []string
}

func (s *storeLayers) readLayers(ctx context.Context, img *Image, want func(int) bool, analyze LayerFunc, done DoneFunc) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	seen := map[string]bool{}
	for i, p := range s.paths {
		l := img.Layers[i]
		if !want(i) || seen[l.Key] {
			continue
		}
		seen[l.Key] = true
		g.Go(func() error {
			ra, size, err := s.st.open(p)
			if err != nil {
				return fmt.Errorf("source: layer %d: %w", i, err)
			}
			r, err := analyze(ctx, layerfs.Layer{RA: ra, Size: size})
			if err != nil {
				return fmt.Errorf("layer %d (%s): %w", i, short(l.DiffID), err)
			}
			done(l.Key, r)
			return nil
		})
	}
	return g.Wait()
}

// short abbreviates a digest for messages.
func short(d string) string {
	if _, h, ok := strings.Cut(d, ":"); ok && len(h) > 12 {
		return h[:12]
	}
	return d
}

// scopedKey is the cache key of a layer read from a file: its declared diff
// ID, valid only for the file as it is now.
func scopedKey(st store, name, diffID string) (string, error) {
	id, err := st.identity(name)
	if err != nil {
		return "", fmt.Errorf("%w: layer %s: %v", ErrNotImage, name, err)
	}
	return diffID + "@" + id, nil
}

func (ts *tarStore) identity(name string) (string, error) {
	m, err := ts.resolve(name)
	if err != nil {
		return "", err
	}
	fi, err := ts.f.Stat()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s#%d+%d", fileIdentity(fi), m.off, m.size), nil
}
