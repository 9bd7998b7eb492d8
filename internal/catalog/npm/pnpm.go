package npm

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/budget"
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
	"github.com/bulwark-sec/bulwark/internal/vercmp/npmver"
)

// pnpmLock is pnpm-lock.yaml in any of the layouts pnpm has written:
//
//	v5 (pnpm 3–7)  packages: {/name/1.0.0: …, /@s/n/1.0.0_peer@2: …}, dev flags
//	v6 (pnpm 8)    packages: {/name@1.0.0: …, /@s/n@1.0.0(peer@2): …}, dev flags
//	v9 (pnpm 9+)   packages: {name@1.0.0: …}; snapshots: the dependency graph,
//	               no dev flags (dev-only is derived from importers, below)
//
// A single project keeps its direct dependencies at the top level (v5, v6)
// or under importers["."] (v9, and workspaces in every version).
type pnpmLock struct {
	LockfileVersion yaml.Node               `yaml:"lockfileVersion"`
	Importers       map[string]pnpmImporter `yaml:"importers"`
	Packages        map[string]pnpmPackage  `yaml:"packages"`
	Snapshots       map[string]pnpmSnapshot `yaml:"snapshots"`
	Dependencies    map[string]pnpmDep      `yaml:"dependencies"`
	DevDependencies map[string]pnpmDep      `yaml:"devDependencies"`
	Optional        map[string]pnpmDep      `yaml:"optionalDependencies"`
}

type pnpmImporter struct {
	Dependencies    map[string]pnpmDep `yaml:"dependencies"`
	DevDependencies map[string]pnpmDep `yaml:"devDependencies"`
	Optional        map[string]pnpmDep `yaml:"optionalDependencies"`
}

// pnpmDep is a direct dependency: "1.0.0" (v5) or {specifier, version}.
type pnpmDep struct{ Version string }

func (d *pnpmDep) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		d.Version = n.Value
		return nil
	}
	var m struct {
		Version string `yaml:"version"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	d.Version = m.Version
	return nil
}

type pnpmPackage struct {
	// Name and Version are present for packages not from the registry
	// (tarballs, git), whose keys are URLs.
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
	Dev     *bool  `yaml:"dev"` // v5/v6: true dev only, false production only, absent both
}

type pnpmSnapshot struct {
	Dependencies map[string]string `yaml:"dependencies"`
	Optional     map[string]string `yaml:"optionalDependencies"`
}

// parsePnpmLock reads pnpm-lock.yaml one entry at a time
// ([generic.YAMLBlocks]): each entry of packages, snapshots, importers and
// the top-level dependency maps is decoded on its own by yaml.v3, every
// package counting against the record budget (snapshots and importers
// against a budget of the same size), and every other top-level key is
// decoded whole.
func parsePnpmLock(ctx context.Context, f *generic.File) ([]sbom.Package, error) {
	var (
		lf    pnpmLock
		errs  []error
		graph = catalog.NewRecords(ctx)
	)
	split := func(key string) bool {
		switch key {
		case "packages", "snapshots", "importers", "dependencies", "devDependencies", "optionalDependencies":
			return true
		}
		return false
	}
	err := generic.YAMLBlocks(ctx, f, split, func(key string, entry bool, chunk []byte) error {
		var err error
		switch {
		case !entry:
			var part pnpmLock
			err = yaml.Unmarshal(chunk, &part)
			lf.merge(&part)
		case key == "packages":
			if err := f.Record(); err != nil {
				return err
			}
			err = decodeInto(chunk, &lf.Packages)
		case key == "snapshots" || key == "importers":
			if err := graph.Add(); err != nil {
				return err
			}
			if key == "snapshots" {
				err = decodeInto(chunk, &lf.Snapshots)
			} else {
				err = decodeInto(chunk, &lf.Importers)
			}
		default: // the direct dependencies of v5 and v6
			if err := f.Record(); err != nil {
				return err
			}
			part := pnpmImporter{}
			switch key {
			case "dependencies":
				err = decodeInto(chunk, &part.Dependencies)
				lf.Dependencies = mergeMap(lf.Dependencies, part.Dependencies)
			case "devDependencies":
				err = decodeInto(chunk, &part.DevDependencies)
				lf.DevDependencies = mergeMap(lf.DevDependencies, part.DevDependencies)
			default:
				err = decodeInto(chunk, &part.Optional)
				lf.Optional = mergeMap(lf.Optional, part.Optional)
			}
		}
		// A type error leaves the rest of the chunk decoded; anything
		// else is a file we cannot read.
		var te *yaml.TypeError
		if errors.As(err, &te) {
			errs = append(errs, err)
			return nil
		}
		return err
	})
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, budget.ErrExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("pnpm-lock: %w", err)
	}
	ver := lf.LockfileVersion.Value
	if ver == "" {
		return nil, errors.New("pnpm-lock: no lockfileVersion")
	}
	major, _, _ := strings.Cut(strings.TrimPrefix(ver, "v"), ".")
	slashKeys := len(major) == 1 && major < "6" // v3, v4, v5: "/name/version"

	var devOnly map[string]bool
	if lf.Snapshots != nil {
		devOnly = lf.devOnly()
	}
	var s set
	n := 0
	for key, p := range lf.Packages {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		name, version, ok := pnpmKey(key, slashKeys)
		if p.Name != "" && p.Version != "" {
			name, version, ok = p.Name, p.Version, true
		}
		if !ok || !validName(name) {
			errs = append(errs, fmt.Errorf("packages[%q]: not a package key", key))
			continue
		}
		if npmver.Valid(version) != nil {
			errs = append(errs, fmt.Errorf("packages[%q]: invalid version %q", key, version))
			continue
		}
		dev := p.Dev != nil && *p.Dev
		if devOnly != nil {
			dev = devOnly[name+"@"+version]
		}
		s.add(name, version, dev)
	}
	return s.sorted(), joinSkipped(errs)
}

// pnpmKey splits a packages key into name and version, dropping the peer
// suffix ("_peer@2" in v5, "(peer@2)" from v6 on).
func pnpmKey(key string, slashKeys bool) (string, string, bool) {
	key = strings.TrimPrefix(key, "/")
	if slashKeys {
		i := strings.LastIndexByte(key, '/')
		if i <= 0 {
			return "", "", false
		}
		name, version := key[:i], key[i+1:]
		version, _, _ = strings.Cut(version, "_")
		return name, version, version != ""
	}
	key, _, _ = strings.Cut(key, "(")
	name := descriptorName(key)
	if name == key {
		return "", "", false
	}
	return name, key[len(name)+1:], len(key) > len(name)+1
}

// devOnly derives v9's dev flags as pnpm does for `--prod`: a package is
// dev-only when the importers' devDependencies reach it through the
// snapshot graph and their dependencies and optionalDependencies do not.
// The result is keyed "name@version".
func (lf *pnpmLock) devOnly() map[string]bool {
	prod, dev := map[string]bool{}, map[string]bool{}
	walk := func(seen map[string]bool, roots map[string]pnpmDep) {
		var stack []string
		for name, d := range roots {
			if k := snapshotKey(name, d.Version); k != "" {
				stack = append(stack, k)
			}
		}
		for len(stack) > 0 {
			k := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[k] {
				continue
			}
			seen[k] = true
			snap := lf.Snapshots[k]
			for _, deps := range []map[string]string{snap.Dependencies, snap.Optional} {
				for name, v := range deps {
					if dk := snapshotKey(name, v); dk != "" && !seen[dk] {
						stack = append(stack, dk)
					}
				}
			}
		}
	}
	importers := []pnpmImporter{{Dependencies: lf.Dependencies, DevDependencies: lf.DevDependencies, Optional: lf.Optional}}
	for _, imp := range lf.Importers {
		importers = append(importers, imp)
	}
	for _, imp := range importers {
		walk(prod, imp.Dependencies)
		walk(prod, imp.Optional)
		walk(dev, imp.DevDependencies)
	}
	strip := func(k string) string { k, _, _ = strings.Cut(k, "("); return k }
	inProd := map[string]bool{}
	for k := range prod {
		inProd[strip(k)] = true
	}
	out := map[string]bool{}
	for k := range dev {
		if pk := strip(k); !inProd[pk] {
			out[pk] = true
		}
	}
	return out
}

// snapshotKey is the snapshots key a dependency resolves to: "name@1.0.0"
// or, for an alias, the version itself ("bar@1.0.0"); links to the
// project's own folders have none.
func snapshotKey(name, version string) string {
	if version == "" || strings.HasPrefix(version, "link:") {
		return ""
	}
	base, _, _ := strings.Cut(version, "(")
	if descriptorName(base) != base {
		return version
	}
	return name + "@" + version
}

// decodeInto decodes one entry's chunk and adds it to *m.
func decodeInto[T any](chunk []byte, m *map[string]T) error {
	var one map[string]T
	err := yaml.Unmarshal(chunk, &one)
	*m = mergeMap(*m, one)
	return err
}

func mergeMap[T any](dst, src map[string]T) map[string]T {
	if src == nil {
		return dst
	}
	if dst == nil { // an empty map stays an empty map, not nil
		dst = make(map[string]T, len(src))
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// merge adds what a top-level chunk decoded to lf.
func (lf *pnpmLock) merge(part *pnpmLock) {
	if part.LockfileVersion.Kind != 0 {
		lf.LockfileVersion = part.LockfileVersion
	}
	lf.Importers = mergeMap(lf.Importers, part.Importers)
	lf.Packages = mergeMap(lf.Packages, part.Packages)
	lf.Snapshots = mergeMap(lf.Snapshots, part.Snapshots)
	lf.Dependencies = mergeMap(lf.Dependencies, part.Dependencies)
	lf.DevDependencies = mergeMap(lf.DevDependencies, part.DevDependencies)
	lf.Optional = mergeMap(lf.Optional, part.Optional)
}
