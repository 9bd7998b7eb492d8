package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/bulwark-sec/bulwark/internal/agent"
	"github.com/bulwark-sec/bulwark/internal/defend/daemon"
	"github.com/bulwark-sec/bulwark/internal/defend/event"
	"github.com/bulwark-sec/bulwark/internal/defend/judge"
	"github.com/bulwark-sec/bulwark/internal/defend/model"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
	"github.com/bulwark-sec/bulwark/internal/defend/sink"
	"github.com/bulwark-sec/bulwark/internal/source"
)

// defendJudgeFlags are the behaviour-model and deduplication settings of an
// agent that runs defend (`defend run`, `agent --defend`).
type defendJudgeFlags struct {
	models, modelPriority, modelResponse string
	noModels                             bool
	learn, dedup                         time.Duration
	learnStarts                          int
}

func (f *defendJudgeFlags) bind(fl *pflag.FlagSet) {
	fl.StringVar(&f.models, "models", defaultModelStore(), "behaviour model store ($BULWARK_DEFEND_MODELS)")
	fl.BoolVar(&f.noModels, "no-models", false, "judge by rules only: learn no behaviour model")
	fl.DurationVar(&f.learn, "learn", model.DefaultWindow, "how long a new image's model learns before it judges (0: by --learn-starts only)")
	fl.IntVar(&f.learnStarts, "learn-starts", 0, "or: learn through this many container starts of the image, judging the next (0: by --learn only)")
	fl.StringVar(&f.modelPriority, "model-priority", "warning", "priority of behaviour-model alerts (one step graver for a program the image does not contain)")
	fl.StringVar(&f.modelResponse, "model-response", "alert", "what a behaviour-model alert asks for: alert, kill, pause or stop")
	fl.DurationVar(&f.dedup, "dedup", time.Minute, "count repeats of a reporting-only alert (same rule, container and act) for this long instead of sending them (0: send all)")
}

// defendJudge is rules and models in one judge, offering the kernel forms
// of the enforcing rules to the sensor as its predicates.
type defendJudge struct {
	j     *judge.Judge
	preds *daemon.RulesJudge
}

// Judge judges one event by rules and models.
func (d defendJudge) Judge(ctx context.Context, e *event.Event) []event.Alert {
	return d.j.Judge(ctx, e)
}

// Predicates are the kernel-checkable predicates of the rules.
func (j defendJudge) Predicates() []event.Predicate { return j.preds.Predicates() }

// Kinds are the event kinds the rules and models can select: the sensor
// traces only their system calls.
func (j defendJudge) Kinds() []event.Kind { return j.j.Kinds() }

// ModelStats returns the behaviour models' counters, for the metrics.
func (j defendJudge) ModelStats() (model.Stats, bool) { return j.j.ModelStats() }

var (
	_ daemon.PredicateSource  = defendJudge{}
	_ daemon.KindSource       = defendJudge{}
	_ daemon.ModelStatsSource = defendJudge{}
)

// buildDefendJudge assembles the judge; run (nil without models) keeps the
// models: seeding, saving, sending to pub, until its context ends.
func buildDefendJudge(ctx context.Context, set *rules.Set, f *defendJudgeFlags, dockerHost string, pub model.Publisher) (defendJudge, func(context.Context) error, error) {
	prio, err := rules.ParsePriority(f.modelPriority)
	if err != nil {
		return defendJudge{}, nil, usageErrorf("--model-priority: %v", err)
	}
	resp := event.Response(strings.ToLower(f.modelResponse))
	switch resp {
	case event.Report, event.Kill, event.Pause, event.Stop:
	default:
		return defendJudge{}, nil, usageErrorf("--model-response %q: want alert, kill, pause or stop", f.modelResponse)
	}
	if f.learn < 0 || f.learnStarts < 0 || (f.learn == 0 && f.learnStarts == 0) {
		return defendJudge{}, nil, usageErrorf("--learn and --learn-starts: give a positive window (a time, a number of starts, or both)")
	}
	o := judge.Options{Rules: set, ModelPriority: prio, ModelResponse: resp, Dedup: f.dedup}
	if f.dedup == 0 {
		o.Dedup = -1
	}
	var run func(context.Context) error
	if !f.noModels {
		st, err := model.OpenStore(ctx, f.models)
		if err != nil {
			return defendJudge{}, nil, usageErrorf("--models: %v", err)
		}
		reg := model.NewRegistry(model.Config{
			Window:    model.Window{Duration: f.learn, Starts: f.learnStarts},
			Store:     st,
			Seeder:    &model.ImageSeeder{Source: source.Options{DockerHost: dockerHost}},
			Publisher: pub,
		})
		o.Models = reg
		run = reg.Run
	}
	return defendJudge{j: judge.New(o), preds: daemon.NewRulesJudge(set)}, run, nil
}

// defendServerFlags connect a defend agent to `bulwark serve`.
type defendServerFlags struct{ agentFlags }

func (f *defendServerFlags) bind(fl *pflag.FlagSet) {
	fl.StringVar(&f.server, "server", "", "also send alerts and behaviour models to this bulwark serve (http(s)://host:port)")
	fl.StringVar(&f.token, "token", "", "agent token for --server (default $BULWARK_TOKEN)")
	fl.StringVar(&f.host, "host", "", "this host's name, for a fleet agent token")
	fl.StringVar(&f.caCert, "ca-cert", "", "CA certificate that signed the server's certificate")
	fl.StringVar(&f.cert, "cert", "", "client certificate for mutual TLS")
	fl.StringVar(&f.key, "key", "", "private key of --cert")
}

func describeWindow(f *defendJudgeFlags) string {
	switch {
	case f.noModels:
		return "rules only"
	case f.learn > 0 && f.learnStarts > 0:
		return fmt.Sprintf("models learn for %s or %d container starts", f.learn, f.learnStarts)
	case f.learn > 0:
		return fmt.Sprintf("models learn for %s", f.learn)
	}
	return fmt.Sprintf("models learn for %d container starts", f.learnStarts)
}

// defendJudgeAndReport sets opts' judge (rules and models) and, with a
// server, the sink that forwards alerts to it. The returned stop ends the
// model keeping after a last save; call it when the agent has stopped.
func defendJudgeAndReport(ctx context.Context, opts *daemon.Options, set *rules.Set, jf *defendJudgeFlags, sf *defendServerFlags, dockerHost string) (stop func(), err error) {
	var rt *agent.Runtime
	if sf.server != "" {
		if sf.token == "" {
			sf.token = os.Getenv("BULWARK_TOKEN")
		}
		httpc, err := agentHTTP(&sf.agentFlags)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		c, err := agent.NewClient(sf.server, sf.token, httpc)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		c.Host = sf.host
		rt = &agent.Runtime{C: c}
	}
	return defendJudgeWith(ctx, opts, set, jf, rt, sf.server, dockerHost)
}

// defendJudgeWith is defendJudgeAndReport with the server's client made
// already (rt nil: no server).
func defendJudgeWith(ctx context.Context, opts *daemon.Options, set *rules.Set, jf *defendJudgeFlags, rt *agent.Runtime, server, dockerHost string) (stop func(), err error) {
	var pub model.Publisher
	if rt != nil {
		pub = *rt
	}
	j, run, err := buildDefendJudge(ctx, set, jf, dockerHost, pub)
	if err != nil {
		return nil, err
	}
	opts.Judge = j
	if rt != nil {
		opts.Sinks = append(opts.Sinks, sink.NewForward(ctx, *rt, 10000))
	}
	slog.InfoContext(ctx, "defend: judging", "rules", len(set.Rules()), "models", describeWindow(jf), "server", server)
	if run == nil {
		return func() {}, nil
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(mctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			slog.WarnContext(ctx, "defend: saving behaviour models", "err", err)
		}
	}, nil
}
