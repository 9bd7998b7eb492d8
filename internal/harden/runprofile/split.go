package runprofile

import (
	"errors"
	"strings"
)

// ErrUnterminatedQuote reports a command with an open quote.
var ErrUnterminatedQuote = errors.New("runprofile: unterminated quote in command")

// SplitCommand splits a command line into words the way a POSIX shell
// would for plain words: blanks separate, single quotes keep everything,
// double quotes keep everything but \" and \\, a backslash outside quotes
// escapes the next character. Nothing is expanded.
func SplitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			switch r {
			case '"':
				quote = 0
			case '\\':
				escaped = true
			default:
				cur.WriteRune(r)
			}
		case r == '\\':
			escaped, inWord = true, true
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 || escaped {
		return nil, ErrUnterminatedQuote
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
