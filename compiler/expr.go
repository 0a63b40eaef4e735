package compiler

// Compiling a condition. The text of an ast.Expr is handed to cel-go after
// one rewrite: Journey's duration literals (`7d`, `1d12h`) become CEL's
// `duration("…s")`. A table of the rewritten spans maps every offset in the
// compiled text back to the text as written, so an error cel-go reports is
// placed on the exact character of the .journey file (the way cel-go's own
// policy package maps errors inside a YAML file).

import (
	"strconv"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// Condition is a compiled CEL expression and where it came from.
type Condition struct {
	Expr   *ast.Expr
	File   string
	Event  string   // the event in scope, "" for none
	Source string   // the text cel-go compiled: duration literals rewritten
	AST    *cel.Ast // the checked expression; nil when it did not check, and once the checker is done with it
	// Filters are the conditions of its filtered counts, by index: each
	// checked on its own, the counted event in scope (filter.go).
	Filters []*Condition
	cost    uint64 // the estimated cost of one evaluation, filters included
	spans   []rewrite
	always  *bool  // the value of a condition that reads nothing; nil otherwise
	checked []byte // when compiling: the planned condition, encoded as Cond.Checked holds it (plan.go)
	// compiled is what cel-go made of Source, shared with the conditions
	// written the same way (compilecache.go); nil once the checker is done
	// with the condition.
	compiled *compiled
}

// rewrite records one duration literal replaced in the compiled text.
type rewrite struct {
	from, to int // the replacement in Source
	origFrom int // the literal in the text as written
	origTo   int
}

// original maps a byte offset of the compiled text to the text as written.
func (c *Condition) original(off int) int {
	shift := 0
	for _, r := range c.spans {
		if off < r.from {
			break
		}
		if off < r.to {
			return r.origFrom
		}
		shift = r.origTo - r.to
	}
	return off + shift
}

// span returns the file span of the written text [from, to).
func (c *Condition) span(lines *pos.Lines, from, to int) pos.Span {
	base := int(c.Expr.Pos.Start.Offset)
	return lines.Span(base+from, base+to)
}

// locate converts a cel-go location (1-based line, 0-based column in code
// points of the compiled text) to a byte offset of the text as written.
func (c *Condition) locate(loc common.Location) (int, bool) {
	if loc == nil || loc.Line() <= 0 {
		return 0, false
	}
	off, line := 0, 1
	for line < loc.Line() && off < len(c.Source) {
		if c.Source[off] == '\n' {
			line++
		}
		off++
	}
	for col := 0; col < loc.Column() && off < len(c.Source); col++ {
		_, size := utf8.DecodeRuneInString(c.Source[off:])
		off += size
	}
	return c.original(off), true
}

// rewriteDurations replaces duration literals outside strings by CEL
// duration calls. A text without any is returned as it is, not copied.
func rewriteDurations(text string) (string, []rewrite) {
	var out []byte // text up to done, rewritten
	var spans []rewrite
	done := 0
	i := 0
	for i < len(text) {
		c := text[i]
		switch {
		case c == '"' || c == '\'':
			i = skipString(text, i)
		case isDigit(c) && (i == 0 || !isWordByte(text[i-1]) && text[i-1] != '.'):
			j, secs := durationLiteral(text, i)
			if j == i {
				for j < len(text) && (isWordByte(text[j]) || text[j] == '.') {
					j++ // a number, hex or not: copy it whole
				}
				i = j
				continue
			}
			out = append(out, text[done:i]...)
			repl := `duration("` + strconv.FormatInt(secs, 10) + `s")`
			spans = append(spans, rewrite{from: len(out), to: len(out) + len(repl), origFrom: i, origTo: j})
			out = append(out, repl...)
			i, done = j, j
		default:
			i++
		}
	}
	if spans == nil {
		return text, nil
	}
	return string(append(out, text[done:]...)), spans
}

// durationUnits are the units of a duration literal, in seconds.
var durationUnits = map[string]int64{"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

// durationLiteral reads a duration literal at i (`7d`, `1d12h`) and returns
// its end and length in seconds; the end is i when there is none.
func durationLiteral(text string, i int) (int, int64) {
	var total int64
	end := i
	for end < len(text) && isDigit(text[end]) {
		j := end
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		k := j
		for k < len(text) && isLetter(text[k]) {
			k++
		}
		unit, ok := durationUnits[text[j:k]]
		if !ok || (k < len(text) && (text[k] == '_' || text[k] == '.')) {
			break
		}
		n, err := strconv.ParseInt(text[end:j], 10, 64)
		if err != nil {
			break
		}
		total += n * unit
		end = k
	}
	if end < len(text) && isWordByte(text[end]) {
		return i, 0 // `1d2` or `3dx`: not a literal
	}
	return end, total
}

// skipString returns the end of the CEL string literal starting at i.
func skipString(text string, i int) int {
	q := text[i : i+1]
	if len(text) >= i+3 && text[i:i+3] == q+q+q {
		q = q + q + q
	}
	j := i + len(q)
	for j < len(text) {
		switch {
		case text[j] == '\\':
			j += 2
		case len(text) >= j+len(q) && text[j:j+len(q)] == q:
			return j + len(q)
		default:
			j++
		}
	}
	return len(text)
}

// tokenEnd returns the end of the token of written text starting at off:
// a word, or one character.
func tokenEnd(text string, off int) int {
	if off >= len(text) {
		return off
	}
	if isWordByte(text[off]) {
		j := off
		for j < len(text) && isWordByte(text[j]) {
			j++
		}
		return j
	}
	for _, op := range []string{"&&", "||", "==", "!=", "<=", ">="} {
		if len(text) >= off+2 && text[off:off+2] == op {
			return off + 2
		}
	}
	_, size := utf8.DecodeRuneInString(text[off:])
	return off + size
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }
func isWordByte(c byte) bool {
	return isDigit(c) || isLetter(c)
}
