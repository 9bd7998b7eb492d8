package agent

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/docker/docker/api/types/image"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/checks"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// Options configure the agent.
type Options struct {
	Client *Client
	// Bench and Scan choose what each run does.
	Bench, Scan bool
	// HostRoot is where the host's root filesystem is mounted ("/").
	HostRoot string
	// Docker is the engine address (default: DOCKER_HOST or the socket).
	Docker dockerhost.Options
	// Images limits scanning to images whose tags contain one of these
	// strings; empty scans every image.
	Images []string
	// DB, when set, matches inventories on the host; without it the server
	// matches them.
	DB *vulndb.DB
	// ScanOptions for scan.Run (cache, temp dir).
	ScanOptions scan.Options
	// Interval between runs in Run (6h).
	Interval time.Duration
	Logger   *slog.Logger
	Version  string
}

// Summary is what one run did.
type Summary struct {
	BenchRun int64   // stored bench run id (0: none)
	Scans    []int64 // stored scan ids
	Failed   []string
}

// RunOnce audits the host and scans its images once, submitting every
// report. Failures of single images are collected in Summary.Failed; an
// error means nothing could be done (no engine, server refused the token).
func RunOnce(ctx context.Context, o Options) (Summary, error) {
	var sum Summary
	log := cmp.Or(o.Logger, slog.New(slog.DiscardHandler))
	api, err := dockerhost.Client(o.Docker)
	if err != nil {
		return sum, fmt.Errorf("agent: %w", err)
	}
	defer api.Close()
	run := time.Now().UTC()
	if o.Bench {
		snap, err := facts.Gather(ctx, api, facts.Options{HostRoot: cmp.Or(o.HostRoot, "/"), DockerHost: api.DaemonHost()})
		if err != nil {
			return sum, fmt.Errorf("agent: bench: %w", err)
		}
		rep := bench.Run(checks.All(checks.Config{}), bench.Selection{}, snap)
		rep.Tool = bench.Tool{Name: "bulwark", Version: o.Version}
		var buf bytes.Buffer
		if err := bench.WriteJSON(&buf, rep); err != nil {
			return sum, fmt.Errorf("agent: bench: %w", err)
		}
		br, err := o.Client.SubmitBench(ctx, buf.Bytes(), fmt.Sprintf("bench:%d", rep.StartedAt.UnixNano()))
		if err != nil {
			return sum, err
		}
		sum.BenchRun = br.ID
		log.InfoContext(ctx, "bench submitted", "run", br.ID, "score", br.Score)
	}
	if !o.Scan {
		return sum, nil
	}
	imgs, err := api.ImageList(ctx, image.ListOptions{})
	if err != nil {
		return sum, fmt.Errorf("agent: listing images: %w", err)
	}
	slices.SortFunc(imgs, func(a, b image.Summary) int { return cmp.Compare(a.ID, b.ID) })
	sopts := o.ScanOptions
	if sopts.Source.DockerHost == "" {
		sopts.Source.DockerHost = api.DaemonHost()
	}
	sopts.Source.Offline = true
	sopts.Tool = report.Tool{Name: "bulwark", Version: o.Version}
	for _, img := range imgs {
		if !wanted(img.RepoTags, o.Images) {
			continue
		}
		id, err := scanOne(ctx, o, sopts, img, run)
		if err != nil {
			if ctx.Err() != nil {
				return sum, ctx.Err()
			}
			var ae *APIError
			if errors.As(err, &ae) && (ae.Status == 401 || ae.Status == 403) {
				return sum, err
			}
			log.WarnContext(ctx, "agent: image not scanned", "image", img.ID, "err", err)
			sum.Failed = append(sum.Failed, img.ID+": "+err.Error())
			continue
		}
		sum.Scans = append(sum.Scans, id)
	}
	log.InfoContext(ctx, "scans submitted", "scans", len(sum.Scans), "failed", len(sum.Failed))
	return sum, nil
}

func wanted(tags, filters []string) bool {
	if len(filters) == 0 {
		return true
	}
	for _, t := range tags {
		for _, f := range filters {
			if strings.Contains(t, f) {
				return true
			}
		}
	}
	return false
}

func scanOne(ctx context.Context, o Options, sopts scan.Options, img image.Summary, run time.Time) (int64, error) {
	sopts.Matching, sopts.DB = scan.ByServer, o.DB
	if o.DB != nil {
		sopts.Matching = scan.MatchDB
	}
	rep, err := scan.Run(ctx, "docker:"+img.ID, sopts)
	if err != nil {
		return 0, err
	}
	if len(rep.Target.RepoTags) == 0 {
		rep.Target.RepoTags = slices.DeleteFunc(slices.Clone(img.RepoTags), func(t string) bool { return t == "<none>:<none>" })
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, rep); err != nil {
		return 0, err
	}
	sc, err := o.Client.SubmitScan(ctx, buf.Bytes(), fmt.Sprintf("scan:%s:%d", img.ID, run.UnixNano()))
	return sc.ID, err
}

// Run calls RunOnce every Interval until ctx ends.
func Run(ctx context.Context, o Options) error {
	log := cmp.Or(o.Logger, slog.New(slog.DiscardHandler))
	every := cmp.Or(o.Interval, 6*time.Hour)
	for {
		if _, err := RunOnce(ctx, o); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.ErrorContext(ctx, "agent: run failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(every):
		}
	}
}
