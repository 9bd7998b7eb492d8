package python

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// maxLicenseField is the longest License value taken as a licence name;
// longer values (and folded, multi-line ones) are the licence's full text,
// which some projects paste there.
const maxLicenseField = 100

// parseMetadata reads core metadata (METADATA, PKG-INFO: the Python
// Packaging Authority's "Core metadata specifications", every version from
// 1.0 to 2.4). It is an RFC 822 header block: "Field: value" lines,
// continuation lines starting with white space, and a blank line before
// the body (the long description). As in Python's email parser, which pip
// and importlib.metadata use, a line that is neither ends the headers.
func parseMetadata(data []byte) (sbom.Package, error) {
	var (
		name, version, licField, licExpr string
		licFolded                        bool
		classifiers                      []string
		last                             string // the field continuation lines extend
	)
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if last == "license" {
				licFolded = true
			}
			continue
		}
		k, v, ok := bytes.Cut(line, []byte{':'})
		if !ok || len(k) == 0 || bytes.ContainsAny(k, " \t") {
			break
		}
		last = strings.ToLower(string(k))
		val := string(bytes.TrimSpace(v))
		switch last {
		case "name":
			if name == "" {
				name = val
			}
		case "version":
			if version == "" {
				version = val
			}
		case "license":
			licField = val
		case "license-expression":
			licExpr = val
		case "classifier":
			classifiers = append(classifiers, val)
		}
	}
	switch {
	case name == "" && version == "":
		return sbom.Package{}, errors.New("metadata: no Name and no Version")
	case name == "":
		return sbom.Package{}, errors.New("metadata: no Name")
	case version == "":
		return sbom.Package{}, fmt.Errorf("metadata: %s: no Version", name)
	case !validName(name):
		return sbom.Package{}, fmt.Errorf("metadata: invalid Name %q", name)
	case strings.ContainsAny(version, " \t"):
		return sbom.Package{}, fmt.Errorf("metadata: %s: invalid Version %q", name, version)
	}
	p := sbom.Package{Name: name, Version: version, Type: sbom.Python}
	p.License = metadataLicenses(licExpr, licField, licFolded, classifiers)
	return p, nil
}

// metadataLicenses picks the licence statement: an SPDX License-Expression
// (metadata 2.4) first, then a short License field, then the names in
// "License ::" trove classifiers ("License :: OSI Approved :: MIT License"
// gives "MIT License").
func metadataLicenses(expr, field string, folded bool, classifiers []string) []string {
	if expr != "" {
		return []string{expr}
	}
	switch strings.ToUpper(field) {
	case "", "UNKNOWN", "NONE":
	default:
		if !folded && len(field) <= maxLicenseField {
			return []string{field}
		}
	}
	var out []string
	for _, c := range classifiers {
		parts := strings.Split(c, "::")
		if len(parts) < 2 || strings.TrimSpace(parts[0]) != "License" {
			continue
		}
		last := strings.TrimSpace(parts[len(parts)-1])
		if last == "" || last == "OSI Approved" {
			continue
		}
		out = append(out, last)
	}
	return slices.Compact(out)
}
