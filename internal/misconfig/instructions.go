package misconfig

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/secrets"
)

// lazyRE compiles a regular expression on first use: these are needed only
// by image and Dockerfile checks, and compiling them at start-up would
// slow every command of the binary.
func lazyRE(expr string) *lazyRegexp { return &lazyRegexp{expr: expr} }

type lazyRegexp struct {
	once sync.Once
	expr string
	rx   *regexp.Regexp
}

func (l *lazyRegexp) re() *regexp.Regexp {
	l.once.Do(func() { l.rx = regexp.MustCompile(l.expr) })
	return l.rx
}

// Instruction is one build step, from a Dockerfile line or an image
// history entry.
type Instruction struct {
	Cmd  string // upper case: RUN, ADD, ENV…
	Args string // the rest, as written
	Line int    // Dockerfile line, 1-based; 0 for history entries
	// History is the image history entry this came from.
	History string
	// BuildArgs are the build arguments the legacy builder records in
	// front of RUN commands ("|2 A=1 B=2 /bin/sh -c …").
	BuildArgs [][2]string
}

var instructionWord = lazyRE(`^[A-Z]+$`)

// FromHistory reads an image history entry's created_by in the forms the
// legacy builder ("/bin/sh -c #(nop)  ENV …", "|2 A=1 /bin/sh -c …") and
// BuildKit ("RUN /bin/sh -c … # buildkit", "ENV A=b") write.
func FromHistory(createdBy string) Instruction {
	in := Instruction{History: createdBy}
	s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(createdBy), "# buildkit"))
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c #(nop)"); ok {
		s = strings.TrimSpace(rest)
	} else if strings.HasPrefix(s, "/bin/sh -c ") || strings.HasPrefix(s, "|") {
		s = "RUN " + s
	}
	word, rest, _ := strings.Cut(s, " ")
	if !instructionWord.re().MatchString(word) {
		return in
	}
	in.Cmd, in.Args = word, strings.TrimSpace(rest)
	if in.Cmd == "RUN" {
		in.BuildArgs, in.Args = splitBuildArgs(in.Args)
		in.Args = strings.TrimSpace(strings.TrimPrefix(in.Args, "/bin/sh -c "))
	}
	return in
}

// splitBuildArgs cuts the "|N k=v …" prefix the builders put in front of
// RUN commands that saw build arguments.
func splitBuildArgs(s string) ([][2]string, string) {
	if !strings.HasPrefix(s, "|") {
		return nil, s
	}
	nStr, rest, _ := strings.Cut(s[1:], " ")
	n, err := strconv.Atoi(nStr)
	if err != nil || n < 0 || n > 1000 {
		return nil, s
	}
	var args [][2]string
	for i := 0; i < n; i++ {
		var kv string
		kv, rest, _ = strings.Cut(rest, " ")
		k, v, _ := strings.Cut(kv, "=")
		args = append(args, [2]string{k, v})
	}
	return args, rest
}

// Checker holds what instruction checks need. Use NewChecker.
type Checker struct {
	secrets *secrets.Scanner
}

// NewChecker returns a checker with the built-in secret rules.
func NewChecker() *Checker { return &Checker{secrets: secrets.New()} }

var (
	updateRe  = lazyRE(`\b(apt-get|apt|aptitude)\s+(-\S+\s+)*update\b|\bapk\s+(-\S+\s+)*update\b|\b(yum|dnf|microdnf)\s+(-\S+\s+)*makecache\b|\bzypper\s+(-\S+\s+)*(refresh|ref)\b`)
	installRe = lazyRE(`\b(apt-get|apt|aptitude)\s+(-\S+\s+)*(install|upgrade|dist-upgrade)\b|\bapk\s+(-\S+\s+)*(add|upgrade)\b|\b(yum|dnf|microdnf)\s+(-\S+\s+)*(install|update|upgrade)\b|\bzypper\s+(-\S+\s+)*(install|in|update|up)\b`)
	aptRe     = lazyRE(`\b(apt-get|apt|aptitude)\s+(-\S+\s+)*(install|upgrade|dist-upgrade)\b`)
	apkRe     = lazyRE(`\bapk\s+(-\S+\s+)*add\b`)
	yumRe     = lazyRE(`\b(yum|dnf|microdnf)\s+(-\S+\s+)*install\b`)
	pipeShRe  = lazyRE(`\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(\S*/)?(ba|z|da|k)?sh\b`)
	httpRe    = lazyRE(`\bhttp://([^/\s"']+)`)
	fetchRe   = lazyRE(`\b(curl|wget|git\s+clone|pip3?\s+install|npm\s+install|go\s+get)\b`)
	adminPort = map[int]string{22: "SSH", 23: "Telnet", 3389: "RDP", 5900: "VNC", 2375: "Docker API", 2376: "Docker API (TLS)"}
	secretKey = lazyRE(`(?i)(^|[_.-])(password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|client[_-]?secret)($|[_.-])`)
	notSecret = lazyRE(`(?i)[_.-](file|path|dir|url|uri|endpoint|host|name|user|username|type|length|len|ttl|expiry|enabled)$`)
)

// archiveExt are the local sources ADD unpacks.
var archiveExt = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"}

// CheckInstruction applies the per-instruction rules.
func (c *Checker) CheckInstruction(in Instruction) []finding.Finding {
	ev := func(match string) finding.Evidence {
		return finding.Evidence{Line: in.Line, History: in.History, Match: match}
	}
	var out []finding.Finding
	switch in.Cmd {
	case "ADD":
		for _, src := range addSources(in.Args) {
			low := strings.ToLower(src)
			switch {
			case strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "https://"):
				out = append(out, AddRemote.At(ev(src)))
				if strings.HasPrefix(low, "http://") && !loopback(low) {
					out = append(out, PlainHTTP.At(ev(src)))
				}
			case strings.HasPrefix(low, "file:") || strings.HasPrefix(low, "multi:"):
				// History form of a local ADD ("ADD file:<hash> in /"):
				// the base image's root filesystem, nothing to judge.
			default:
				for _, ext := range archiveExt {
					if strings.HasSuffix(low, ext) {
						out = append(out, AddArchive.At(ev(src)))
						break
					}
				}
			}
		}
	case "RUN":
		out = append(out, c.checkRun(in, ev)...)
	case "ENV", "ARG", "LABEL":
		for _, kv := range keyValues(in.Cmd, in.Args) {
			out = append(out, c.CheckValue(kv[0], kv[1], finding.Evidence{Line: in.Line, History: in.History})...)
		}
	case "EXPOSE":
		for _, p := range ports(in.Args) {
			if name, ok := adminPort[p]; ok {
				out = append(out, AdminPort.At(ev(strconv.Itoa(p)+" ("+name+")")))
			}
		}
	}
	return out
}

func (c *Checker) checkRun(in Instruction, ev func(string) finding.Evidence) []finding.Finding {
	var out []finding.Finding
	cmd := in.Args
	if updateRe.re().MatchString(cmd) && !installRe.re().MatchString(cmd) {
		out = append(out, UpdateAlone.At(ev(clip(cmd))))
	}
	if leftCache(cmd) {
		out = append(out, NoCacheCleanup.At(ev(clip(cmd))))
	}
	if m := pipeShRe.re().FindString(cmd); m != "" {
		out = append(out, PipeToShell.At(ev(clip(m))))
	}
	if fetchRe.re().MatchString(cmd) {
		for _, m := range httpRe.re().FindAllStringSubmatch(cmd, -1) {
			if !loopback("http://" + m[1]) {
				out = append(out, PlainHTTP.At(ev(m[0])))
				break
			}
		}
	}
	for _, kv := range in.BuildArgs {
		out = append(out, c.CheckValue(kv[0], kv[1], finding.Evidence{Line: in.Line, History: in.History})...)
	}
	for _, f := range c.secrets.FindInText(cmd) {
		e := ev(f.Evidence.Match)
		e.Key = f.ID
		out = append(out, SecretInConfig.At(e))
	}
	return out
}

// leftCache reports an install whose package cache is not cleaned in the
// same command.
func leftCache(cmd string) bool {
	switch {
	case aptRe.re().MatchString(cmd):
		return !strings.Contains(cmd, "/var/lib/apt/lists")
	case apkRe.re().MatchString(cmd):
		return !strings.Contains(cmd, "--no-cache") && !strings.Contains(cmd, "/var/cache/apk")
	case yumRe.re().MatchString(cmd):
		return !strings.Contains(cmd, "clean all") && !strings.Contains(cmd, "/var/cache/yum") && !strings.Contains(cmd, "/var/cache/dnf")
	}
	return false
}

// CheckValue judges one ENV/ARG/LABEL/build-argument value: a
// credential-like name with a literal value, or a value in a known
// credential format.
func (c *Checker) CheckValue(key, value string, e finding.Evidence) []finding.Finding {
	value = strings.Trim(strings.TrimSpace(value), `"'`)
	e.Key = key
	if value == "" {
		return nil
	}
	for _, f := range c.secrets.FindInText(value) {
		e.Match = f.Evidence.Match
		return []finding.Finding{SecretInConfig.At(e)}
	}
	if secretKey.re().MatchString(key) && !notSecret.re().MatchString(key) && literalSecret(value) {
		e.Match = finding.Redact(value)
		return []finding.Finding{SecretInConfig.At(e)}
	}
	return nil
}

// literalSecret rejects values that are references or placeholders.
func literalSecret(v string) bool {
	if len(v) < 6 || strings.ContainsAny(v, "${}<> /") {
		return false
	}
	low := strings.ToLower(v)
	for _, p := range []string{"changeme", "example", "placeholder", "dummy", "none", "null", "true", "false", "xxxx", "****", "redacted"} {
		if strings.Contains(low, p) {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 160 {
		return s[:157] + "..."
	}
	return s
}

func loopback(url string) bool {
	host := strings.TrimPrefix(strings.TrimPrefix(url, "http://"), "https://")
	host, _, _ = strings.Cut(host, "/")
	host, _, _ = strings.Cut(host, ":")
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "[::1]"
}

// addSources returns the sources of an ADD (all words but the last, flags
// dropped; JSON form accepted).
func addSources(args string) []string {
	words := shellWords(args)
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, "--") {
			continue
		}
		out = append(out, w)
	}
	if len(out) < 2 {
		return nil
	}
	out = out[:len(out)-1]
	if len(out) > 0 && out[len(out)-1] == "in" { // history: "ADD file:x in /"
		out = out[:len(out)-1]
	}
	return out
}

// shellWords splits simply on blanks, honouring quotes and the JSON array
// form.
func shellWords(s string) []string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		var out []string
		for _, p := range strings.Split(s[1:len(s)-1], ",") {
			out = append(out, strings.Trim(strings.TrimSpace(p), `"`))
		}
		return out
	}
	var out []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0 && ch == quote:
			quote = 0
		case quote == 0 && (ch == '"' || ch == '\''):
			quote = ch
		case quote == 0 && (ch == ' ' || ch == '\t'):
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(ch)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// keyValues reads "k=v k2=v2" (and the legacy "ENV key value" form).
func keyValues(cmd, args string) [][2]string {
	words := shellWords(args)
	if len(words) == 0 {
		return nil
	}
	if cmd == "ENV" && !strings.Contains(words[0], "=") {
		return [][2]string{{words[0], strings.Join(words[1:], " ")}}
	}
	var out [][2]string
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			continue // ARG without a default
		}
		out = append(out, [2]string{k, v})
	}
	return out
}

// ports reads EXPOSE arguments: "22", "22/tcp", "8000-8001", and the
// BuildKit history form "map[22/tcp:{}]".
func ports(args string) []int {
	args = strings.NewReplacer("map[", " ", "]", " ", ":{}", " ").Replace(args)
	var out []int
	for _, w := range strings.Fields(args) {
		w, _, _ = strings.Cut(w, "/")
		lo, hi, isRange := strings.Cut(w, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a || b-a > 65535 {
				continue
			}
		}
		for p := range adminPort {
			if p >= a && p <= b {
				out = append(out, p)
			}
		}
	}
	return out
}
