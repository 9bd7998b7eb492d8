package ruby

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The lexer turns Ruby source into tokens well enough to find literal
// assignments in a gemspec: it knows every way Ruby delimits text (quotes,
// %-literals, heredocs, regular expressions, comments, =begin blocks), so
// that no text inside them is ever mistaken for code, and it decodes the
// string literals that can be decoded without running anything. It never
// evaluates: a string with interpolation ("#{…}") is a non-literal.

type tokKind int

const (
	tEOF     tokKind = iota
	tIdent           // local names and method names: s, name, freeze, respond_to?
	tConst           // capitalised names: Gem, Specification
	tString          // a string literal without interpolation; text is its value
	tWords           // %w[…] without interpolation; words holds the elements
	tOther           // a value that is not a plain literal: interpolated string, regexp, symbol array, heredoc, command
	tSymbol          // :name, :"name"
	tNumber          // 1, 0x1f, 1.5e3
	tKeyword         // do, end, if, …
	tPunct           // operators and brackets; text is the operator
	tNewline
)

type token struct {
	kind  tokKind
	text  string
	words []string
	line  int
}

// maxTokens bounds the work on one file; real gemspecs have a few thousand.
const maxTokens = 1 << 20

var keywords = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"alias": true, "and": true, "begin": true, "break": true, "case": true, "class": true, "def": true,
		"defined?": true, "do": true, "else": true, "elsif": true, "end": true, "ensure": true, "false": true,
		"for": true, "if": true, "in": true, "module": true, "next": true, "nil": true, "not": true, "or": true,
		"redo": true, "rescue": true, "retry": true, "return": true, "self": true, "super": true, "then": true,
		"true": true, "undef": true, "unless": true, "until": true, "when": true, "while": true, "yield": true,
	}
})

// Operators, longest first so that "||=" is not read as "||" then "=".
var operators = []string{
	"**=", "<=>", "===", "...", "<<=", ">>=", "&&=", "||=",
	"::", "==", "=~", "!~", "!=", "<=", ">=", "&&", "||", "<<", ">>", "**", "=>", "->", "..", "&.",
	"+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=",
}

type heredoc struct {
	id     string
	indent bool // <<- or <<~: the terminator may be indented
}

type lexer struct {
	src     string
	pos     int
	line    int
	toks    []token
	pending []heredoc // heredocs whose bodies start after the current line
	spaced  bool      // white space precedes the current position
	err     error     // set by readers that report through a bool
}

var errTooManyTokens = errors.New("too many tokens")

func lex(src string) ([]token, error) {
	lx := &lexer{src: src, line: 1}
	if err := lx.run(); err != nil {
		return lx.toks, fmt.Errorf("line %d: %w", lx.line, err)
	}
	return lx.toks, nil
}

func (lx *lexer) emit(k tokKind, text string) {
	lx.toks = append(lx.toks, token{kind: k, text: text, line: lx.line})
	lx.spaced = false
}

// prevIsValue reports whether the last token ends an operand, which decides
// whether "/", "%", "?", "<<" and ":" that follow are operators or open a
// literal.
func (lx *lexer) prevIsValue() bool {
	if len(lx.toks) == 0 {
		return false
	}
	t := lx.toks[len(lx.toks)-1]
	switch t.kind {
	case tIdent, tConst, tString, tWords, tOther, tSymbol, tNumber:
		return true
	case tKeyword:
		return t.text == "end" || t.text == "self" || t.text == "true" || t.text == "false" || t.text == "nil"
	case tPunct:
		return t.text == ")" || t.text == "]" || t.text == "}"
	}
	return false
}

// argumentStart reports whether a literal opener right after a method name
// ("puts /x/", "foo %w[a]") is an argument: Ruby's rule is white space
// before it and none after.
func (lx *lexer) argumentStart() bool {
	if len(lx.toks) == 0 || !lx.spaced {
		return false
	}
	t := lx.toks[len(lx.toks)-1]
	if t.kind != tIdent {
		return false
	}
	next := lx.pos + 1
	return next < len(lx.src) && lx.src[next] != ' ' && lx.src[next] != '\t' && lx.src[next] != '='
}

func (lx *lexer) literalMayStart() bool { return !lx.prevIsValue() || lx.argumentStart() }

func (lx *lexer) run() error {
	atLineStart := true
	for lx.pos < len(lx.src) {
		if len(lx.toks) > maxTokens {
			return errTooManyTokens
		}
		if lx.err != nil {
			return lx.err
		}
		c := lx.src[lx.pos]
		if atLineStart {
			atLineStart = false
			rest := lx.src[lx.pos:]
			if strings.HasPrefix(rest, "=begin") && (len(rest) == 6 || isSpace(rest[6]) || rest[6] == '\n') {
				if err := lx.skipEmbeddedDoc(); err != nil {
					return err
				}
				atLineStart = true
				continue
			}
			if strings.HasPrefix(rest, "__END__") && (len(rest) == 7 || rest[7] == '\n' || rest[7] == '\r') {
				return nil
			}
		}
		switch {
		case c == '\n':
			lx.pos++
			lx.emit(tNewline, "")
			lx.line++
			if err := lx.readHeredocBodies(); err != nil {
				return err
			}
			atLineStart = true
			lx.spaced = true
		case isSpace(c):
			lx.pos++
			lx.spaced = true
		case c == '\\' && lx.pos+1 < len(lx.src) && lx.src[lx.pos+1] == '\n':
			lx.pos += 2 // line continuation
			lx.line++
			lx.spaced = true
		case c == '#':
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' {
				lx.pos++
			}
		case c == '"':
			lx.pos++
			if err := lx.quoted('"', 0, true); err != nil {
				return err
			}
		case c == '\'':
			lx.pos++
			if err := lx.quoted('\'', 0, false); err != nil {
				return err
			}
		case c == '`':
			lx.pos++
			if err := lx.quoted('`', 0, true); err != nil {
				return err
			}
			lx.toks[len(lx.toks)-1].kind = tOther // a shell command's output
		case c == '%' && lx.percentLiteral():
			if err := lx.percent(); err != nil {
				return err
			}
		case c == '/' && lx.literalMayStart():
			lx.pos++
			if err := lx.regexp('/', 0); err != nil {
				return err
			}
		case c == '?' && lx.charLiteral():
		case c == ':' && lx.symbol():
		case c == '<' && lx.heredocStart():
		case c == '@' || c == '$':
			start := lx.pos
			lx.pos++
			for lx.pos < len(lx.src) && (isIdent(lx.src[lx.pos]) || lx.src[lx.pos] == '@') {
				lx.pos++
			}
			if lx.pos == start+1 && lx.pos < len(lx.src) && c == '$' {
				lx.pos++ // $0, $:, $! …
			}
			lx.emit(tIdent, lx.src[start:lx.pos])
		case isDigit(c):
			start := lx.pos
			for lx.pos < len(lx.src) && (isIdent(lx.src[lx.pos]) ||
				(lx.src[lx.pos] == '.' && lx.pos+1 < len(lx.src) && isDigit(lx.src[lx.pos+1]))) {
				lx.pos++
			}
			lx.emit(tNumber, lx.src[start:lx.pos])
		case isIdentStart(c):
			lx.word()
		default:
			lx.punct()
		}
	}
	if lx.err != nil {
		return lx.err
	}
	if len(lx.pending) > 0 {
		return fmt.Errorf("heredoc %s never ends", lx.pending[0].id)
	}
	return nil
}

func (lx *lexer) word() {
	start := lx.pos
	for lx.pos < len(lx.src) && isIdent(lx.src[lx.pos]) {
		lx.pos++
	}
	// A method name may end in ? or ! (respond_to?), but not before "="
	// ("a!=b") or a second "?"/"!".
	if lx.pos < len(lx.src) && (lx.src[lx.pos] == '?' || lx.src[lx.pos] == '!') &&
		(lx.pos+1 >= len(lx.src) || lx.src[lx.pos+1] != '=') {
		lx.pos++
	}
	w := lx.src[start:lx.pos]
	prevDot := len(lx.toks) > 0 && lx.toks[len(lx.toks)-1].kind == tPunct &&
		(lx.toks[len(lx.toks)-1].text == "." || lx.toks[len(lx.toks)-1].text == "&.")
	switch {
	case keywords()[w] && !prevDot:
		lx.emit(tKeyword, w)
	case w[0] >= 'A' && w[0] <= 'Z':
		lx.emit(tConst, w)
	default:
		lx.emit(tIdent, w)
	}
}

func (lx *lexer) punct() {
	rest := lx.src[lx.pos:]
	for _, op := range operators {
		if strings.HasPrefix(rest, op) {
			lx.pos += len(op)
			lx.emit(tPunct, op)
			return
		}
	}
	_, n := utf8.DecodeRuneInString(rest)
	lx.pos += n
	lx.emit(tPunct, rest[:n])
}

func (lx *lexer) skipEmbeddedDoc() error {
	for {
		i := strings.IndexByte(lx.src[lx.pos:], '\n')
		if i < 0 {
			return errors.New("=begin without =end")
		}
		lx.pos += i + 1
		lx.line++
		rest := lx.src[lx.pos:]
		if strings.HasPrefix(rest, "=end") && (len(rest) == 4 || isSpace(rest[4]) || rest[4] == '\n' || rest[4] == '\r') {
			if j := strings.IndexByte(rest, '\n'); j >= 0 {
				lx.pos += j + 1
				lx.line++
			} else {
				lx.pos = len(lx.src)
			}
			return nil
		}
	}
}

// closer returns the closing delimiter of an opening one, and whether the
// pair nests.
func closer(open byte) (byte, bool) {
	switch open {
	case '(':
		return ')', true
	case '[':
		return ']', true
	case '{':
		return '}', true
	case '<':
		return '>', true
	}
	return open, false
}

// quoted reads a string body up to the closing delimiter close (opened by
// open when the pair nests, else 0). With escapes, backslash sequences are
// decoded as in double quotes and "#{", "#@", "#$" make the string a
// non-literal; without, only \\ and \close are escapes (single quotes, %q).
func (lx *lexer) quoted(close, open byte, escapes bool) error {
	startLine := lx.line
	var b strings.Builder
	depth := 0
	interpolated := false
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == '\\' && lx.pos+1 < len(lx.src):
			next := lx.src[lx.pos+1]
			if !escapes {
				if next == close || next == '\\' || (open != 0 && next == open) {
					b.WriteByte(next)
				} else {
					b.WriteByte(c)
					b.WriteByte(next)
				}
				if next == '\n' {
					lx.line++
				}
				lx.pos += 2
				continue
			}
			n, err := lx.escape(&b)
			if err != nil {
				return err
			}
			lx.pos += n
			continue
		case escapes && c == '#' && lx.pos+1 < len(lx.src) && lx.src[lx.pos+1] == '{':
			interpolated = true
			lx.pos += 2
			if err := lx.skipInterpolation(); err != nil {
				return err
			}
			continue
		case escapes && c == '#' && lx.pos+1 < len(lx.src) && (lx.src[lx.pos+1] == '@' || lx.src[lx.pos+1] == '$'):
			interpolated = true
		case open != 0 && c == open:
			depth++
		case c == close:
			if depth == 0 {
				lx.pos++
				if interpolated {
					lx.emit(tOther, "")
				} else {
					lx.emit(tString, b.String())
				}
				return nil
			}
			depth--
		case c == '\n':
			lx.line++
		}
		b.WriteByte(c)
		lx.pos++
	}
	return fmt.Errorf("string opened on line %d never ends", startLine)
}

// skipInterpolation skips the code of "#{…}" up to its closing brace,
// strings and nested braces included.
func (lx *lexer) skipInterpolation() error {
	depth := 0
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch c {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				lx.pos++
				return nil
			}
			depth--
		case '"', '\'', '`':
			lx.pos++
			saved := len(lx.toks)
			if err := lx.quoted(c, 0, c != '\''); err != nil {
				return err
			}
			lx.toks = lx.toks[:saved]
			continue
		case '\\':
			lx.pos++
		case '\n':
			lx.line++
		}
		lx.pos++
	}
	return errors.New("interpolation never ends")
}

var simpleEscapes = map[byte]byte{'n': '\n', 't': '\t', 's': ' ', 'r': '\r', 'e': 0x1b, 'a': 7, 'b': 8, 'f': '\f', 'v': '\v'}

// escape decodes the backslash sequence at lx.pos into b and returns its
// length.
func (lx *lexer) escape(b *strings.Builder) (int, error) {
	s := lx.src[lx.pos:]
	c := s[1]
	switch {
	case c == 'u':
		if len(s) > 2 && s[2] == '{' {
			end := strings.IndexByte(s, '}')
			if end < 0 {
				return 0, errors.New("unterminated \\u{")
			}
			for _, h := range strings.Fields(s[3:end]) {
				r, err := strconv.ParseUint(h, 16, 32)
				if err != nil || !utf8.ValidRune(rune(r)) {
					return 0, fmt.Errorf("bad escape \\u{%s}", h)
				}
				b.WriteRune(rune(r))
			}
			return end + 1, nil
		}
		if len(s) < 6 {
			return 0, errors.New("short \\u escape")
		}
		r, err := strconv.ParseUint(s[2:6], 16, 32)
		if err != nil {
			return 0, fmt.Errorf("bad escape \\u%s", s[2:6])
		}
		b.WriteRune(rune(r))
		return 6, nil
	case c == 'x':
		n := 2
		for n < len(s) && n < 4 && isHex(s[n]) {
			n++
		}
		if n == 2 {
			return 0, errors.New("bad \\x escape")
		}
		v, _ := strconv.ParseUint(s[2:n], 16, 8)
		b.WriteByte(byte(v))
		return n, nil
	case c >= '0' && c <= '7':
		n := 1
		for n < len(s) && n < 4 && s[n] >= '0' && s[n] <= '7' {
			n++
		}
		v, _ := strconv.ParseUint(s[1:n], 8, 16)
		b.WriteByte(byte(v))
		return n, nil
	case c == '\n':
		lx.line++
		return 2, nil // an escaped newline joins the lines
	}
	if v, ok := simpleEscapes[c]; ok {
		b.WriteByte(v)
		return 2, nil
	}
	b.WriteByte(c) // \" \\ \# and any other character stand for themselves
	return 2, nil
}

func (lx *lexer) regexp(close, open byte) error {
	startLine := lx.line
	depth, inClass := 0, false
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == '\\':
			lx.pos++
		case c == '\n':
			lx.line++
		case inClass:
			inClass = c != ']'
		case c == '[' && close != ']':
			inClass = true
		case open != 0 && c == open:
			depth++
		case c == close:
			if depth == 0 {
				lx.pos++
				for lx.pos < len(lx.src) && isLower(lx.src[lx.pos]) {
					lx.pos++ // flags
				}
				lx.emit(tOther, "")
				return nil
			}
			depth--
		}
		lx.pos++
	}
	return fmt.Errorf("regular expression opened on line %d never ends", startLine)
}

// percentLiteral reports whether the "%" at lx.pos opens a literal rather
// than being the modulo operator.
func (lx *lexer) percentLiteral() bool {
	if lx.pos+1 >= len(lx.src) {
		return false
	}
	next := lx.src[lx.pos+1]
	if strings.IndexByte("qQwWiIrsx", next) >= 0 && lx.pos+2 < len(lx.src) {
		d := lx.src[lx.pos+2]
		if !isIdent(d) && !isSpace(d) && d != '\n' && d < 0x80 {
			return lx.literalMayStart() || !lx.spaced
		}
	}
	if isIdent(next) || isSpace(next) || next == '\n' || next == '=' || next >= 0x80 {
		return false
	}
	return lx.literalMayStart()
}

func (lx *lexer) percent() error {
	lx.pos++ // %
	kind := byte('Q')
	if c := lx.src[lx.pos]; isIdent(c) {
		kind = c
		lx.pos++
	}
	open := lx.src[lx.pos]
	lx.pos++
	close, nests := closer(open)
	if !nests {
		open = 0
	}
	switch kind {
	case 'q':
		return lx.quoted(close, open, false)
	case 'Q':
		return lx.quoted(close, open, true)
	case 'w', 'W':
		if err := lx.quoted(close, open, kind == 'W'); err != nil {
			return err
		}
		t := &lx.toks[len(lx.toks)-1]
		if t.kind == tString {
			t.kind, t.words = tWords, strings.Fields(t.text)
		}
		return nil
	case 'r':
		return lx.regexp(close, open)
	}
	// %i, %I, %s, %x: symbols and commands.
	if err := lx.quoted(close, open, kind == 'I' || kind == 'x'); err != nil {
		return err
	}
	lx.toks[len(lx.toks)-1].kind = tOther
	return nil
}

// charLiteral reads "?a" (a one-character string) when the "?" at lx.pos is
// not the ternary operator or the end of a method name.
func (lx *lexer) charLiteral() bool {
	if lx.prevIsValue() || lx.pos+1 >= len(lx.src) {
		return false
	}
	next := lx.src[lx.pos+1]
	if isSpace(next) || next == '\n' {
		return false
	}
	n := 2
	if next == '\\' && lx.pos+2 < len(lx.src) {
		n = 3
	} else if next >= 0x80 {
		_, size := utf8.DecodeRuneInString(lx.src[lx.pos+1:])
		n = 1 + size
	}
	if lx.pos+n < len(lx.src) && isIdent(lx.src[lx.pos+n]) {
		return false // "?ab" is not a character literal
	}
	lx.emit(tString, lx.src[lx.pos+1:lx.pos+n])
	lx.pos += n
	return true
}

// symbol reads ":name", ":name=", ":name?", ":\"text\"" and operator
// symbols; "::" and the ":" of hashes and ternaries are left to punct.
func (lx *lexer) symbol() bool {
	if lx.pos+1 >= len(lx.src) {
		return false
	}
	next := lx.src[lx.pos+1]
	if next == ':' {
		return false
	}
	if next == '"' || next == '\'' {
		if lx.prevIsValue() && !lx.spaced {
			return false
		}
		lx.pos += 2
		if err := lx.quoted(next, 0, next == '"'); err != nil {
			lx.err = err
			return true
		}
		lx.toks[len(lx.toks)-1].kind = tSymbol
		return true
	}
	if !isIdentStart(next) && next != '@' && next != '$' {
		return false
	}
	if lx.prevIsValue() && !lx.spaced {
		return false // a{b ? c :d} and similar
	}
	start := lx.pos + 1
	lx.pos++
	for lx.pos < len(lx.src) && (isIdent(lx.src[lx.pos]) || lx.src[lx.pos] == '@' || lx.src[lx.pos] == '$') {
		lx.pos++
	}
	if lx.pos < len(lx.src) {
		switch lx.src[lx.pos] {
		case '?', '!':
			lx.pos++
		case '=':
			// :name= is a setter's name, but not in :a=>1 or :a==b.
			if lx.pos+1 >= len(lx.src) || (lx.src[lx.pos+1] != '>' && lx.src[lx.pos+1] != '=' && lx.src[lx.pos+1] != '~') {
				lx.pos++
			}
		}
	}
	lx.emit(tSymbol, lx.src[start:lx.pos])
	return true
}

// heredocStart reads "<<ID", "<<-ID", "<<~ID" (ID bare or quoted) and
// queues the body, which starts on the next line.
func (lx *lexer) heredocStart() bool {
	rest := lx.src[lx.pos:]
	if !strings.HasPrefix(rest, "<<") || !lx.literalMayStart() {
		return false
	}
	i := 2
	indent := false
	if i < len(rest) && (rest[i] == '-' || rest[i] == '~') {
		indent = true
		i++
	}
	if i >= len(rest) {
		return false
	}
	var id string
	switch q := rest[i]; {
	case q == '\'' || q == '"' || q == '`':
		end := strings.IndexByte(rest[i+1:], q)
		if end < 0 || strings.Contains(rest[i+1:i+1+end], "\n") {
			return false
		}
		id = rest[i+1 : i+1+end]
		i += end + 2
	case isIdentStart(q):
		j := i
		for j < len(rest) && isIdent(rest[j]) {
			j++
		}
		id = rest[i:j]
		i = j
	default:
		return false
	}
	if id == "" {
		return false
	}
	lx.pos += i
	lx.pending = append(lx.pending, heredoc{id: id, indent: indent})
	lx.emit(tOther, "")
	return true
}

// readHeredocBodies skips the bodies of the heredocs opened on the line
// just ended, in order.
func (lx *lexer) readHeredocBodies() error {
	for len(lx.pending) > 0 {
		h := lx.pending[0]
		lx.pending = lx.pending[1:]
		for {
			if lx.pos >= len(lx.src) {
				return fmt.Errorf("heredoc %s never ends", h.id)
			}
			end := strings.IndexByte(lx.src[lx.pos:], '\n')
			line := lx.src[lx.pos:]
			next := len(lx.src)
			if end >= 0 {
				line = line[:end]
				next = lx.pos + end + 1
			}
			lx.pos = next
			lx.line++
			line = strings.TrimRight(line, "\r")
			if h.indent {
				line = strings.TrimLeft(line, " \t")
			}
			if line == h.id {
				break
			}
		}
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}
func isIdent(c byte) bool { return isIdentStart(c) || isDigit(c) }
