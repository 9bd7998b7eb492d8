// Package checks holds the CIS Docker Benchmark recommendations as pure
// functions over a [facts.Snapshot], one file per CIS section (as
// docker-bench-security keeps tests/N_*.sh). Each check reads only the
// snapshot, so checks are tested on hand-written snapshots and an audit can
// be replayed from a recorded one.
//
// A check whose input could not be read returns Skip with the reason; a check
// whose subject does not exist on the host (no TLS, no swarm, no unit file)
// returns Info; manual recommendations return Note with what to review.
package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/docker/docker/api/types/container"
)

// Config holds site choices some checks need.
type Config struct {
	// TrustedUsers may be members of the docker group (1.1.2). When empty,
	// 1.1.2 lists the members for review instead of judging them.
	TrustedUsers []string
}

// All returns every check, in catalogue order.
func All(cfg Config) []bench.Check {
	var all []bench.Check
	for _, sec := range [][]bench.Check{section1(cfg), section2(), section3(), section4(), section5(), section6(), section7(), community()} {
		all = append(all, sec...)
	}
	return all
}

var sectionNames = map[string]string{
	"1": "1 Host configuration",
	"2": "2 Docker daemon configuration",
	"3": "3 Docker daemon configuration files",
	"4": "4 Container images and build file",
	"5": "5 Container runtime",
	"6": "6 Docker security operations",
	"7": "7 Docker Swarm configuration",
	"C": "C Community checks (docker-bench-security, not CIS)",
}

// Section returns the heading of the section an id belongs to.
func Section(id string) string {
	id = strings.TrimPrefix(id, "v1.8.0:")
	sec, _, _ := strings.Cut(id, ".")
	return sectionNames[sec]
}

func check(id, title string, level int, scored bool, remediation string, eval func(*facts.Snapshot) bench.Outcome) bench.Check {
	return bench.Check{ID: id, Section: Section(id), Title: title, Level: level, Scored: scored,
		Automated: true, Remediation: remediation, Eval: eval}
}

// manual is a recommendation no data can settle; review says what a person
// should look at.
func manual(id, title string, level int, review, remediation string) bench.Check {
	return bench.Check{ID: id, Section: Section(id), Title: title, Level: level, Remediation: remediation,
		Eval: func(*facts.Snapshot) bench.Outcome { return bench.Outcome{Status: bench.Note, Details: review} }}
}

func pass(format string, a ...any) bench.Outcome {
	return bench.Outcome{Status: bench.Pass, Details: fmt.Sprintf(format, a...)}
}

func warn(items []string, format string, a ...any) bench.Outcome {
	return bench.Outcome{Status: bench.Warn, Details: fmt.Sprintf(format, a...), Items: items}
}

func info(format string, a ...any) bench.Outcome {
	return bench.Outcome{Status: bench.Info, Details: fmt.Sprintf(format, a...)}
}

func skip(format string, a ...any) bench.Outcome {
	return bench.Outcome{Status: bench.Skip, Details: fmt.Sprintf(format, a...)}
}

// engineDown returns a Skip outcome when the Engine API could not be read.
func engineDown(s *facts.Snapshot) (bench.Outcome, bool) {
	if s.Engine.Err != "" {
		return skip("Engine API not readable: %s", s.Engine.Err), true
	}
	return bench.Outcome{}, false
}

// hostConfig never returns nil, so checks need not guard every field.
func hostConfig(c facts.Container) *container.HostConfig {
	if c.Inspect.ContainerJSONBase == nil || c.Inspect.HostConfig == nil {
		return &container.HostConfig{}
	}
	return c.Inspect.HostConfig
}

func config(c facts.Container) *container.Config {
	if c.Inspect.Config == nil {
		return &container.Config{}
	}
	return c.Inspect.Config
}

// scope chooses which containers a check judges.
type scope int

const (
	// allContainers: stopped containers too, since they run with the same
	// settings when started again (the CIS audits use `docker ps --all`).
	allContainers scope = iota
	// runningContainers: the property exists only at run time.
	runningContainers
)

// perContainer judges each container in scope with bad, which returns a
// description of the violation ("" when there is none), and aggregates.
func perContainer(s *facts.Snapshot, sc scope, what string, bad func(c facts.Container) string) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	var items []string
	n := 0
	for _, c := range s.Engine.Containers {
		if sc == runningContainers && !c.Running() {
			continue
		}
		n++
		if why := bad(c); why != "" {
			items = append(items, label(c)+": "+why)
		}
	}
	slices.Sort(items)
	kind := "containers"
	if sc == runningContainers {
		kind = "running containers"
	}
	switch {
	case len(items) > 0:
		return warn(items, "%d of %d %s %s", len(items), n, kind, what)
	case s.Engine.ContainersErr != "":
		return skip("could not read every container: %s", s.Engine.ContainersErr)
	case n == 0:
		return info("no %s to check", kind)
	default:
		return pass("none of %d %s %s", n, kind, what)
	}
}

// label names a container in items, marking stopped ones.
func label(c facts.Container) string {
	if c.Running() {
		return c.Name()
	}
	return c.Name() + " (stopped)"
}

// perImage is perContainer for images.
func perImage(s *facts.Snapshot, what string, bad func(img facts.Image) string) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	var items []string
	for _, img := range s.Engine.Images {
		if why := bad(img); why != "" {
			items = append(items, img.Name()+": "+why)
		}
	}
	slices.Sort(items)
	n := len(s.Engine.Images)
	switch {
	case len(items) > 0:
		return warn(items, "%d of %d images %s", len(items), n, what)
	case s.Engine.ImagesErr != "":
		return skip("could not read every image: %s", s.Engine.ImagesErr)
	case n == 0:
		return info("no images to check")
	default:
		return pass("none of %d images %s", n, what)
	}
}

// setting returns a daemon option and, when its value cannot be known, why.
func setting(s *facts.Snapshot, key string) (facts.Setting, string) {
	st := s.Daemon.Setting(key)
	if st.Set {
		return st, ""
	}
	if !s.Daemon.ArgsKnown() {
		return st, "dockerd command line not found (" + s.Daemon.ArgsErr + ")"
	}
	if !s.Daemon.ConfigKnown() {
		return st, s.Daemon.ConfigErr
	}
	return st, ""
}

// where describes a setting's origin for details.
func where(st facts.Setting) string {
	if !st.Set {
		return "not set: dockerd's default"
	}
	return fmt.Sprintf("%s %s", st.Source, strings.Join(st.Values, ","))
}
