package runprofile

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/misconfig"
	"github.com/bulwark-sec/bulwark/internal/source"
)

// FileInfo is the mode and owner of a file in the image.
type FileInfo struct {
	Path string      `json:"path"`
	Mode fs.FileMode `json:"mode"`
	UID  int         `json:"uid"`
	GID  int         `json:"gid"`
}

// User is one /etc/passwd entry.
type User struct {
	Name  string `json:"name"`
	UID   int    `json:"uid"`
	GID   int    `json:"gid"`
	Home  string `json:"home"`
	Shell string `json:"shell"`
}

// Image is what a run profile is computed from: the image configuration
// and what its merged filesystem shows.
type Image struct {
	Name   string    `json:"name"`
	Config v1.Config `json:"config"`
	// WritableDirs are the world-writable directories visible in the image
	// ("/tmp" → drwxrwxrwt), the places a service expects to write.
	WritableDirs map[string]fs.FileMode `json:"writable_dirs"`
	Users        []User                 `json:"users"`
	// Entrypoint is the program the container starts (first word of
	// ENTRYPOINT, else CMD), resolved through PATH and symlinks; nil when
	// it is not in the image.
	Entrypoint *FileInfo `json:"entrypoint,omitempty"`
	// Shell is true when /bin/sh exists (docker run --health-cmd needs it).
	Shell bool `json:"shell"`
	// Tools maps probe programs found on PATH (wget, curl) to their paths.
	Tools map[string]string `json:"tools"`
	// Findings are the misconfiguration findings of the image
	// configuration and file modes (package misconfig's rules).
	Findings []finding.Finding `json:"findings"`
	// Executables are the absolute paths a program can be started by: the
	// regular files with an execute bit the image shows, and the symbolic
	// links that resolve to one; sorted. Not part of the profile.
	Executables []string `json:"-"`
}

// maxPasswd bounds the /etc/passwd read.
const maxPasswd = 1 << 20

// maxExecutables bounds how many executable paths one layer records.
const maxExecutables = 500_000

// layerScan is what one layer contributes.
type layerScan struct {
	index    *layerfs.Index
	dirs     map[string]fs.FileMode // world-writable directories
	execs    map[string]FileInfo    // regular files with an x bit
	passwd   []byte
	findings map[string][]finding.Finding // by path
}

func scanVisitor(ctx context.Context, ls *layerScan, files *misconfig.Files) layerfs.Visitor {
	return func(e *layerfs.Entry, f layerfs.File) error {
		if fs, err := files.Check(ctx, e, nil); err == nil && len(fs) > 0 {
			ls.findings[e.Path] = append(ls.findings[e.Path], fs...)
		}
		switch e.Kind {
		case layerfs.KindDir:
			if e.Mode.Perm()&0o002 != 0 {
				ls.dirs[e.Path] = e.Mode
			}
		case layerfs.KindFile:
			if e.Mode.Perm()&0o111 != 0 && len(ls.execs) < maxExecutables {
				ls.execs[e.Path] = FileInfo{Path: "/" + e.Path, Mode: e.Mode, UID: e.UID, GID: e.GID}
			}
			if e.Path == "etc/passwd" && f != nil {
				b, err := io.ReadAll(io.LimitReader(f, maxPasswd))
				if err != nil {
					return fmt.Errorf("reading /etc/passwd: %w", err)
				}
				ls.passwd = b
			}
		}
		return nil
	}
}

func newLayerScan() *layerScan {
	return &layerScan{dirs: map[string]fs.FileMode{}, execs: map[string]FileInfo{}, findings: map[string][]finding.Finding{}}
}

// Inspect reads img's configuration and walks its layers once.
func Inspect(ctx context.Context, img *source.Image, walk layerfs.Options) (*Image, error) {
	files := misconfig.NewFiles()
	var scans []*layerScan
	if img.Kind == source.Dir {
		ls := newLayerScan()
		ix, err := layerfs.WalkDir(ctx, img.RootDir, walk, scanVisitor(ctx, ls, files))
		if err != nil {
			return nil, fmt.Errorf("runprofile: reading %s: %w", img.Name, err)
		}
		ls.index = ix
		scans = []*layerScan{ls}
	} else {
		byID := map[string]*layerScan{}
		err := img.ReadLayers(ctx, func(int) bool { return true },
			func(ctx context.Context, l layerfs.Layer) (any, error) {
				ls := newLayerScan()
				ix, err := layerfs.Walk(ctx, l, walk, scanVisitor(ctx, ls, files))
				if err != nil {
					return nil, err
				}
				ls.index = ix
				return ls, nil
			},
			func(key string, result any) {
				if ls, ok := result.(*layerScan); ok {
					byID[key] = ls
				}
			})
		if err != nil {
			return nil, fmt.Errorf("runprofile: reading %s: %w", img.Name, err)
		}
		for _, l := range img.Layers {
			ls, ok := byID[l.Key]
			if !ok {
				return nil, fmt.Errorf("runprofile: reading %s: layer %s was not read", img.Name, l.DiffID)
			}
			scans = append(scans, ls)
		}
	}
	var cfg v1.Config
	if img.Config != nil {
		cfg = img.Config.Config
	}
	out := assemble(img.Name, cfg, scans)
	if img.Config != nil {
		out.Findings = append(misconfig.NewChecker().CheckImage(img.Config), out.Findings...)
	}
	finding.Sort(out.Findings)
	return out, nil
}

// assemble merges per-layer scans, keeping what the top of the image shows.
func assemble(name string, cfg v1.Config, scans []*layerScan) *Image {
	indexes := make([]*layerfs.Index, len(scans))
	for i, ls := range scans {
		indexes[i] = ls.index
	}
	stack := layerfs.Merge(indexes)
	out := &Image{Name: name, Config: cfg, WritableDirs: map[string]fs.FileMode{}, Users: []User{},
		Tools: map[string]string{}, Findings: []finding.Finding{}}
	execs := map[string]FileInfo{}
	var passwd []byte
	for i, ls := range scans {
		for p, m := range ls.dirs {
			if stack.Visible(i, p) {
				out.WritableDirs["/"+p] = m
			}
		}
		for p, fi := range ls.execs {
			if stack.Visible(i, p) {
				execs[p] = fi
			}
		}
		if ls.passwd != nil && stack.Visible(i, "etc/passwd") {
			passwd = ls.passwd
		}
		for p, fs := range ls.findings {
			if stack.Visible(i, p) {
				out.Findings = append(out.Findings, fs...)
			}
		}
	}
	// Kernel-managed trees are mounted over by the engine at run time.
	for p := range out.WritableDirs {
		for _, skip := range []string{"/dev", "/proc", "/sys"} {
			if p == skip || strings.HasPrefix(p, skip+"/") {
				delete(out.WritableDirs, p)
			}
		}
	}
	out.Users = ParsePasswd(string(passwd))
	pathDirs := searchPath(cfg.Env)
	find := func(prog string) *FileInfo {
		var cands []string
		if strings.Contains(prog, "/") {
			cands = []string{prog}
		} else {
			for _, d := range pathDirs {
				cands = append(cands, path.Join(d, prog))
			}
		}
		for _, c := range cands {
			r, err := stack.Resolve(c)
			if err != nil {
				continue
			}
			if fi, ok := execs[r]; ok {
				return &fi
			}
		}
		return nil
	}
	for p := range execs {
		out.Executables = append(out.Executables, "/"+p)
	}
	for l := range stack.Symlinks() {
		if r, err := stack.Resolve(l); err == nil {
			if _, ok := execs[r]; ok {
				out.Executables = append(out.Executables, "/"+l)
			}
		}
	}
	slices.Sort(out.Executables)
	argv := slices.Concat(cfg.Entrypoint, cfg.Cmd)
	if len(argv) > 0 {
		out.Entrypoint = find(argv[0])
	}
	out.Shell = find("/bin/sh") != nil
	for _, t := range []string{"wget", "curl"} {
		if fi := find(t); fi != nil {
			out.Tools[t] = fi.Path
		}
	}
	return out
}

// defaultPath is the PATH the engine gives a container whose image sets none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func searchPath(env []string) []string {
	p := defaultPath
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			p = v
		}
	}
	var out []string
	for _, d := range strings.Split(p, ":") {
		if strings.HasPrefix(d, "/") {
			out = append(out, d)
		}
	}
	return out
}

// ParsePasswd reads /etc/passwd entries; malformed lines are skipped.
func ParsePasswd(text string) []User {
	out := []User{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), maxPasswd)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) != 7 || f[0] == "" {
			continue
		}
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil || uid < 0 || gid < 0 {
			continue
		}
		out = append(out, User{Name: f[0], UID: uid, GID: gid, Home: f[5], Shell: f[6]})
	}
	return out
}
