package guard

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/sys/user"
	"golang.org/x/sync/singleflight"

	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/source"
)

// Who a container or exec runs as, decided as the runtime decides it.
// dockerd resolves --user, the image's USER and exec -u with runc's user
// library (github.com/moby/sys/user, GetExecUser over the container's
// /etc/passwd): the part before ":" is a uid when strconv.Atoi reads it,
// so "0", "+0", "-0" and "00" are all uid 0; anything else is a name
// looked up in /etc/passwd, and a name whose entry has uid 0 is root
// whatever it is called. Every rule that asks "is this root?" calls
// [resolveUser] with the same library, so the guard and the runtime cannot
// read a spelling differently.
//
// The passwd file comes from where the runtime will read it: the image
// (an export through the Engine API, read once per image ID) for a create,
// the container itself (GET /containers/{id}/archive) for a start or an
// exec, since a created container's files can be changed before it starts
// and a running one's at any time. The group part of a spec never changes
// the uid, so only /etc/passwd is read.

// userAnswer is a user spec resolved for the root rules.
type userAnswer struct {
	root bool
	uid  int
	// unjudged says why the spec cannot be resolved: the runtime refuses
	// to start such a process, and the guard denies it too.
	unjudged string
}

// passwdFile is an image's or container's /etc/passwd: its content, or
// absent, or why it cannot be used.
type passwdFile struct {
	data     []byte
	present  bool
	unjudged string
}

// maxPasswd bounds the passwd file read.
const maxPasswd = 1 << 20

// needsPasswd reports whether resolving spec needs /etc/passwd: the user
// part is a name. "root" is not looked up: it counts as root (stricter
// than the runtime only for an image that names another uid root).
func needsPasswd(spec string) bool {
	u, _, _ := strings.Cut(spec, ":")
	if u == "" || u == "root" {
		return false
	}
	_, err := strconv.Atoi(u)
	return err != nil && !errors.Is(err, strconv.ErrRange)
}

// resolveUser resolves spec as the runtime does; pw is consulted only
// when needsPasswd(spec).
func resolveUser(spec string, pw passwdFile) userAnswer {
	u, _, _ := strings.Cut(spec, ":")
	if u == "root" {
		return userAnswer{root: true}
	}
	var r io.Reader
	if needsPasswd(spec) {
		if pw.unjudged != "" {
			return userAnswer{unjudged: pw.unjudged}
		}
		if pw.present {
			r = bytes.NewReader(pw.data)
		}
	}
	eu, err := user.GetExecUser(u, nil, r, nil)
	if err != nil {
		return userAnswer{unjudged: err.Error()}
	}
	return userAnswer{root: eu.Uid == 0, uid: eu.Uid}
}

// containerPasswd reads a created or running container's /etc/passwd.
func containerPasswd(ctx context.Context, eng Engine, id string) (passwdFile, error) {
	rc, st, err := eng.CopyFromContainer(ctx, id, "/etc/passwd")
	if cerrdefs.IsNotFound(err) {
		return passwdFile{}, nil
	}
	if err != nil {
		return passwdFile{}, fmt.Errorf("reading /etc/passwd of container %s: %w", id, err)
	}
	defer rc.Close()
	if !st.Mode.IsRegular() {
		return passwdFile{unjudged: fmt.Sprintf("/etc/passwd of container %s is not a regular file (%s)", id, st.Mode.Type())}, nil
	}
	tr := tar.NewReader(rc)
	if _, err := tr.Next(); err != nil {
		return passwdFile{}, fmt.Errorf("reading /etc/passwd of container %s: %w", id, err)
	}
	b, err := io.ReadAll(io.LimitReader(tr, maxPasswd+1))
	if err != nil {
		return passwdFile{}, fmt.Errorf("reading /etc/passwd of container %s: %w", id, err)
	}
	if len(b) > maxPasswd {
		return passwdFile{unjudged: "/etc/passwd is over 1 MiB"}, nil
	}
	return passwdFile{data: b, present: true}, nil
}

// passwdCache remembers image passwd files by image ID (immutable), and
// collapses concurrent exports of one image into one.
type passwdCache struct {
	mu sync.Mutex
	m  map[string]passwdFile
	sf singleflight.Group
}

// exportTimeout bounds an image export made for its passwd file.
const exportTimeout = 30 * time.Second

func (c *passwdCache) image(ctx context.Context, eng Engine, id string) (passwdFile, error) {
	c.mu.Lock()
	if pw, ok := c.m[id]; ok {
		c.mu.Unlock()
		return pw, nil
	}
	c.mu.Unlock()
	v, err, _ := c.sf.Do(id, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), exportTimeout)
		defer cancel()
		pw, err := imagePasswd(ctx, eng, id)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= maxCached {
			c.m = map[string]passwdFile{}
		}
		c.m[id] = pw
		c.mu.Unlock()
		return pw, nil
	})
	if err != nil {
		return passwdFile{}, err
	}
	return v.(passwdFile), nil
}

// layerPasswd is what one layer does to /etc/passwd.
type layerPasswd struct {
	etcGone  bool // .wh.etc: /etc and all beneath it deleted
	cleared  bool // a whiteout of the file or an opaque /etc hides what lower layers had
	file     *passwdFile
	unjudged string
}

// imagePasswd exports the image through the Engine API (package source
// orders the export's layers by diff ID) and applies each layer's
// /etc/passwd entries, whiteouts and opaque markers in order. The layers
// are read as plain tar streams, not through the layer walker: only five
// names matter, and a hostile layer's millions of names are never held.
func imagePasswd(ctx context.Context, eng Engine, id string) (passwdFile, error) {
	img, err := source.FromEngine(ctx, eng, id)
	if err != nil {
		return passwdFile{}, fmt.Errorf("image %s: %w", id, err)
	}
	defer img.Close()
	byKey := map[string]layerPasswd{}
	err = img.ReadLayers(ctx, func(int) bool { return true }, func(ctx context.Context, l layerfs.Layer) (any, error) {
		return scanLayerPasswd(ctx, l.R)
	}, func(key string, res any) { byKey[key] = res.(layerPasswd) })
	if err != nil {
		return passwdFile{}, fmt.Errorf("image %s: reading its /etc/passwd: %w", id, err)
	}
	layers := make([]layerPasswd, len(img.Layers))
	for i, l := range img.Layers {
		layers[i] = byKey[l.Key]
	}
	return applyPasswd(layers), nil
}

// applyPasswd stacks the layers' effects on /etc/passwd, base first.
func applyPasswd(layers []layerPasswd) passwdFile {
	cur := passwdFile{}
	for _, lp := range layers {
		if lp.etcGone || lp.cleared && cur.unjudged == "" {
			cur = passwdFile{}
		}
		if lp.file != nil && cur.unjudged == "" {
			cur = *lp.file
		}
		if lp.unjudged != "" {
			cur = passwdFile{unjudged: lp.unjudged}
		}
	}
	return cur
}

func scanLayerPasswd(ctx context.Context, r io.Reader) (layerPasswd, error) {
	var lp layerPasswd
	tr := tar.NewReader(r)
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return lp, ctx.Err()
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return lp, nil
		}
		if err != nil {
			return lp, err
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		switch name {
		case ".wh.etc":
			lp.etcGone = true
		case "etc/.wh.passwd", "etc/.wh..wh..opq":
			lp.cleared = true
		case "etc":
			if h.Typeflag != tar.TypeDir {
				lp.unjudged = fmt.Sprintf("/etc is not a directory (%s)", h.FileInfo().Mode().Type())
			}
		case "etc/passwd":
			switch {
			case h.Typeflag != tar.TypeReg:
				lp.file, lp.unjudged = nil, "/etc/passwd is not a regular file"
			case h.Size > maxPasswd:
				lp.file, lp.unjudged = nil, "/etc/passwd is over 1 MiB"
			default:
				b, err := io.ReadAll(tr)
				if err != nil {
					return lp, err
				}
				lp.file, lp.unjudged = &passwdFile{data: b, present: true}, ""
			}
		}
	}
}
