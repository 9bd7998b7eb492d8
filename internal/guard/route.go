package guard

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
)

// Endpoint is the kind of API call a rule set applies to.
type Endpoint string

const (
	EndpointOther   Endpoint = "other"
	ContainerCreate Endpoint = "container-create"
	ContainerStart  Endpoint = "container-start"
	ContainerUpdate Endpoint = "container-update"
	ExecCreate      Endpoint = "exec-create"
	ExecStart       Endpoint = "exec-start"
	ImagePull       Endpoint = "image-pull"
	ImageBuild      Endpoint = "image-build"
	PluginInstall   Endpoint = "plugin-install"
	VolumeCreate    Endpoint = "volume-create"
	ServiceChange   Endpoint = "service-change"
	BuildKit        Endpoint = "buildkit"
	ArchiveUpload   Endpoint = "archive-upload"
)

// Route is a request URI after normalisation.
type Route struct {
	Endpoint Endpoint
	// Path is the matched form: decoded, cleaned, lower case, without the
	// API version prefix or a trailing slash ("/containers/create").
	Path string
	// ID is the container, exec or plugin named in the path, as sent.
	ID    string
	Query url.Values
}

var versionPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/v[0-9.]+(/|$)`) })

// maxURI bounds the URIs judged; the daemon's own limit is larger, but no
// real API path comes close.
const maxURI = 64 << 10

// ParseRoute normalises method and the request URI the daemon forwards
// (raw, percent-encoded, with the query) and names the endpoint. Every
// transformation makes matching stricter than the daemon's router, never
// looser: percent-decoding as Go's server does before routing, path
// cleaning (the router redirects unclean paths), any number of version
// prefixes, and case folding (the router is case-sensitive, so a
// differently cased path reaches no handler).
func ParseRoute(method, uri string) (Route, error) {
	if uri == "" || len(uri) > maxURI {
		return Route{}, fmt.Errorf("request URI of %d bytes", len(uri))
	}
	if strings.ContainsAny(uri, "\x00\r\n") {
		return Route{}, fmt.Errorf("request URI %.80q holds control characters", uri)
	}
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return Route{}, fmt.Errorf("request URI %.80q: %v", uri, err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Route{}, fmt.Errorf("request URI %.80q: query: %v", uri, err)
	}
	raw := path.Clean("/" + u.Path)
	for {
		m := versionPrefix().FindString(strings.ToLower(raw))
		if m == "" {
			break
		}
		raw = path.Clean("/" + raw[len(m):])
	}
	p := strings.ToLower(raw)
	r := Route{Endpoint: EndpointOther, Path: p, Query: q}
	if strings.EqualFold(method, "PUT") && strings.HasPrefix(p, "/containers/") && strings.HasSuffix(p, "/archive") && len(p) > len("/containers//archive") {
		r.Endpoint, r.ID = ArchiveUpload, raw[len("/containers/"):len(raw)-len("/archive")]
		return r, nil
	}
	if !strings.EqualFold(method, "POST") {
		return r, nil
	}
	// inner returns the part between prefix and suffix, in its original
	// case; the router's {name:.*} patterns let it hold slashes.
	inner := func(prefix, suffix string) (string, bool) {
		if len(p) <= len(prefix)+len(suffix) || !strings.HasPrefix(p, prefix) || !strings.HasSuffix(p, suffix) {
			return "", false
		}
		return raw[len(prefix) : len(raw)-len(suffix)], true
	}
	switch p {
	case "/containers/create":
		r.Endpoint = ContainerCreate
	case "/images/create":
		r.Endpoint = ImagePull
	case "/build":
		r.Endpoint = ImageBuild
	case "/volumes/create":
		r.Endpoint = VolumeCreate
	case "/plugins/pull", "/plugins/create":
		r.Endpoint = PluginInstall
	case "/services/create", "/swarm/init", "/swarm/join":
		r.Endpoint = ServiceChange
	case "/grpc":
		r.Endpoint = BuildKit
	default:
		for _, m := range []struct {
			prefix, suffix string
			e              Endpoint
		}{
			{"/containers/", "/start", ContainerStart},
			{"/containers/", "/restart", ContainerStart}, // starts it again: judged like start
			{"/containers/", "/update", ContainerUpdate},
			{"/containers/", "/exec", ExecCreate},
			{"/exec/", "/start", ExecStart},
			{"/plugins/", "/upgrade", PluginInstall},
			{"/plugins/", "/set", PluginInstall},
			{"/plugins/", "/enable", PluginInstall},
			{"/services/", "/update", ServiceChange},
		} {
			if id, ok := inner(m.prefix, m.suffix); ok {
				r.Endpoint, r.ID = m.e, id
				break
			}
		}
	}
	return r, nil
}
