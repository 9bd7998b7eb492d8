// Package dockerfile checks a Dockerfile before it is built, with the
// rules package misconfig applies to built images, and line numbers.
//
// Parsing is BuildKit's own parser (the one `docker build` uses), so line
// continuations, heredocs, escape directives and JSON forms read exactly as
// the builder reads them. Rules that depend on the final image (USER,
// HEALTHCHECK) look at the last stage only; FROM lines that name an earlier
// stage or scratch are not base images.
package dockerfile

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/misconfig"
)

// maxSize bounds a Dockerfile.
const maxSize = 4 << 20

// Check parses a Dockerfile and returns its findings, each with the path
// given and a line number.
func Check(path string, r io.Reader) ([]finding.Finding, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("dockerfile: reading %s: %w", path, err)
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("dockerfile: %s is larger than 4 MiB", path)
	}
	res, err := parser.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("dockerfile: %s: %w", path, err)
	}
	c := misconfig.NewChecker()
	var (
		out        []finding.Finding
		stages     = map[string]bool{}
		lastFrom   int
		lastUser   string
		userLine   int
		healthLine int
		healthNone bool
	)
	at := func(r finding.Rule, line int, match string) {
		out = append(out, r.At(finding.Evidence{Path: path, Line: line, Match: match}))
	}
	for _, n := range res.AST.Children {
		cmd := strings.ToUpper(n.Value)
		args := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(n.Original), n.Value))
		// The original text keeps the instruction word in its own case.
		if len(n.Original) >= len(n.Value) && strings.EqualFold(n.Original[:len(n.Value)], n.Value) {
			args = strings.TrimSpace(n.Original[len(n.Value):])
		}
		switch cmd {
		case "FROM":
			lastFrom, lastUser, userLine, healthLine, healthNone = n.StartLine, "", 0, 0, false
			words := fromWords(n)
			if len(words) > 0 {
				img := words[0]
				if len(words) >= 3 && strings.EqualFold(words[1], "AS") {
					stages[strings.ToLower(words[2])] = true
				}
				if img != "scratch" && !stages[strings.ToLower(img)] && !strings.Contains(img, "$") && !misconfig.Pinned(img) {
					at(misconfig.LatestBase, n.StartLine, img)
				}
			}
			continue
		case "USER":
			lastUser, userLine = args, n.StartLine
			continue
		case "HEALTHCHECK":
			healthLine = n.StartLine
			healthNone = strings.EqualFold(strings.TrimSpace(args), "NONE")
			continue
		}
		for _, f := range c.CheckInstruction(misconfig.Instruction{Cmd: cmd, Args: args, Line: n.StartLine}) {
			f.Evidence.Path = path
			out = append(out, f)
		}
	}
	if lastFrom > 0 {
		if misconfig.RootUserName(lastUser) {
			line, shown := userLine, lastUser
			if line == 0 {
				line, shown = lastFrom, "(not set)"
			}
			at(misconfig.RootUser, line, shown)
		}
		if healthLine == 0 || healthNone {
			line := healthLine
			if line == 0 {
				line = lastFrom
			}
			at(misconfig.NoHealthcheck, line, "")
		}
	}
	finding.Sort(out)
	return out, nil
}

// fromWords returns FROM's words without flags (--platform=…).
func fromWords(n *parser.Node) []string {
	var out []string
	for x := n.Next; x != nil; x = x.Next {
		if !strings.HasPrefix(x.Value, "--") {
			out = append(out, x.Value)
		}
	}
	return out
}
