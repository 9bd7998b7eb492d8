// Command bulwark is a Docker security toolkit: image scanning, CIS benchmark
// audits, an authorization plugin, a fleet server and hardening profiles.
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err == nil {
		return
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
