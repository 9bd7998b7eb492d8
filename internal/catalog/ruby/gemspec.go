package ruby

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// gemspec is what a specification file states about its gem.
type gemspec struct {
	name, version, platform string
	licenses                []string
}

// The attributes read, by the name of their setter.
const (
	attrName     = "name"
	attrVersion  = "version"
	attrLicense  = "license"
	attrLicenses = "licenses"
	attrPlatform = "platform"
)

// parseGemspec reads an installed specification (specifications/*.gemspec)
// as RubyGems writes it (Gem::Specification#to_ruby):
//
//	# stub: nokogiri 1.13.10 x86_64-linux lib
//	Gem::Specification.new do |s|
//	  s.name = "nokogiri".freeze
//	  s.version = "1.13.10"
//	  s.platform = "x86_64-linux".freeze
//	  s.licenses = ["MIT".freeze]
//
// and as older RubyGems and hand-written specs do (%q{…} strings, another
// block variable, "license ="). Only literal values are taken: the file is
// tokenized, never evaluated. When name or version is not a literal, the
// "# stub:" line RubyGems puts on top, then the file name
// (<name>-<version>[-<platform>].gemspec), supply them.
func parseGemspec(src, fileName string) (sbom.Package, error) {
	toks, lexErr := lex(src)
	spec, found := assignments(toks)
	stubName, stubVersion, stubPlatform := stubLine(src)
	if spec.name == "" {
		spec.name = stubName
	}
	if spec.version == "" && spec.name == stubName {
		spec.version = stubVersion
	}
	if spec.platform == "" && spec.name == stubName {
		spec.platform = stubPlatform
	}
	if spec.version == "" && spec.name != "" {
		base := strings.TrimSuffix(fileName, ".gemspec")
		if rest, ok := strings.CutPrefix(base, spec.name+"-"); ok {
			v, plat, _ := strings.Cut(rest, "-")
			spec.version = v
			if spec.platform == "" {
				spec.platform = plat
			}
		}
	}
	switch {
	case spec.name == "" && lexErr != nil:
		return sbom.Package{}, fmt.Errorf("gemspec: %w", lexErr)
	case spec.name == "" && !found:
		return sbom.Package{}, errors.New("gemspec: no Gem::Specification.new block")
	case spec.name == "":
		return sbom.Package{}, errors.New("gemspec: no literal name")
	case !validGemName(spec.name):
		return sbom.Package{}, fmt.Errorf("gemspec: invalid name %q", spec.name)
	case spec.version == "":
		return sbom.Package{}, fmt.Errorf("gemspec: %s: no literal version", spec.name)
	case !validGemVersion(spec.version):
		return sbom.Package{}, fmt.Errorf("gemspec: %s: invalid version %q", spec.name, spec.version)
	}
	p := sbom.Package{Name: spec.name, Version: spec.version, Type: sbom.Gem, License: spec.licenses}
	if spec.platform != "ruby" {
		p.Arch = spec.platform
	}
	return p, nil
}

// assignments finds the Gem::Specification.new block's variable and the
// first literal assignment of each attribute to it. found reports whether
// the block was there.
func assignments(toks []token) (spec gemspec, found bool) {
	v, start := blockVariable(toks)
	if v == "" {
		return spec, false
	}
	seen := map[string]bool{}
	for i := start; i+3 < len(toks); i++ {
		if toks[i].kind != tIdent || toks[i].text != v || !isPunct(toks[i+1], ".") ||
			toks[i+2].kind != tIdent || !isPunct(toks[i+3], "=") {
			continue
		}
		attr := toks[i+2].text
		switch attr {
		case attrName, attrVersion, attrLicense, attrLicenses, attrPlatform:
		default:
			continue
		}
		if seen[attr] {
			continue
		}
		seen[attr] = true
		vals, ok := literal(toks, i+4)
		if !ok || len(vals) == 0 {
			continue
		}
		switch attr {
		case attrName:
			spec.name = vals[0]
		case attrVersion:
			spec.version = vals[0]
		case attrPlatform:
			spec.platform = vals[0]
		case attrLicense, attrLicenses:
			if spec.licenses == nil {
				for _, l := range vals {
					if l = strings.TrimSpace(l); l != "" {
						spec.licenses = append(spec.licenses, l)
					}
				}
			}
		}
	}
	return spec, true
}

// blockVariable finds `Gem::Specification.new [(…)] do |v|` (or `{ |v|`)
// and returns v and the index after it.
func blockVariable(toks []token) (string, int) {
	for i := 0; i+4 < len(toks); i++ {
		if !isConst(toks[i], "Gem") || !isPunct(toks[i+1], "::") || !isConst(toks[i+2], "Specification") ||
			!isPunct(toks[i+3], ".") || toks[i+4].kind != tIdent || toks[i+4].text != "new" {
			continue
		}
		j := i + 5
		if j < len(toks) && isPunct(toks[j], "(") {
			depth := 0
			for ; j < len(toks); j++ {
				if isPunct(toks[j], "(") {
					depth++
				} else if isPunct(toks[j], ")") {
					if depth--; depth == 0 {
						j++
						break
					}
				}
			}
		}
		if j+3 < len(toks) && (toks[j].kind == tKeyword && toks[j].text == "do" || isPunct(toks[j], "{")) &&
			isPunct(toks[j+1], "|") && toks[j+2].kind == tIdent && isPunct(toks[j+3], "|") {
			return toks[j+2].text, j + 4
		}
	}
	return "", 0
}

// literal reads the value expression at toks[i]: a string, an array of
// strings, %w[…], each optionally followed by .freeze (and the other
// harmless conversions RubyGems and authors write), Gem::Version.new("…"),
// or Gem::Platform::RUBY. Anything else is not a literal.
func literal(toks []token, i int) ([]string, bool) {
	if i >= len(toks) {
		return nil, false
	}
	var vals []string
	var end int
	t := toks[i]
	switch {
	case t.kind == tString:
		vals, end = []string{t.text}, conversions(toks, i+1)
	case t.kind == tWords:
		vals, end = t.words, conversions(toks, i+1)
	case isPunct(t, "["):
		j := i + 1
		for j < len(toks) && toks[j].kind == tNewline {
			j++
		}
		for j < len(toks) && !isPunct(toks[j], "]") {
			if toks[j].kind != tString {
				return nil, false
			}
			vals = append(vals, toks[j].text)
			j = conversions(toks, j+1)
			for j < len(toks) && toks[j].kind == tNewline {
				j++
			}
			if j < len(toks) && isPunct(toks[j], ",") {
				j++
				for j < len(toks) && toks[j].kind == tNewline {
					j++
				}
			} else if j < len(toks) && !isPunct(toks[j], "]") {
				return nil, false
			}
		}
		if j >= len(toks) {
			return nil, false
		}
		end = conversions(toks, j+1)
	case isConst(t, "Gem") && i+4 < len(toks) && isPunct(toks[i+1], "::") && isPunct(toks[i+3], "::") &&
		isConst(toks[i+2], "Platform") && isConst(toks[i+4], "RUBY"):
		vals, end = []string{"ruby"}, i+5
	case isConst(t, "Gem") && i+7 < len(toks) && isPunct(toks[i+1], "::") && isConst(toks[i+2], "Version") &&
		isPunct(toks[i+3], ".") && toks[i+4].kind == tIdent && toks[i+4].text == "new" && isPunct(toks[i+5], "(") &&
		toks[i+6].kind == tString && isPunct(toks[i+7], ")"):
		vals, end = []string{toks[i+6].text}, i+8
	default:
		return nil, false
	}
	// The statement must end there (a newline, ";", "if …" modifier, or the
	// block's end), or the value was only the start of an expression
	// ("x" + VERSION).
	if end < len(toks) {
		switch n := toks[end]; {
		case n.kind == tNewline, n.kind == tEOF, isPunct(n, ";"), isPunct(n, "}"),
			n.kind == tKeyword && (n.text == "if" || n.text == "unless" || n.text == "end"):
		default:
			return nil, false
		}
	}
	return vals, true
}

// conversions skips ".freeze", ".dup", ".to_s", ".strip" after a value.
func conversions(toks []token, i int) int {
	for i+1 < len(toks) && isPunct(toks[i], ".") && toks[i+1].kind == tIdent {
		switch toks[i+1].text {
		case "freeze", "dup", "to_s", "strip", "to_str":
			i += 2
		default:
			return i
		}
	}
	return i
}

// stubLine reads "# stub: <name> <version> <platform> <paths>", which
// RubyGems writes on top of installed specifications so that it can load
// them lazily.
func stubLine(src string) (name, version, platform string) {
	for n := 0; n < 5 && src != ""; n++ {
		line, rest, _ := strings.Cut(src, "\n")
		src = rest
		if f, ok := strings.CutPrefix(strings.TrimSpace(line), "# stub: "); ok {
			fields := strings.Fields(f)
			if len(fields) >= 3 {
				return fields[0], fields[1], fields[2]
			}
			return "", "", ""
		}
	}
	return "", "", ""
}

func isPunct(t token, s string) bool { return t.kind == tPunct && t.text == s }
func isConst(t token, s string) bool { return t.kind == tConst && t.text == s }

// validGemName follows RubyGems' rule for new gems (Gem::Specification
// validation): letters, digits, ".", "-" and "_", and at least one letter.
func validGemName(n string) bool {
	if n == "" || len(n) > 256 {
		return false
	}
	letter := false
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letter = true
		case '0' <= c && c <= '9', c == '.', c == '-', c == '_':
		default:
			return false
		}
	}
	return letter
}

// validGemVersion follows Gem::Version's pattern: digits and letters in
// dot-separated segments, optionally "-" and a prerelease, starting with a
// digit.
func validGemVersion(v string) bool {
	if v == "" || len(v) > 128 || !isDigit(v[0]) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '.' || c == '-') {
			return false
		}
	}
	return !strings.Contains(v, "..")
}
