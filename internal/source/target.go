package source

import (
	"os"
	"path/filepath"
	"strings"
)

// Kinds of targets that are not images: Open refuses them, and package
// scan reads them with their own readers.
const (
	// SBOM is "sbom:FILE": a stored SBOM (CycloneDX or SPDX JSON, or a
	// json report), read back by package sbomread.
	SBOM Kind = "sbom"
	// Dockerfile is "dockerfile:PATH", or an existing file named
	// Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* or
	// Containerfile.*: checked before it is built.
	Dockerfile Kind = "dockerfile"
)

// Target is a TARGET argument parsed by the grammar every command shares.
type Target struct {
	// Kind is the scheme given ("docker-archive:PATH"), Dockerfile for a
	// file named like one, or "" for a bare argument, which Open detects.
	Kind Kind
	// Ref is the argument without its scheme: a path or an image name.
	Ref string
}

// Parse applies the target grammar to arg. It never fails: an argument
// without a known scheme is bare, and Open decides what it is.
func Parse(arg string) Target {
	if scheme, rest, ok := strings.Cut(arg, ":"); ok {
		switch k := Kind(scheme); k {
		case DockerArchive, OCIArchive, OCILayout, Dir, Docker, Registry, SBOM, Dockerfile:
			return Target{Kind: k, Ref: rest}
		}
	}
	if DockerfileName(arg) {
		if st, err := os.Stat(arg); err == nil && st.Mode().IsRegular() {
			return Target{Kind: Dockerfile, Ref: arg}
		}
	}
	return Target{Ref: arg}
}

// InRegistry reports whether the image, if any, lives in a registry or a
// Docker engine that pulled it from one, so that its signatures may be
// found there; archives, layouts, directories, SBOMs and Dockerfiles
// carry none. A bare name may be either.
func (t Target) InRegistry() bool { return t.Kind == "" || t.Kind == Registry || t.Kind == Docker }

// DockerfileName recognises Dockerfile, Containerfile, *.Dockerfile,
// Dockerfile.* and Containerfile.*, in any case.
func DockerfileName(path string) bool {
	low := strings.ToLower(filepath.Base(path))
	return low == "dockerfile" || low == "containerfile" || strings.HasSuffix(low, ".dockerfile") ||
		strings.HasPrefix(low, "dockerfile.") || strings.HasPrefix(low, "containerfile.")
}
