package model

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/harden/runprofile"
	"github.com/bulwark-sec/bulwark/internal/layerfs"
	"github.com/bulwark-sec/bulwark/internal/source"
)

// ImageSeeder reads an image the way `bulwark harden run` does (package
// source, then runprofile.Inspect over its layers) and takes from it what a
// model starts from.
type ImageSeeder struct {
	// Source options; DockerHost names the engine for "docker:" targets.
	Source source.Options
	// Target turns a model key (an image id) into a source target; the
	// default asks the local engine ("docker:" + key).
	Target func(key string) string
}

var _ Seeder = (*ImageSeeder)(nil)

// Seed reads the image of key.
func (s *ImageSeeder) Seed(ctx context.Context, key string) (*Seed, error) {
	target := "docker:" + key
	if s.Target != nil {
		target = s.Target(key)
	}
	opts := s.Source
	opts.Offline = true // the image runs here; never pull it
	img, err := source.Open(ctx, target, opts)
	if err != nil {
		return nil, fmt.Errorf("model: seeding from %s: %w", target, err)
	}
	defer img.Close()
	ii, err := runprofile.Inspect(ctx, img, layerfs.Options{})
	if err != nil {
		return nil, fmt.Errorf("model: seeding from %s: %w", target, err)
	}
	return SeedFrom(ii), nil
}

// SeedFrom is the seed of an inspected image.
func SeedFrom(ii *runprofile.Image) *Seed {
	s := &Seed{
		Entrypoint:  slices.Clone(ii.Config.Entrypoint),
		Cmd:         slices.Clone(ii.Config.Cmd),
		Executables: slices.Clone(ii.Executables),
	}
	if ii.Entrypoint != nil {
		s.Exe = ii.Entrypoint.Path
	}
	for spec := range ii.Config.ExposedPorts {
		num, proto, _ := strings.Cut(spec, "/")
		n, err := strconv.ParseUint(num, 10, 16)
		if err != nil || n == 0 {
			continue
		}
		s.Exposed = append(s.Exposed, Port{Proto: strings.ToLower(proto), Port: uint16(n)})
	}
	slices.SortFunc(s.Exposed, comparePorts)
	return s
}
