package npm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

// manifest is the part of a package.json that matters here. Name and
// Version are raw so that a number or an object there is an error rather
// than a silent zero value.
type manifest struct {
	Name     json.RawMessage `json:"name"`
	Version  json.RawMessage `json:"version"`
	License  json.RawMessage `json:"license"`
	Licenses json.RawMessage `json:"licenses"`
}

var errNotObject = errors.New("not a JSON object")

// parsePackageJSON reads one package.json. An installed package without a
// name or version is an error (npm itself calls such a tree invalid); a
// project manifest without them is simply not a package, ok false.
func parsePackageJSON(data []byte, isProject bool) (sbom.Package, bool, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // npm tolerates a BOM
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return sbom.Package{}, false, errNotObject
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
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
