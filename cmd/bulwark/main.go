// Command bulwark is a Docker security toolkit: image scanning, CIS benchmark
// audits, an authorization plugin, a fleet server and hardening profiles.
//
// SIGINT and SIGTERM cancel the command's context: scans stop within a
// second (see cli's interruptible), servers shut down gracefully. A second
// signal ends the process at once. A command stopped by a signal exits with
// 128 plus the signal's number, as shells report it.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/bulwark-sec/bulwark/internal/cli"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		first := <-sigs
		cancel(&signalError{first})
		second := <-sigs
		fmt.Fprintf(os.Stderr, "bulwark: %v again: stopping now\n", second)
		os.Exit(exitCode(second))
	}()
	err := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	if se, ok := errors.AsType[*signalError](context.Cause(ctx)); ok {
		fmt.Fprintf(os.Stderr, "bulwark: interrupted by %v\n", se.sig)
		os.Exit(exitCode(se.sig))
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(os.Stderr, "bulwark: "+msg)
	}
	code := 2
	if ec, ok := errors.AsType[cli.ExitCoder](err); ok {
		code = ec.ExitCode()
	}
	os.Exit(code)
}

// signalError is the cause of a context cancelled by a signal.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "interrupted by " + e.sig.String() }

func exitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 2
}
