package java

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// parseProperties reads the java.util.Properties text format (the
// Properties.load(Reader) rules): natural lines end in LF, CR or CR LF; a
// line ending in an odd number of backslashes continues on the next one,
// whose leading white space is dropped; lines whose first non-blank
// character is '#' or '!' are comments; the key ends at the first
// unescaped '=', ':' or white space, and one '=' or ':' with the white
// space around it separates it from the value; backslash escapes are \t,
// \n, \r, \f, \uXXXX and \<any>, which stands for the character itself.
// Maven writes pom.properties in ISO 8859-1 with \u escapes, so a byte
// that is not valid UTF-8 is read as Latin-1.
func parseProperties(b []byte) (map[string]string, error) {
	props := map[string]string{}
	s := string(b)
	lineNo := 0
	for len(s) > 0 {
		logical, rest, n := logicalLine(s)
		s = rest
		lineNo += n
		logical = strings.TrimLeft(logical, " \t\f")
		if logical == "" || logical[0] == '#' || logical[0] == '!' {
			continue
		}
		k, v := splitProperty(logical)
		key, err := unescape(k)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		val, err := unescape(v)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		props[key] = val
	}
	return props, nil
}

// logicalLine joins s's first natural line with its continuations. It
// returns the joined text without the line ends and escape backslashes,
// what follows it, and how many natural lines it spanned.
func logicalLine(s string) (line, rest string, n int) {
	var b strings.Builder
	first := true
	for {
		end := strings.IndexAny(s, "\r\n")
		natural := s
		rest = ""
		if end >= 0 {
			natural = s[:end]
			next := end + 1
			if s[end] == '\r' && next < len(s) && s[next] == '\n' {
				next++
			}
			rest = s[next:]
		}
		n++
		if !first {
			natural = strings.TrimLeft(natural, " \t\f")
		}
		first = false
		// An odd number of trailing backslashes escapes the line end.
		bs := len(natural) - len(strings.TrimRight(natural, `\`))
		if bs%2 == 0 || end < 0 {
			if bs%2 == 1 {
				natural = natural[:len(natural)-1] // at the end of input
			}
			b.WriteString(natural)
			return b.String(), rest, n
		}
		b.WriteString(natural[:len(natural)-1])
		s = rest
		if s == "" {
			return b.String(), "", n
		}
	}
}

// splitProperty splits a logical line (leading blanks removed) into its
// raw key and raw value.
func splitProperty(line string) (key, value string) {
	i := 0
	for i < len(line) {
		c := line[i]
		if c == '\\' {
			i += 2
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			break
		}
		i++
	}
	if i > len(line) {
		i = len(line)
	}
	key, rest := line[:i], line[i:]
	rest = strings.TrimLeft(rest, " \t\f")
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = strings.TrimLeft(rest[1:], " \t\f")
	}
	return key, rest
}

var errBadEscape = errors.New(`malformed \uXXXX escape`)

// unescape resolves backslash escapes and reads invalid UTF-8 as Latin-1.
func unescape(s string) (string, error) {
	if !strings.ContainsRune(s, '\\') && utf8.ValidString(s) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				r = rune(c) // Latin-1
			}
			b.WriteRune(r)
			i += size
			continue
		}
		i++
		if i >= len(s) {
			break // a lone trailing backslash is dropped, as the JDK does
		}
		switch e := s[i]; e {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+5 > len(s) {
				return "", errBadEscape
			}
			var r rune
			for _, h := range []byte(s[i+1 : i+5]) {
				var d byte
				switch {
				case '0' <= h && h <= '9':
					d = h - '0'
				case 'a' <= h && h <= 'f':
					d = h - 'a' + 10
				case 'A' <= h && h <= 'F':
					d = h - 'A' + 10
				default:
					return "", errBadEscape
				}
				r = r<<4 | rune(d)
			}
			b.WriteRune(r)
			i += 4
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				r = rune(e)
			}
			b.WriteRune(r)
			i += size - 1
		}
		i++
	}
	return b.String(), nil
}
