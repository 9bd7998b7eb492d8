//go:build ignore

// gen writes demo-image.tar, the sample image `make demo` scans: a
// docker-archive (the legacy `docker save` layout) whose layers are built
// from the files under rootfs/ — a trimmed Debian 11 root filesystem with
// real package records at versions that have published advisories — and
// app/, an application layer on top.
//
//	go run testdata/demo/gen.go
//
// Output is deterministic (fixed times, sorted names).
package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sort"
	"time"
)

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	dir := filepath.Join("testdata", "demo")
	var layers [][]byte
	var history []map[string]any
	for _, l := range []struct{ dir, by string }{
		{"rootfs", "ADD rootfs / # Debian 11 base"},
		{"app", "COPY app /app # the application"},
	} {
		b, err := layerOf(filepath.Join(dir, l.dir), l.dir == "app")
		if err != nil {
			log.Fatal(err)
		}
		layers = append(layers, b)
		history = append(history, map[string]any{"created": epoch, "created_by": l.by})
	}
	var diffIDs, paths []string
	for i, l := range layers {
		diffIDs = append(diffIDs, "sha256:"+hexSum(l))
		paths = append(paths, fmt.Sprintf("layer%d/layer.tar", i))
	}
	history = append(history, map[string]any{"created": epoch, "created_by": "USER root", "empty_layer": true})
	cfg, _ := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux", "created": epoch,
		"config": map[string]any{"Env": []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
			"Cmd": []string{"/app/run.sh"}, "User": "root"},
		"rootfs":  map[string]any{"type": "layers", "diff_ids": diffIDs},
		"history": history,
	})
	cfgName := hexSum(cfg) + ".json"
	manifest, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{"bulwark-demo/app:1.0"}, "Layers": paths}})

	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	add := func(name string, b []byte) {
		must(tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: epoch, Typeflag: tar.TypeReg, Format: tar.FormatPAX}))
		_, err := tw.Write(b)
		must(err)
	}
	add(cfgName, cfg)
	for i, l := range layers {
		add(paths[i], l)
	}
	add("manifest.json", manifest)
	must(tw.Close())
	must(os.WriteFile(filepath.Join(dir, "demo-image.tar"), out.Bytes(), 0o644))
}

// layerOf tars a directory with root ownership and fixed times; files
// under app/ land in /app.
func layerOf(dir string, underApp bool) ([]byte, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range names {
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if underApp {
			rel = "app/" + rel
		}
		info, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		h := &tar.Header{Name: rel, ModTime: epoch, Format: tar.FormatPAX, Mode: int64(info.Mode().Perm())}
		switch {
		case info.IsDir():
			h.Typeflag, h.Name, h.Mode = tar.TypeDir, rel+"/", 0o755
		case info.Mode()&fs.ModeSymlink != 0:
			h.Typeflag = tar.TypeSymlink
			if h.Linkname, err = os.Readlink(p); err != nil {
				return nil, err
			}
		default:
			h.Typeflag, h.Size = tar.TypeReg, info.Size()
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			if _, err := tw.Write(b); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
