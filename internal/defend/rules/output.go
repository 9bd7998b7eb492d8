package rules

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/defend/event"
)

// segment is a piece of an output template: literal text, or a field.
type segment struct {
	text  string
	field string
}

// parseOutput reads "text %field text": a field is the longest known field
// name after the %; %% is a literal %.
func parseOutput(s string) ([]segment, error) {
	s = strings.TrimSpace(s)
	var out []segment
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			lit.WriteByte('%')
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isFieldChar(s[j]) {
			j++
		}
		name := s[i+1 : j]
		for name != "" && !event.KnownField(name) {
			name = name[:len(name)-1]
		}
		if name == "" {
			return nil, fmt.Errorf("unknown field %%%s (write %%%% for a literal %%)", s[i+1:j])
		}
		if lit.Len() > 0 {
			out = append(out, segment{text: lit.String()})
			lit.Reset()
		}
		out = append(out, segment{field: name})
		i += len(name)
	}
	if lit.Len() > 0 {
		out = append(out, segment{text: lit.String()})
	}
	return out, nil
}

func isFieldChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
}

// render fills a template in; a field without a value is <NA>, as in
// Falco.
func render(segs []segment, e *event.Event) string {
	var b strings.Builder
	for _, s := range segs {
		if s.field == "" {
			b.WriteString(s.text)
			continue
		}
		v, ok := e.Field(s.field)
		if !ok {
			b.WriteString("<NA>")
			continue
		}
		switch x := v.(type) {
		case string:
			b.WriteString(x)
		case int64:
			b.WriteString(strconv.FormatInt(x, 10))
		case bool:
			b.WriteString(strconv.FormatBool(x))
		case netip.Addr:
			b.WriteString(x.String())
		case []string:
			b.WriteString(strings.Join(x, ","))
		default:
			fmt.Fprint(&b, x)
		}
	}
	return b.String()
}
