package parser

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// condition scans the CEL text that follows `when`, `if`, `=` or `expect`
// and emits it as one Expr token. See the rules at the top of lexer.go.
// With value set (after `=`), a leading `{` starts a map literal rather
// than ending an empty condition.
func (s *scanner) condition(value bool) {
	s.skipSpace(false)
	start := s.off
	end := start     // end of the last token of the condition
	var opened []int // offsets of the brackets open inside the condition, innermost last
	last := ""       // the last token, to know if the condition goes on
	operand := false // the last token ends an operand
	angle := s.top() == openAngleBlock
	stopWord := s.stopWord
	s.stopWord = ""
	token := func(text string, isOperand bool) {
		last, operand, end = text, isOperand, s.off
	}
	unclosedBracket := func() {
		at := opened[len(opened)-1]
		s.errorf(at, at+1, CodeUnclosedBlock, unclosed(s.src[at]))
	}
scan:
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			s.off++
		case c == '\n':
			if len(opened) == 0 && !continuing[last] {
				break scan
			}
			if len(opened) > 0 && s.itemFollows(s.off+1) {
				// A bracket left open: stop before the next item rather
				// than swallow the rest of the file.
				unclosedBracket()
				break scan
			}
			s.off++
		case c == '/' && s.peekByte(1) == '/':
			if len(opened) == 0 && !continuing[last] {
				break scan
			}
			s.off = s.lineEnd(s.off)
		case c == '"' || c == '\'':
			s.celString(s.off, s.off)
			token("\"", true)
		case isLetter(c):
			w := s.src[s.off:s.word(s.off)]
			// `every` ends a rule's condition where a duration follows it:
			// a field may be called every.
			if len(opened) == 0 && stopWord != "" && w == stopWord && last != "." &&
				(w != "every" || isDigit(s.peekByte(s.skipFrom(s.off+len(w), false)-s.off))) {
				break scan
			}
			next := s.off + len(w)
			if next < len(s.src) && (s.src[next] == '"' || s.src[next] == '\'') && isStringPrefix(w) {
				s.celString(s.off, next)
				token("\"", true)
				continue
			}
			s.off = next
			token(w, w != "in")
		case isDigit(c):
			s.off = s.celNumber(s.off)
			token("0", true)
		case c == '(' || c == '[' || c == '{':
			if c == '{' && len(opened) == 0 && (operand || (end == start && !value)) {
				break scan
			}
			opened = append(opened, s.off)
			s.off++
			token(string(c), false)
		case c == ')' || c == ']' || c == '}':
			if len(opened) == 0 {
				break scan
			}
			opened = opened[:len(opened)-1]
			s.off++
			token(string(c), true)
		case c == '<':
			if len(opened) == 0 && s.blockFollows(s.off+1) {
				break scan
			}
			op := s.off
			s.operator()
			token(s.src[op:s.off], false)
		case c == '>':
			if len(opened) == 0 && angle && s.peekByte(1) != '=' && !s.operandFollows(s.off+1) {
				break scan
			}
			s.operator()
			token(">", false)
		default:
			op := s.operator()
			token(op, false)
		}
	}
	if s.off >= len(s.src) && len(opened) > 0 {
		unclosedBracket()
	}
	s.off = end
	if end > start {
		s.emit(tExpr, start, end)
	}
}

// itemFollows reports whether the line at i starts, in column 1, with a
// keyword that begins a top-level item (`on` only as `on change`).
func (s *scanner) itemFollows(i int) bool {
	if i >= len(s.src) || !isLetter(s.src[i]) {
		return false
	}
	w := s.src[i:s.word(i)]
	if w == "on" {
		next, _ := s.nextWord(i+len(w), false)
		return next == "change"
	}
	return topKeywords[w]
}

// operator consumes one CEL operator (or any other single character, for
// cel-go to judge) and returns it.
func (s *scanner) operator() string {
	for _, op := range []string{"&&", "||", "==", "!=", "<=", ">="} {
		if strings.HasPrefix(s.src[s.off:], op) {
			s.off += 2
			return op
		}
	}
	_, size := utf8.DecodeRuneInString(s.src[s.off:])
	s.off += size
	return s.src[s.off-size : s.off]
}

// operandFollows reports whether the text at i, on the same line, starts an
// operand (so a `>` before it compares rather than closes a block).
func (s *scanner) operandFollows(i int) bool {
	i = s.skipFrom(i, false)
	if i >= len(s.src) {
		return false
	}
	switch c := s.src[i]; {
	case isDigit(c), strings.IndexByte("\"'([{!-.", c) >= 0:
		return true
	case isLetter(c):
		w := s.src[i:s.word(i)]
		if s.selectorFollows(i + len(w)) {
			return true
		}
		return !stepKeywords[w] && !topKeywords[w] && w != "else" && w != "timeout"
	}
	return false
}

// selectorFollows reports whether a `.` or `(` comes next on the line at i,
// just after a word: then the word is a field or a function call, an
// operand, even when it is spelled like a keyword.
func (s *scanner) selectorFollows(i int) bool {
	i = s.skipFrom(i, false)
	return i < len(s.src) && (s.src[i] == '.' || s.src[i] == '(')
}

func isStringPrefix(w string) bool {
	switch strings.ToLower(w) {
	case "r", "b", "rb", "br":
		return true
	}
	return false
}

// celString scans a CEL string literal whose prefix starts at start and
// whose opening quote is at q: single, double or triple quoted, raw when
// the prefix has an r.
func (s *scanner) celString(start, q int) {
	raw := strings.ContainsAny(s.src[start:q], "rR")
	quote := s.src[q : q+1]
	if strings.HasPrefix(s.src[q:], quote+quote+quote) {
		quote = quote + quote + quote
	}
	i := q + len(quote)
	for i < len(s.src) {
		switch {
		case strings.HasPrefix(s.src[i:], quote):
			s.off = i + len(quote)
			return
		case s.src[i] == '\\' && !raw:
			i += 2
		case s.src[i] == '\n' && len(quote) == 1:
			i = len(s.src) + 1
		default:
			i++
		}
	}
	end := s.lineEnd(start)
	s.errorf(start, end, CodeUnterminatedString, "unterminated string: it needs a closing "+quote[:1]+" on the same line")
	s.off = end
}

// celNumber returns the end of the CEL number (or duration literal such as
// 7d) starting at i.
func (s *scanner) celNumber(start int) int {
	hex := start+1 < len(s.src) && s.src[start] == '0' && (s.src[start+1] == 'x' || s.src[start+1] == 'X')
	i := start
	for i < len(s.src) {
		c := s.src[i]
		switch {
		case isWordByte(c):
			i++
		case c == '.' && i+1 < len(s.src) && isDigit(s.src[i+1]):
			i++
		case (c == '+' || c == '-') && (s.src[i-1] == 'e' || s.src[i-1] == 'E') && !hex:
			i++
		default:
			return i
		}
	}
	return i
}

func quoteRune(r rune) string { return strconv.QuoteRune(r) }
