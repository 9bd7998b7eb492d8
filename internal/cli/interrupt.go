package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// stopGrace is how long a scan keeps running after SIGINT or SIGTERM
// cancelled its context. The pipeline stops by itself at its next read or
// entry (layer walks, decompression, downloads and hashing all watch the
// context); work that cannot watch it, a parser in the middle of one large
// file, is abandoned after this, and the process exits. Temporary files
// cannot outlive it: spill files are unlinked as soon as they are created.
const stopGrace = time.Second

// interruptible wraps a command so that it returns at most stopGrace after
// its context is cancelled, whether or not its work has noticed.
func interruptible(run func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		done := make(chan error, 1)
		go func() { done <- run(cmd, args) }()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
		}
		t := time.NewTimer(stopGrace)
		defer t.Stop()
		select {
		case err := <-done:
			return err
		case <-t.C:
			return &exitError{code: ExitInput, err: fmt.Errorf("stopped: %w", context.Cause(ctx))}
		}
	}
}
