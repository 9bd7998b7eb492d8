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
	// A remediation shared by consecutive warnings of a section (the
	// thirteen audit rules of 1.1) is said once, after the last of them.
	var fix string
	var fixIDs []string
	flushFix := func() {
		switch {
		case len(fixIDs) == 1:
			fmt.Fprintf(bw, "       fix: %s\n", oneLine(fix))
		case len(fixIDs) > 1:
			fmt.Fprintf(bw, "       fix for %s: %s\n", idList(fixIDs), oneLine(fix))
		}
		fix, fixIDs = "", nil
	}
	section := ""
	for i, res := range r.Results {
		if res.Section != section {
			flushFix()
			section = res.Section
			fmt.Fprintf(bw, "\n%s\n", section)
		}
		if res.Status == Warn && res.Remediation != "" && res.Remediation != fix {
			flushFix()
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
			fix = res.Remediation
			fixIDs = append(fixIDs, res.ID)
			if !sharesFix(r.Results[i+1:], res.Section, fix) {
				flushFix()
			}
		}
	}
	flushFix()
	sc := r.Score
	sp, sw := 0, 0
	for _, res := range r.Results {
		switch {
		case res.Scored && res.Status == Pass:
			sp++
		case res.Scored && res.Status == Warn:
			sw++
		}
	}
	fmt.Fprintf(bw, "\nScore: %d = %d scored checks that pass - %d that warn (docker-bench-security's figure: higher is better; unscored checks, info, notes and skips do not count)\n",
		sc.Score, sp, sw)
	fmt.Fprintf(bw, "Checks: %d - %d pass, %d warn, %d info, %d note, %d skip; %d of %d verdicts passed\n",
		sc.Total, sc.Pass, sc.Warn, sc.Info, sc.Note, sc.Skip, sc.Passed, sc.Verdicts)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("bench: writing table report: %w", err)
	}
	return nil
}

// sharesFix reports whether the next warning with a remediation in the
// rest of the section has the same one, so the fix line can wait for it.
func sharesFix(rest []Result, section, fix string) bool {
	for _, r := range rest {
		if r.Section != section {
			return false
		}
		if r.Status == Warn && r.Remediation != "" {
			return r.Remediation == fix
		}
	}
	return false
}

// idList names checks "1.1.3, 1.1.4 and 1.1.5", or the first and last of a
// longer run with its length.
func idList(ids []string) string {
	switch {
	case len(ids) <= 3:
		return strings.Join(ids[:len(ids)-1], ", ") + " and " + ids[len(ids)-1]
	default:
		return fmt.Sprintf("the %d warnings %s to %s", len(ids), ids[0], ids[len(ids)-1])
	}
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
