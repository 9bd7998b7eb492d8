package npm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/catalog/generic"
	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// manifest is the part of a package.json that matters here. Name and
// Version are raw so that a number or an object there is an error rather
// than a silent zero value.
type manifest struct {
	Name     json.RawMessage
	Version  json.RawMessage
	License  json.RawMessage
	Licenses json.RawMessage
}

var errNotObject = errors.New("not a JSON object")

// parsePackageJSON reads one package.json as a stream, keeping the four
// fields above and skipping the rest unread (dependency lists, scripts and
// embedded READMEs can be long). An installed package without a name or
// version is an error (npm itself calls such a tree invalid); a project
// manifest without them is simply not a package, ok false.
func parsePackageJSON(r io.Reader, isProject bool) (sbom.Package, bool, error) {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3) // npm tolerates a BOM
	}
	if !startsObject(br) {
		return sbom.Package{}, false, errNotObject
	}
	var m manifest
	dec := generic.NewDecoder(br)
	_, err := generic.Object(dec, func(key string) error {
		// Keys match case-insensitively and the last of a repeated key
		// wins, as encoding/json's do.
		var dst *json.RawMessage
		switch strings.ToLower(key) {
		case "name":
			dst = &m.Name
		case "version":
			dst = &m.Version
		case "license":
			dst = &m.License
		case "licenses":
			dst = &m.Licenses
		default:
			return generic.Skip(dec)
		}
		return dec.Decode(dst)
	})
	if err == nil {
		err = generic.End(dec)
	}
	if err != nil {
		return sbom.Package{}, false, fmt.Errorf("package.json: %w", err)
	}
	name, err := jsonString(m.Name, "name")
	if err != nil {
		return sbom.Package{}, false, err
	}
	version, err := jsonString(m.Version, "version")
	if err != nil {
		return sbom.Package{}, false, err
	}
	name, version = strings.TrimSpace(name), strings.TrimSpace(version)
	if name == "" || version == "" {
		if isProject {
			return sbom.Package{}, false, nil
		}
		return sbom.Package{}, false, fmt.Errorf("package.json: installed package without %s", missing(name, version))
	}
	if !validName(name) {
		return sbom.Package{}, false, fmt.Errorf("package.json: invalid package name %q", name)
	}
	p := sbom.Package{Name: name, Version: version, Type: sbom.NPM, Main: isProject}
	p.License = licenses(m.License, m.Licenses)
	return p, true, nil
}

// startsObject reports whether the first byte after white space is "{".
func startsObject(br *bufio.Reader) bool {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return false
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		br.UnreadByte()
		return c == '{'
	}
}

func missing(name, version string) string {
	switch {
	case name == "" && version == "":
		return "name and version"
	case name == "":
		return "name"
	}
	return "version"
}

// jsonString decodes a string field; absent and null are "".
func jsonString(raw json.RawMessage, field string) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("package.json: %s is not a string", field)
	}
	return s, nil
}

// licenses reads the license field in its three historical shapes: an SPDX
// string, an object {"type": …}, and the deprecated "licenses" array of
// such objects (or strings). Malformed licence data is dropped, not an
// error: it does not change what is installed.
func licenses(license, list json.RawMessage) []string {
	var out []string
	add := func(raw json.RawMessage) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
			return
		}
		var o struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(raw, &o) == nil {
			if t := strings.TrimSpace(o.Type); t != "" {
				out = append(out, t)
			}
		}
	}
	if len(license) > 0 {
		var arr []json.RawMessage
		if json.Unmarshal(license, &arr) == nil {
			for _, a := range arr {
				add(a)
			}
		} else {
			add(license)
		}
	}
	if len(out) == 0 && len(list) > 0 {
		var arr []json.RawMessage
		if json.Unmarshal(list, &arr) == nil {
			for _, a := range arr {
				add(a)
			}
		}
	}
	return slices.Compact(out)
}
