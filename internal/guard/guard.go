// Package guard decides whether a Docker API request may proceed: the
// policy engine behind `bulwark guard`.
//
//	AuthZ request ─▶ Input ─▶ ParseRoute (normalise the URI)
//	  ─▶ decode the JSON body the way the daemon does
//	  ─▶ container, exec, image, plugin, volume rules   (policy.Policy)
//	  ─▶ image facts and scan gate                      (Engine, Scans, ignore file)
//	  ─▶ exemptions by user ─▶ mode ─▶ Decision
//
// Anything that cannot be judged is denied: an unparseable URI, a missing
// or malformed body where the body decides, an engine or history error
// (enforce mode). In audit mode every request is allowed and the decision
// still lists what would have been denied.
//
// The same container rules judge containers already created, from the
// engine's inspect answer ([Guard.CheckContainer]): at start time, so a
// container made while the plugin was off, or whose image tag moved
// between create and start, is judged by what will actually run; and by
// the watcher.
package guard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"

	"github.com/bulwark-sec/bulwark/internal/guard/policy"
	"github.com/bulwark-sec/bulwark/internal/history"
	"github.com/bulwark-sec/bulwark/internal/source"
)

// Input is one API request as the daemon reports it to an authorization
// plugin.
type Input struct {
	User       string // TLS client certificate common name; "" without TLS authentication
	AuthMethod string
	Method     string
	URI        string // raw request URI with query
	Body       []byte // nil when the daemon did not forward one
	Headers    map[string]string
}

// Violation is one broken rule.
type Violation struct {
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}

// Decision is the outcome for one request.
type Decision struct {
	Allow    bool        `json:"allow"`
	Mode     policy.Mode `json:"mode"`
	Endpoint Endpoint    `json:"endpoint"`
	Path     string      `json:"path,omitempty"`
	// Rule is the first violated rule ("" when none).
	Rule       string      `json:"rule,omitempty"`
	Violations []Violation `json:"violations,omitempty"`
	// Exempted are violations lifted by an exemption for the user.
	Exempted []Violation `json:"exempted,omitempty"`
	// Notes say what was not evaluated and why.
	Notes   []string `json:"notes,omitempty"`
	Summary *Summary `json:"summary,omitempty"`
	Err     string   `json:"error,omitempty"`
}

// Message is the text returned to the Docker client on a denial; it names
// the rules.
func (d *Decision) Message() string {
	if len(d.Violations) == 0 {
		return ""
	}
	var b strings.Builder
	if d.Allow {
		b.WriteString("bulwark guard (audit mode, allowed): would deny: ")
	} else {
		b.WriteString("bulwark guard: denied: ")
	}
	for i, v := range d.Violations {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "rule %s: %s", v.Rule, v.Detail)
	}
	return b.String()
}

// Engine is the part of the Docker Engine API the guard reads: image
// facts (ID, USER, repo digests, /etc/passwd), created containers and
// named volumes.
// *client.Client implements it.
type Engine interface {
	ImageInspect(ctx context.Context, ref string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
	ContainerInspectWithRaw(ctx context.Context, id string, size bool) (container.InspectResponse, []byte, error)
	VolumeInspect(ctx context.Context, id string) (volume.Volume, error)
	// A created or running container's /etc/passwd, and an image export
	// for an image's (user names resolved as the runtime does).
	CopyFromContainer(ctx context.Context, id, srcPath string) (io.ReadCloser, container.PathStat, error)
	source.EngineImages
}

var _ Engine = (*client.Client)(nil)

// Scans is where the scan gate finds an image's latest scan: the local
// history ([history.Dir]) now, the fleet server's API later.
type Scans interface {
	Latest(ctx context.Context, key string) (*history.Entry, error)
}

var _ Scans = history.Dir("")

// Options configure a Guard.
type Options struct {
	// Engine answers image and container questions. Nil with Offline
	// unset makes every rule that needs it deny (fail closed).
	Engine Engine
	// Offline skips the rules that need the engine, with a note in the
	// decision (for `bulwark guard test`).
	Offline bool
	// Scans overrides the policy's history directory.
	Scans Scans
	// Now is the clock (tests); nil: time.Now.
	Now func() time.Time
	// NameTTL and IDTTL bound how long an image inspect answer is reused
	// for an image name and for an image ID (0: DefaultNameTTL,
	// DefaultIDTTL; negative: ask the engine every time).
	NameTTL, IDTTL time.Duration
}

// Guard evaluates requests against a policy that can be replaced while
// requests are in flight: each request uses the policy it started with.
type Guard struct {
	opts   Options
	cur    atomic.Pointer[compiled]
	images *imageCache
	passwd passwdCache
}

// New compiles p into a Guard.
func New(p *policy.Policy, opts Options) (*Guard, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	g := &Guard{opts: opts, images: newImageCache(opts.NameTTL, opts.IDTTL)}
	if err := g.SetPolicy(p); err != nil {
		return nil, err
	}
	return g, nil
}

// SetPolicy replaces the policy; requests already being judged finish
// with the old one.
func (g *Guard) SetPolicy(p *policy.Policy) error {
	c, err := compile(p, g.opts)
	if err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	g.cur.Store(c)
	return nil
}

// Policy returns the policy in force.
func (g *Guard) Policy() *policy.Policy { return g.cur.Load().p }

// Decide judges one request. The returned decision is always usable: on
// an internal error it denies (enforce mode) with rule internal-error, and
// the error is returned as well for logging.
func (g *Guard) Decide(ctx context.Context, in Input) (d Decision, err error) {
	c := g.cur.Load()
	d = Decision{Mode: c.p.Mode, Endpoint: EndpointOther}
	var vs []Violation
	func() {
		defer func() {
			// A decision must never take the plugin down: a bug is an
			// internal error, and internal errors deny.
			if r := recover(); r != nil {
				slog.ErrorContext(ctx, "guard: panic while deciding", "panic", r, "stack", string(debug.Stack()))
				err = fmt.Errorf("internal error: %v", r)
			}
		}()
		vs, err = g.evaluate(ctx, c, in, &d)
	}()
	if err != nil {
		err = fmt.Errorf("guard: %w", err)
		d.Err = err.Error()
		vs = append(vs, Violation{policy.RuleInternalError, err.Error()})
	}
	c.finish(&d, in.User, vs)
	return d, err
}

// finish applies exemptions and the mode.
func (c *compiled) finish(d *Decision, user string, vs []Violation) {
	d.Violations = nil
	for _, v := range vs {
		if c.p.Exempt(user, v.Rule) {
			d.Exempted = append(d.Exempted, v)
			continue
		}
		d.Violations = append(d.Violations, v)
	}
	if len(d.Violations) > 0 {
		d.Rule = d.Violations[0].Rule
	}
	d.Allow = len(d.Violations) == 0 || c.p.Mode == policy.Audit
}

func (g *Guard) evaluate(ctx context.Context, c *compiled, in Input, d *Decision) ([]Violation, error) {
	r, err := ParseRoute(in.Method, in.URI)
	if err != nil {
		return []Violation{{policy.RuleRequestURI, err.Error()}}, nil
	}
	d.Endpoint, d.Path = r.Endpoint, r.Path
	e := &eval{g: g, c: c, d: d, user: in.User}
	switch r.Endpoint {
	case ContainerCreate:
		body, v := c.requireBody(in, "container create")
		if v != nil {
			return []Violation{*v}, nil
		}
		return e.create(ctx, body)
	case ContainerStart:
		return e.start(ctx, r.ID, in.Body)
	case ContainerUpdate:
		body, v := c.requireBody(in, "container update")
		if v != nil {
			return []Violation{*v}, nil
		}
		return e.update(body)
	case ExecCreate:
		body, v := c.requireBody(in, "exec create")
		if v != nil {
			return []Violation{*v}, nil
		}
		return e.execCreate(ctx, r.ID, body)
	case ExecStart:
		if !c.p.Exec.Allow {
			return []Violation{{policy.RuleExec, "docker exec is not allowed (exec.allow)"}}, nil
		}
	case ImagePull:
		return e.pull(r), nil
	case ImageBuild:
		return e.build(r), nil
	case VolumeCreate:
		body, v := c.requireBody(in, "volume create")
		if v != nil {
			return []Violation{*v}, nil
		}
		return e.volumeCreate(body)
	case PluginInstall:
		if !c.p.Plugins.AllowInstall {
			return []Violation{{policy.RulePluginInstall, "installing, upgrading, configuring or enabling plugins is not allowed (plugins.allow_install)"}}, nil
		}
	case ServiceChange:
		if !c.p.Services.Allow {
			return []Violation{{policy.RuleService, "creating or joining a swarm, or creating or updating swarm services, is not allowed (services.allow)"}}, nil
		}
	case BuildKit:
		if !c.p.Builds.AllowBuildKit {
			return []Violation{{policy.RuleBuildKit, "BuildKit builds are not allowed: their entitlements (network.host, security.insecure) cannot be judged (builds.allow_buildkit)"}}, nil
		}
	case ArchiveUpload:
		if !c.p.Containers.AllowArchiveUpload {
			e.summary().Container = r.ID
			return []Violation{{policy.RuleArchiveUpload, fmt.Sprintf("copying files into container %s is not allowed: the archive can write any file in it and is not shown to the plugin (containers.allow_archive_upload)", r.ID)}}, nil
		}
	}
	return nil, nil
}

// eval carries one request's state through the rules.
type eval struct {
	g    *Guard
	c    *compiled
	d    *Decision
	user string
	// Engine answers reused within the decision, and the count of engine
	// calls made (bounded by maxLookups).
	volumes map[string][]hostUse
	lookups int
}

func (e *eval) note(format string, args ...any) {
	e.d.Notes = append(e.d.Notes, fmt.Sprintf(format, args...))
}

func (e *eval) summary() *Summary {
	if e.d.Summary == nil {
		e.d.Summary = &Summary{}
	}
	return e.d.Summary
}

// errEngineNeeded is returned when a rule needs the engine and none is
// configured.
var errEngineNeeded = errors.New("no Docker engine to ask")

// engine returns the engine, or (nil, nil) offline with a note, or an
// error (fail closed).
func (e *eval) engine(why string) (Engine, error) {
	if e.g.opts.Engine != nil {
		return e.g.opts.Engine, nil
	}
	if e.g.opts.Offline {
		e.note("offline: %s not evaluated", why)
		return nil, nil
	}
	return nil, fmt.Errorf("%w (%s)", errEngineNeeded, why)
}

func unique(vs []Violation) []Violation {
	var out []Violation
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// CheckContainer judges a created container by what the engine holds (the
// watcher's question: does this running container break the policy?).
// Violations are listed in either mode; exemptions do not apply (there is
// no requesting user).
func (g *Guard) CheckContainer(ctx context.Context, id string) (d Decision, err error) {
	c := g.cur.Load()
	d = Decision{Mode: c.p.Mode, Endpoint: ContainerStart, Path: "/containers/" + id}
	var vs []Violation
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("internal error: %v", r)
			}
		}()
		e := &eval{g: g, c: c, d: &d}
		vs, err = e.start(ctx, id, nil)
	}()
	if err != nil {
		err = fmt.Errorf("guard: checking container %s: %w", id, err)
		d.Err = err.Error()
		vs = append(vs, Violation{policy.RuleInternalError, err.Error()})
	}
	c.finish(&d, "", vs)
	return d, err
}
