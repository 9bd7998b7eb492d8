package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/term"
)

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeOutput renders into FILE (atomically: a temporary file renamed over
// it, so a failed run never leaves half a report) or into stdout.
func writeOutput(stdout io.Writer, file string, render func(io.Writer) error) error {
	if file == "" || file == "-" {
		return render(stdout)
	}
	dir := filepath.Dir(file)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(file)+".tmp-*")
	if err != nil {
		return usageErrorf("--output: %v", err)
	}
	err = render(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
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
