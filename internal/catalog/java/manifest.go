package java

import (
	"bytes"
	"path"
	"strings"
)

// parseManifest returns the main-section attributes of a MANIFEST.MF
// (JAR File Specification, "Manifest Specification") keyed by lower-case
// name. Lines end in CR LF, LF or CR; a line starting with one space
// continues the previous value; the main section ends at the first empty
// line. The JDK refuses a manifest with a line that is not "Name: value";
// such lines are skipped here instead, since the attributes wanted are
// usually still readable and nothing else depends on the rest.
func parseManifest(b []byte) map[string]string {
	attrs := map[string]string{}
	var last string // key of the attribute a continuation line extends
	for len(b) > 0 {
		var line []byte
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			line, b = b, nil
		} else {
			line = b[:i]
			if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			b = b[i+1:]
		}
		switch {
		case len(line) == 0:
			return attrs // end of the main section
		case line[0] == ' ':
			if last != "" {
				attrs[last] += string(line[1:])
			}
			continue
		}
		k, v, ok := bytes.Cut(line, []byte(": "))
		if !ok || len(k) == 0 {
			last = ""
			continue
		}
		last = strings.ToLower(string(k))
		attrs[last] = string(v) // the JDK keeps the last of repeated names
	}
	return attrs
}

// identify names an archive from its manifest attributes (nil when there
// is none) and its file name, the last element of loc.
func identify(attrs map[string]string, loc string) (Artifact, bool) {
	fileArtifact, fileVersion := splitFileName(path.Base(loc[strings.LastIndex(loc, "!/")+1:]))

	var name, version string
	if t := strings.TrimSpace(attrs["implementation-title"]); plausibleID(t) {
		name = t
	} else if s := bundleSymbolicName(attrs["bundle-symbolicname"]); plausibleID(s) {
		name = s
	}
	for _, k := range []string{"implementation-version", "bundle-version"} {
		if v := strings.TrimSpace(attrs[k]); plausibleVersion(v) {
			version = v
			break
		}
	}
	// Maven's archiver writes the groupId as Implementation-Vendor-Id.
	group := strings.TrimSpace(attrs["implementation-vendor-id"])
	if !plausibleID(group) {
		group = ""
	}
	a := Artifact{GroupID: group, ArtifactID: name, Version: version, Path: loc}
	if a.ArtifactID == "" {
		a.ArtifactID = fileArtifact
	}
	if a.Version == "" {
		a.Version = fileVersion
	}
	switch {
	case !plausibleID(a.ArtifactID) || !plausibleVersion(a.Version):
		return Artifact{}, false
	case name != "" && version != "":
		a.Evidence = EvidenceManifest
	case name != "" || version != "" || group != "":
		a.Evidence = EvidenceManifestFileName
	default:
		a.Evidence = EvidenceFileName
	}
	return a, true
}

// bundleSymbolicName drops OSGi directives: "org.example.x;singleton:=true".
func bundleSymbolicName(s string) string {
	s, _, _ = strings.Cut(s, ";")
	return strings.TrimSpace(s)
}

// splitFileName splits "artifact-1.2.3.jar" at the first "-" followed by
// a digit: "guava-31.1-jre.jar" gives "guava" and "31.1-jre". Artifact ids
// that contain "-<digit>" themselves ("log4j-1.2-api-2.17.1.jar") split too
// early; that is why the file name is the weakest evidence.
func splitFileName(base string) (artifact, version string) {
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	for i := 1; i+1 < len(base); i++ {
		if base[i] == '-' && '0' <= base[i+1] && base[i+1] <= '9' {
			return base[:i], base[i+1:]
		}
	}
	return base, ""
}
