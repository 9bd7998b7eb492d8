package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/bulwark-sec/bulwark/internal/agent"
	"github.com/bulwark-sec/bulwark/internal/defend/daemon"
	"github.com/bulwark-sec/bulwark/internal/defend/rules"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
)

// agentDefendFlags run `bulwark defend` inside `bulwark agent`.
type agentDefendFlags struct {
	on, enforce, noDefault bool
	mode                   string
	rules                  []string
	judge                  defendJudgeFlags
}

func (f *agentDefendFlags) bind(fl *pflag.FlagSet) {
	fl.BoolVar(&f.on, "defend", false, "also run runtime defense (as bulwark defend run does), sending alerts and behaviour models to the server")
	fl.BoolVar(&f.enforce, "defend-enforce", false, "with --defend: carry out the rules' responses (kill, deny, pause, stop)")
	fl.StringVar(&f.mode, "defend-mode", "auto", "with --defend: sensor auto, ebpf or proc")
	fl.StringArrayVar(&f.rules, "defend-rules", nil, "with --defend: rules FILE after the default set (repeatable)")
	fl.BoolVar(&f.noDefault, "defend-no-default-rules", false, "with --defend: do not load the default rules")
	f.judge.bind(fl)
}

// runAgentWithDefend runs the bench and scan rounds and the defend agent
// side by side until ctx ends; if defend cannot run, the agent stops with
// its reason.
func runAgentWithDefend(ctx context.Context, s *streams, o agent.Options, c *agent.Client, f *agentFlags) error {
	set, err := rules.Load(ctx, f.defend.rules, !f.defend.noDefault)
	if err != nil {
		return usageErrorf("%v", err)
	}
	eng, err := dockerhost.Client(dockerhost.Options{Host: f.dockerHost})
	if err != nil {
		return usageErrorf("defend: %v", err)
	}
	defer eng.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts := daemon.Options{Mode: f.defend.mode, Enforce: f.defend.enforce, Engine: eng, Rate: 5000, Burst: 20000}
	stop, err := defendJudgeWith(ctx, &opts, set, &f.defend.judge, &agent.Runtime{C: c}, f.server, f.dockerHost)
	if err != nil {
		return err
	}
	defer stop()
	opts.Ready = func(a *daemon.Agent) {
		fmt.Fprintf(s.err, "bulwark agent: defend in %s mode, %s, following %d containers\n", a.Mode, a.Layout, len(a.Table().Containers()))
	}
	rounds := make(chan error, 1)
	go func() { rounds <- agent.Run(ctx, o) }()
	derr := daemon.Run(ctx, opts)
	if ctx.Err() == nil {
		// Defend stopped on its own: the agent stops too, and says why.
		cancel()
		<-rounds
		if errors.Is(derr, daemon.ErrBlind) {
			return &exitError{code: ExitInput, err: fmt.Errorf("--defend: %v (bulwark defend probe says why)", derr)}
		}
		return &exitError{code: ExitInput, err: fmt.Errorf("--defend: %v", derr)}
	}
	select {
	case err := <-rounds:
		return err
	case <-time.After(30 * time.Second):
		return nil
	}
}
