package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as indented JSON, the format's public contract.
func WriteJSON(w io.Writer, r Report) error {
	if r.Results == nil {
		r.Results = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("bench: writing json report: %w", err)
	}
	return nil
}

// TableOptions tune WriteTable.
type TableOptions struct {
	Color bool
	// MaxItems caps the items listed under one check (0: 10).
	MaxItems int
}

var statusColor = map[Status]string{
	Pass: "\x1b[32m", Warn: "\x1b[31m", Info: "\x1b[34m", Note: "\x1b[33m", Skip: "\x1b[35m",
}

// WriteTable writes the report for people: results grouped by section,
// the reason on the next line, offending items and, for warnings, the fix.
func WriteTable(w io.Writer, r Report, o TableOptions) error {
	if o.MaxItems <= 0 {
		o.MaxItems = 10
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s", r.Benchmark)
	if r.Host.Hostname != "" {
		fmt.Fprintf(bw, " - host %s", r.Host.Hostname)
	}
	if r.Host.DockerVersion != "" {
		fmt.Fprintf(bw, ", Docker %s", r.Host.DockerVersion)
	}
	fmt.Fprintln(bw)
	section := ""
	for _, res := range r.Results {
		if res.Section != section {
			section = res.Section
			fmt.Fprintf(bw, "\n%s\n", section)
		}
		tag := "[" + strings.ToUpper(string(res.Status)) + "]"
		if o.Color {
			tag = statusColor[res.Status] + tag + "\x1b[0m"
		}
		fmt.Fprintf(bw, "%s %-8s %s\n", tag, res.ID, oneLine(res.Title))
		if res.Details != "" {
			fmt.Fprintf(bw, "       %s\n", oneLine(res.Details))
		}
		if res.Status == Warn || res.Status == Skip {
			for i, it := range res.Items {
				if i == o.MaxItems {
					fmt.Fprintf(bw, "       * ... and %d more\n", len(res.Items)-i)
					break
				}
				fmt.Fprintf(bw, "       * %s\n", oneLine(it))
			}
		}
		if res.Status == Warn && res.Remediation != "" {
			fmt.Fprintf(bw, "       fix: %s\n", oneLine(res.Remediation))
		}
	}
	sc := r.Score
	fmt.Fprintf(bw, "\nScore: %d (scored checks: +1 pass, -1 warn)\n", sc.Score)
	fmt.Fprintf(bw, "Checks: %d - %d pass, %d warn, %d info, %d note, %d skip; %d of %d verdicts passed\n",
		sc.Total, sc.Pass, sc.Warn, sc.Info, sc.Note, sc.Skip, sc.Passed, sc.Verdicts)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("bench: writing table report: %w", err)
	}
	return nil
}

// oneLine keeps one result on its lines whatever the data holds, and drops
// control characters that could rewrite the terminal.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			return -1
		}
		return r
	}, s)
}
