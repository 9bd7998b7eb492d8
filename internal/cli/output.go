package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/atomicfile"
	"github.com/bulwark-sec/bulwark/internal/ignore"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/formats"
	reporttemplate "github.com/bulwark-sec/bulwark/internal/report/template"
	"github.com/bulwark-sec/bulwark/internal/triage"
	"github.com/bulwark-sec/bulwark/internal/vex"
)

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// colorOK reports whether w may receive ANSI colours: a terminal, and the
// user has not set NO_COLOR (https://no-color.org).
func colorOK(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return isTerminal(w)
}

// writeOutput renders into FILE (atomically: a temporary file renamed over
// it, so a failed run never leaves half a report) or into stdout.
func writeOutput(stdout io.Writer, file string, render func(io.Writer) error) error {
	if file == "" || file == "-" {
		return render(stdout)
	}
	// Through symlinks to what the user named; a device, pipe or socket
	// (/dev/null, /dev/stdout, a FIFO) is written in place, never replaced.
	target := file
	if resolved, err := filepath.EvalSymlinks(file); err == nil {
		target = resolved
	}
	if st, err := os.Stat(target); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return usageErrorf("--output: %s is a directory", file)
		}
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return usageErrorf("--output: %v", err)
		}
		err = render(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", file, err)
		}
		return nil
	}
	tmp, err := atomicfile.Create(target, atomicfile.Options{Perm: 0o644})
	if err != nil {
		return usageErrorf("--output: %v", err)
	}
	defer tmp.Abort()
	if err := render(tmp); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if err := tmp.Commit(); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return nil
}

// progressBar draws "[=====     ] 3/10 layers" on a terminal's stderr and
// nothing elsewhere.
type progressBar struct {
	w     io.Writer
	mu    sync.Mutex
	total int
	done  int
	label string
}

func newProgress(w io.Writer, label string) *progressBar {
	if !isTerminal(w) {
		return nil
	}
	return &progressBar{w: w, label: label}
}

func (p *progressBar) Layers(total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = total
	p.draw()
}

func (p *progressBar) LayerDone() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.draw()
}

func (p *progressBar) draw() {
	if p.total == 0 {
		return
	}
	const width = 30
	n := p.done * width / p.total
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < n {
			bar[i] = '='
		}
	}
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d layers", p.label, bar, p.done, p.total)
}

// finish clears the progress line.
func (p *progressBar) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total > 0 {
		fmt.Fprintf(p.w, "\r\x1b[K")
	}
}

// reportFlags are the triage and rendering flags of commands that report
// findings.
type reportFlags struct {
	template      string
	severities    []string
	ignoreUnfixed bool
	ignoreFile    string
	vex           []string
}

func (f *reportFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.template, "template", "", "Go text/template FILE for --format template (the json report's fields; see docs)")
	fl.StringSliceVar(&f.severities, "severity", nil, "report only these severities (comma-separated: critical,high,medium,low,unknown)")
	fl.BoolVar(&f.ignoreUnfixed, "ignore-unfixed", false, "leave out findings that have no fixed version")
	fl.StringVar(&f.ignoreFile, "ignore-file", "", "ignore file of accepted findings (default: "+ignore.DefaultFile+" in the working directory, when present)")
	fl.StringArrayVar(&f.vex, "vex", nil, "OpenVEX document whose not_affected and fixed statements suppress findings (repeatable)")
}

// outputPlan is a validated format with everything it needs, prepared
// before the scan so that bad flags fail fast.
type outputPlan struct {
	format   string
	template *reporttemplate.Template
	triage   triage.Options
}

func (f *reportFlags) prepare(format string) (*outputPlan, error) {
	p := &outputPlan{format: format}
	switch {
	case format == reporttemplate.Format.Name && f.template == "":
		return nil, usageErrorf("--format template needs --template FILE")
	case format != reporttemplate.Format.Name && f.template != "":
		return nil, usageErrorf("--template is only used with --format template")
	case format == reporttemplate.Format.Name:
		t, err := reporttemplate.Load(f.template)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		p.template = t
	}
	for _, s := range f.severities {
		sev := advisory.Severity(strings.ToLower(strings.TrimSpace(s)))
		switch sev {
		case advisory.Critical, advisory.High, advisory.Medium, advisory.Low, advisory.UnknownSeverity:
			if !slices.Contains(p.triage.Severities, sev) {
				p.triage.Severities = append(p.triage.Severities, sev)
			}
		default:
			return nil, usageErrorf("--severity: unknown value %q (want critical, high, medium, low, unknown)", s)
		}
	}
	p.triage.IgnoreUnfixed = f.ignoreUnfixed
	path := f.ignoreFile
	if path == "" {
		if _, err := os.Stat(ignore.DefaultFile); err == nil {
			path = ignore.DefaultFile
		}
	}
	if path != "" {
		l, err := ignore.Load(path)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		p.triage.Ignore = l
	}
	for _, v := range f.vex {
		d, err := vex.Load(v)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		p.triage.VEX = append(p.triage.VEX, d)
	}
	return p, nil
}

// render writes rep in the plan's format; packages lists packages rather
// than findings where the format has the choice (sbom).
func (p *outputPlan) render(w io.Writer, rep *report.Report, packages bool) error {
	f, ok := formats.Lookup(p.format)
	if !ok {
		return usageErrorf("unknown format %q", p.format)
	}
	o := report.EncodeOptions{Color: colorOK(w), Packages: packages}
	switch {
	case p.template != nil:
		o.Template = p.template
	case f == reporttemplate.Format:
		return usageErrorf("--format template needs --template FILE")
	}
	return f.Encoder.Encode(w, rep, o)
}
