package rules

import (
	"fmt"
	"strings"
)

// The condition language, as Falco's:
//
//	cond    := and ("or" and)*
//	and     := unary ("and" unary)*
//	unary   := "not" unary | "(" cond ")" | check | MACRO
//	check   := FIELD OP value | FIELD "exists" | FIELD LISTOP "(" [item ("," item)*] ")"
//	OP      := "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "icontains"
//	         | "startswith" | "endswith" | "glob"
//	LISTOP  := "in" | "intersects" | "pmatch"
//
// Values are bare words or quoted strings ("…" or '…', with \" \' and \\
// escapes). A bare item of a list operand that names a list stands for its
// items.
//
// The parser below is hand-written: the grammar is Falco's, small and fixed,
// and a generated or combinator parser would add a dependency without making
// the depth and size limits (which hostile files need) any easier to hold.

// node is a condition tree: andNode, orNode, notNode, *check or macroRef.
type node interface{}

type (
	andNode  []node
	orNode   []node
	notNode  struct{ x node }
	macroRef struct {
		name string
		pos  int
	}
)

// check is one comparison. After expansion, vals hold the literal values
// (lists expanded).
type check struct {
	field string
	op    string
	vals  []value
	pos   int
}

type value struct {
	s      string
	quoted bool
}

var (
	symbolOps = []string{"!=", "<=", ">=", "=", "<", ">"}
	wordOps   = map[string]bool{"contains": true, "icontains": true, "startswith": true, "endswith": true,
		"glob": true, "in": true, "intersects": true, "pmatch": true, "exists": true}
	reserved = map[string]bool{"and": true, "or": true, "not": true}
)

func isListComp(op string) bool { return op == "in" || op == "intersects" || op == "pmatch" }

type tokKind int

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tComma
	tOp
	tWord
	tString
)

type token struct {
	kind tokKind
	s    string
	pos  int
}

func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			out = append(out, token{tLParen, "(", i})
			i++
		case c == ')':
			out = append(out, token{tRParen, ")", i})
			i++
		case c == ',':
			out = append(out, token{tComma, ",", i})
			i++
		case c == '"' || c == '\'':
			start := i
			i++
			var b strings.Builder
			closed := false
			for i < len(src) {
				ch := src[i]
				if ch == '\\' && i+1 < len(src) && (src[i+1] == c || src[i+1] == '\\') {
					b.WriteByte(src[i+1])
					i += 2
					continue
				}
				if ch == c {
					closed = true
					i++
					break
				}
				b.WriteByte(ch)
				i++
			}
			if !closed {
				return nil, &condError{pos: start, msg: "unterminated quoted string"}
			}
			out = append(out, token{tString, b.String(), start})
		default:
			if op := symbolAt(src, i); op != "" {
				out = append(out, token{tOp, op, i})
				i += len(op)
				continue
			}
			start := i
			for i < len(src) && !isDelim(src, i) {
				i++
			}
			out = append(out, token{tWord, src[start:i], start})
		}
	}
	out = append(out, token{tEOF, "", len(src)})
	return out, nil
}

func symbolAt(src string, i int) string {
	for _, op := range symbolOps {
		if strings.HasPrefix(src[i:], op) {
			return op
		}
	}
	return ""
}

func isDelim(src string, i int) bool {
	switch src[i] {
	case ' ', '\t', '\n', '\r', '(', ')', ',', '"', '\'', '=', '<', '>':
		return true
	case '!':
		return i+1 < len(src) && src[i+1] == '='
	}
	return false
}

// condError is a condition problem at a byte offset; the caller adds the
// file, line and a snippet.
type condError struct {
	pos int
	msg string
}

func (e *condError) Error() string { return e.msg }

type parser struct {
	toks  []token
	i     int
	depth int
}

// parseCondition parses a condition into a tree (macros not expanded).
func parseCondition(src string) (node, error) {
	if len(src) > MaxConditionLen {
		return nil, &condError{msg: fmt.Sprintf("condition longer than %d KiB", MaxConditionLen>>10)}
	}
	if strings.TrimSpace(src) == "" {
		return nil, &condError{msg: "empty condition"}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &condError{pos: t.pos, msg: fmt.Sprintf("unexpected %q (a missing and/or?)", t.s)}
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tWord && t.s == w
}

func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > MaxDepth {
		return &condError{pos: pos, msg: fmt.Sprintf("nested deeper than %d levels", MaxDepth)}
	}
	return nil
}

func (p *parser) or() (node, error) {
	x, err := p.and()
	if err != nil {
		return nil, err
	}
	if !p.isWord("or") {
		return x, nil
	}
	out := orNode{x}
	for p.isWord("or") {
		p.next()
		y, err := p.and()
		if err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, nil
}

func (p *parser) and() (node, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	if !p.isWord("and") {
		return x, nil
	}
	out := andNode{x}
	for p.isWord("and") {
		p.next()
		y, err := p.unary()
		if err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, nil
}

func (p *parser) unary() (node, error) {
	t := p.peek()
	switch {
	case t.kind == tWord && t.s == "not":
		p.next()
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		x, err := p.unary()
		p.depth--
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	case t.kind == tLParen:
		p.next()
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		x, err := p.or()
		p.depth--
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, &condError{pos: c.pos, msg: fmt.Sprintf("want ) to close the ( at column %d, found %s", t.pos+1, describe(c))}
		}
		return x, nil
	case t.kind == tWord:
		p.next()
		if reserved[t.s] {
			return nil, &condError{pos: t.pos, msg: fmt.Sprintf("%q where a check or macro was expected", t.s)}
		}
		nt := p.peek()
		if nt.kind == tOp || (nt.kind == tWord && wordOps[nt.s]) {
			return p.check(t)
		}
		if strings.Contains(t.s, ".") {
			return nil, &condError{pos: nt.pos, msg: fmt.Sprintf("want an operator after %s, found %s", t.s, describe(nt))}
		}
		if !identRE().MatchString(t.s) {
			return nil, &condError{pos: t.pos, msg: fmt.Sprintf("%q is neither a field nor a macro name", t.s)}
		}
		return macroRef{name: t.s, pos: t.pos}, nil
	}
	return nil, &condError{pos: t.pos, msg: fmt.Sprintf("want a check, a macro, not or (, found %s", describe(t))}
}

func (p *parser) check(field token) (node, error) {
	op := p.next()
	c := &check{field: field.s, op: op.s, pos: field.pos}
	switch {
	case op.s == "exists":
		return c, nil
	case isListComp(op.s):
		open := p.next()
		if open.kind != tLParen {
			return nil, &condError{pos: open.pos, msg: fmt.Sprintf("%s takes a list in parentheses, found %s", op.s, describe(open))}
		}
		if p.peek().kind == tRParen {
			p.next()
			return c, nil
		}
		for {
			v := p.next()
			if v.kind != tWord && v.kind != tString {
				return nil, &condError{pos: v.pos, msg: fmt.Sprintf("want a list item, found %s", describe(v))}
			}
			c.vals = append(c.vals, value{s: v.s, quoted: v.kind == tString})
			sep := p.next()
			if sep.kind == tRParen {
				return c, nil
			}
			if sep.kind != tComma {
				return nil, &condError{pos: sep.pos, msg: fmt.Sprintf("want , or ) in the list, found %s", describe(sep))}
			}
		}
	default:
		v := p.next()
		if v.kind != tWord && v.kind != tString {
			return nil, &condError{pos: v.pos, msg: fmt.Sprintf("want a value after %s %s, found %s", field.s, op.s, describe(v))}
		}
		c.vals = []value{{s: v.s, quoted: v.kind == tString}}
		return c, nil
	}
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "the end of the condition"
	case tString:
		return fmt.Sprintf("%q", t.s)
	}
	return fmt.Sprintf("%q", t.s)
}

// snippet shows the condition around pos for error messages.
func snippet(src string, pos int) string {
	if pos < 0 || pos > len(src) {
		pos = 0
	}
	end := min(pos+40, len(src))
	s := strings.ToValidUTF8(strings.Join(strings.Fields(src[pos:end]), " "), "")
	if end < len(src) {
		s += "…"
	}
	if s == "" {
		return "at the end"
	}
	return "at `" + s + "`"
}
