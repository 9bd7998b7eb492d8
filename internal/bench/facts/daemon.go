package facts

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Flag is one parsed dockerd command-line option.
type Flag struct {
	Name     string // long name without dashes ("host", "log-level")
	Value    string
	HasValue bool
}

// dockerd's boolean options: they never consume the next argument, so
// "--live-restore --icc=false" is two flags. Any other option takes the next
// argument as its value, which is safe because dockerd has no positional
// arguments.
var boolFlags = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"debug": true, "experimental": true, "icc": true, "init": true,
		"ip-forward": true, "ip-forward-no-drop": true, "ip-masq": true, "ip6tables": true,
		"iptables": true, "ipv6": true, "live-restore": true, "no-new-privileges": true,
		"raw-logs": true, "rootless": true, "selinux-enabled": true, "tls": true,
		"tlsverify": true, "userland-proxy": true, "disable-legacy-registry": true,
		"validate": true, "help": true, "version": true,
	}
})

// shortFlags maps dockerd's one-letter options to their long names.
var shortFlags = map[string]string{
	"H": "host", "l": "log-level", "D": "debug", "G": "group", "g": "data-root",
	"p": "pidfile", "b": "bridge", "v": "version", "h": "help",
}

// ParseArgs parses a dockerd argument list (without the program name).
// Unparseable words are skipped; it never fails, so a strange command line
// still yields the flags it does hold.
func ParseArgs(args []string) []Flag {
	var out []Flag
	for i := 0; i < len(args); i++ {
		a := args[i]
		var name, val string
		hasVal := false
		switch {
		case strings.HasPrefix(a, "--") && len(a) > 2:
			name = a[2:]
			if n, v, ok := strings.Cut(name, "="); ok {
				name, val, hasVal = n, v, true
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			short := a[1:2]
			long, ok := shortFlags[short]
			if !ok {
				continue
			}
			name = long
			if rest := a[2:]; rest != "" {
				val, hasVal = strings.TrimPrefix(rest, "="), true
			}
		default:
			continue
		}
		if !hasVal && !boolFlags()[name] && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			val, hasVal = args[i+1], true
			i++
		}
		out = append(out, Flag{Name: name, Value: val, HasValue: hasVal})
	}
	return out
}

// jsonKeyFlags maps daemon.json keys to the command-line flag that sets the
// same option where the names differ.
var jsonKeyFlags = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"hosts":                 "host",
		"insecure-registries":   "insecure-registry",
		"storage-opts":          "storage-opt",
		"authorization-plugins": "authorization-plugin",
		"default-ulimits":       "default-ulimit",
		"log-opts":              "log-opt",
		"exec-opts":             "exec-opt",
		"registry-mirrors":      "registry-mirror",
		"labels":                "label",
		"dns":                   "dns",
	}
})

// Setting is the effective value of one daemon option.
type Setting struct {
	Set    bool
	Values []string // each value, as text; booleans are "true"/"false"
	Source string   // "--flag", "daemon.json" or ""
}

// Last is the value that takes effect for single-valued options.
func (s Setting) Last() string {
	if len(s.Values) == 0 {
		return ""
	}
	return s.Values[len(s.Values)-1]
}

// Bool interprets the setting as a boolean, with def when unset. A flag
// given without a value ("--live-restore") is true.
func (s Setting) Bool(def bool) bool {
	if !s.Set {
		return def
	}
	b, err := strconv.ParseBool(s.Last())
	if err != nil {
		return def
	}
	return b
}

// ArgsKnown reports whether the daemon's command line was found.
func (d *Daemon) ArgsKnown() bool { return d.ArgsSource != "" }

// ConfigKnown reports whether daemon.json was read or is known to be absent.
func (d *Daemon) ConfigKnown() bool { return d.ConfigErr == "" }

// Setting returns the effective value of the option named by its daemon.json
// key, looking at the command line first and daemon.json second (dockerd
// refuses to start when both set the same option, so the order only matters
// for malformed setups).
func (d *Daemon) Setting(key string) Setting {
	flagName := key
	if f, ok := jsonKeyFlags()[key]; ok {
		flagName = f
	}
	var s Setting
	for _, f := range ParseArgs(d.Args) {
		if f.Name != flagName {
			continue
		}
		s.Set, s.Source = true, "--"+flagName
		if f.HasValue {
			s.Values = append(s.Values, f.Value)
		} else {
			s.Values = append(s.Values, "true")
		}
	}
	if s.Set {
		return s
	}
	raw, ok := d.Config[key]
	if !ok {
		return s
	}
	vals, err := jsonValues(raw)
	if err != nil {
		return s
	}
	return Setting{Set: true, Values: vals, Source: "daemon.json"}
}

// jsonValues flattens a daemon.json value into text: scalars give one value,
// arrays one per element, objects one "key=value" per member (sorted).
func jsonValues(raw json.RawMessage) ([]string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, scalarText(e))
		}
		return out, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]string, 0, len(x))
		for _, k := range keys {
			out = append(out, k+"="+scalarText(x[k]))
		}
		return out, nil
	case nil:
		return nil, nil
	default:
		return []string{scalarText(x)}, nil
	}
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}

// ParseDaemonJSON decodes a daemon.json document into its top-level keys.
func ParseDaemonJSON(data []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("facts: parsing daemon.json: %w", err)
	}
	if m == nil {
		return nil, fmt.Errorf("facts: parsing daemon.json: not a JSON object")
	}
	return m, nil
}

// NormalizeHost turns a Docker host address into a comparable form: unix
// socket paths are cleaned and /var/run is folded into /run (a symlink on
// every current distribution); fd:// (systemd socket activation) stands for
// the conventional socket /run/docker.sock; tcp addresses are lower-cased.
func NormalizeHost(h string) string {
	h = strings.TrimSpace(h)
	switch {
	case h == "" || h == "fd://" || strings.HasPrefix(h, "fd://"):
		return "unix:///run/docker.sock"
	case strings.HasPrefix(h, "unix://"):
		p := path.Clean("/" + strings.TrimPrefix(h, "unix://"))
		if p == "/var/run" || strings.HasPrefix(p, "/var/run/") {
			p = strings.TrimPrefix(p, "/var")
		}
		return "unix://" + p
	case strings.HasPrefix(h, "/"):
		return NormalizeHost("unix://" + h)
	default:
		return strings.ToLower(h)
	}
}

// Hosts returns the addresses the daemon listens on, normalised. A daemon
// with no -H option listens on the default socket.
func (d *Daemon) Hosts() []string {
	s := d.Setting("hosts")
	if !s.Set {
		return []string{NormalizeHost("unix:///var/run/docker.sock")}
	}
	out := make([]string, 0, len(s.Values))
	for _, v := range s.Values {
		out = append(out, NormalizeHost(v))
	}
	return out
}

// ParseExecStart returns the dockerd arguments from the ExecStart lines of a
// systemd unit and its drop-ins (given in the order systemd applies them): an
// empty ExecStart= resets the list, the last one wins. Environment
// references ($DOCKER_OPTS) are dropped since their values live elsewhere.
func ParseExecStart(units ...string) []string {
	var last []string
	found := false
	for _, u := range units {
		for _, line := range unitLines(u) {
			k, v, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(k) != "ExecStart" {
				continue
			}
			words := splitWords(strings.TrimSpace(v))
			if len(words) == 0 {
				last, found = nil, false
				continue
			}
			var args []string
			for _, w := range words[1:] {
				if strings.HasPrefix(w, "$") {
					continue
				}
				args = append(args, w)
			}
			last, found = args, true
		}
	}
	if !found {
		return nil
	}
	if last == nil {
		last = []string{}
	}
	return last
}

// unitLines joins backslash continuations and drops comments.
func unitLines(u string) []string {
	var out []string
	var cur strings.Builder
	for _, l := range strings.Split(u, "\n") {
		l = strings.TrimRight(l, "\r")
		t := strings.TrimSpace(l)
		if cur.Len() == 0 && (strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";")) {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\"))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(l)
		out = append(out, cur.String())
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// splitWords splits a systemd command line on blanks, honouring double and
// single quotes, and strips systemd's executable prefixes (-@:+!).
func splitWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) > 0 {
		words[0] = strings.TrimLeft(words[0], "-@:+!|")
	}
	return words
}
