package compiler

// Filtered counts: count("page_viewed", 30d, event.path == "/pricing")
// counts only the events for which the condition holds. The condition is
// about the event counted, not the one in scope where count is called:
// inside it, `event` is that event, typed by the schema's declaration of
// it, and the contact's fields are in scope as in any condition.
//
// cel-go evaluates a function's arguments before the call, so the
// condition cannot be an argument like the others. Before the condition
// around it is handed to cel-go, each such call is found in its text and
// its third argument is compiled on its own, as a condition of its own
// with the counted event in scope, at its own place in the file (so a
// misspelt field in it is reported on the field). In the text cel-go
// compiles, the argument's characters are replaced by the filter's index
// among the condition's filters, padded with blanks to the same length,
// so every other offset keeps its place. The runtime evaluates filter i
// for each event of the kind when count(…, i) is called
// (stdlib.Context.Count).
//
// A filter reads the counted event and the contact; not the clock (`now`
// or a clock function of the library, TimedFilter): the runtime works out
// when a count can next change from the times of the events alone.

import (
	"strconv"
	"strings"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/stdlib"
)

// filterCall is a call of a Filter function with its condition, found in
// a condition's text.
type filterCall struct {
	fn           string
	args         [][2]int // each argument, blanks trimmed, [from, to) in the text
	event        string   // the first argument's string, "" when it is not a plain string literal
	filterFrom   int      // the condition's text, blanks trimmed
	filterTo     int
	callFrom     int // the function's name
	callEnd      int // after the closing parenthesis
	argsComplete bool
}

// filterFunctions are the library functions that take a filter.
func filterFunctions() map[string]stdlib.Function {
	out := map[string]stdlib.Function{}
	for _, f := range stdlib.Functions {
		if f.Filter {
			out[f.Name] = f
		}
	}
	return out
}

// findFilterCalls returns the calls in text, outside strings, of a
// function that takes a filter, with one argument more than it takes
// without. The calls inside one are left to the filter's own compile.
func findFilterCalls(text string) []filterCall {
	fns := filterFunctions()
	var out []filterCall
	for i := 0; i < len(text); {
		c := text[i]
		if c == '"' || c == '\'' {
			i = skipString(text, i)
			continue
		}
		if !isLetter(c) || (i > 0 && (isWordByte(text[i-1]) || text[i-1] == '.')) {
			i++
			continue
		}
		j := i
		for j < len(text) && isWordByte(text[j]) {
			j++
		}
		f, ok := fns[text[i:j]]
		k := j
		for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r') {
			k++
		}
		if !ok || k >= len(text) || text[k] != '(' {
			i = j
			continue
		}
		call := filterCall{fn: f.Name, callFrom: i}
		call.args, call.callEnd, call.argsComplete = splitArgs(text, k)
		if !call.argsComplete || len(call.args) != len(f.Args)+1 {
			i = j
			continue
		}
		first := text[call.args[0][0]:call.args[0][1]]
		if len(first) >= 2 && first[0] == '"' && first[len(first)-1] == '"' && !strings.ContainsAny(first[1:len(first)-1], `"\`) {
			call.event = first[1 : len(first)-1]
		}
		last := call.args[len(call.args)-1]
		call.filterFrom, call.filterTo = last[0], last[1]
		out = append(out, call)
		i = call.callEnd
	}
	return out
}

// splitArgs splits the arguments of the call whose parenthesis is at
// open: each one's span without the blanks around it, and the offset after
// the closing parenthesis. ok is false when the call does not close.
func splitArgs(text string, open int) (args [][2]int, end int, ok bool) {
	depth, start := 0, open+1
	add := func(to int) {
		from := start
		for from < to && strings.IndexByte(" \t\r\n", text[from]) >= 0 {
			from++
		}
		for to > from && strings.IndexByte(" \t\r\n", text[to-1]) >= 0 {
			to--
		}
		args = append(args, [2]int{from, to})
	}
	for i := open + 1; i < len(text); {
		switch c := text[i]; c {
		case '"', '\'':
			i = skipString(text, i)
			continue
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				if c != ')' {
					return nil, 0, false
				}
				add(i)
				return args, i + 1, true
			}
			depth--
		case ',':
			if depth == 0 {
				add(i)
				start = i + 1
			}
		}
		i++
	}
	return nil, 0, false
}

// filters compiles the filters of the condition e and returns the text
// cel-go compiles for it, each filter replaced by its index. ok is false
// when a filter did not check (its errors are reported).
func (c *checker) filters(file string, e *ast.Expr) (text string, filters []*Condition, ok bool) {
	calls := findFilterCalls(e.Text)
	if len(calls) == 0 {
		return e.Text, nil, true
	}
	b := []byte(e.Text)
	ok = true
	lines := c.linesOf(file)
	base := int(e.Pos.Start.Offset)
	for _, call := range calls {
		// The call's filter is replaced by an index whatever comes of it,
		// so the condition around it is checked on its own: a filter that
		// does not check takes a place no other uses.
		id := len(filters)
		if f, good := c.filter(file, e, call); good {
			filters = append(filters, f)
		} else {
			ok, id = false, 0
		}
		digits := strconv.Itoa(id)
		if len(digits) > call.filterTo-call.filterFrom {
			c.report(newError(file, lines.Span(base+call.filterFrom, base+call.filterTo), CodeWrongArguments,
				"a condition with more than ten filtered counts writes each filter in two characters or more, such as (%s)", e.Text[call.filterFrom:call.filterTo]))
			ok, digits = false, "0"
		}
		for i := call.filterFrom; i < call.filterTo; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
		copy(b[call.filterFrom:], digits)
	}
	return string(b), filters, ok
}

// filter checks the filter of one call; good is false when it did not
// check (reported), or names no event of the schema (reported with the
// other names a condition's library calls give, see libraryNames).
func (c *checker) filter(file string, e *ast.Expr, call filterCall) (f *Condition, good bool) {
	lines := c.linesOf(file)
	base := int(e.Pos.Start.Offset)
	if call.event == "" {
		a := call.args[0]
		c.report(newError(file, lines.Span(base+a[0], base+a[1]), CodeWrongArguments,
			"%s with a condition names its event in quotes, such as %s(\"page_viewed\", 7d, event.path == \"/pricing\")", call.fn, call.fn))
		return nil, false
	}
	if c.schema.Events[call.event] == nil {
		return nil, false
	}
	sub := &ast.Expr{Text: e.Text[call.filterFrom:call.filterTo], Pos: lines.Span(base+call.filterFrom, base+call.filterTo)}
	f = c.condition(file, sub, call.event)
	if f.AST == nil {
		return nil, false
	}
	if name, at, timed := clockIn(f.AST); timed {
		span := sub.Pos
		if off, found := f.locate(f.AST.NativeRep().SourceInfo().GetStartLocation(at)); found {
			if i := strings.LastIndex(sub.Text[:min(len(sub.Text), off+len(name))], name); i >= 0 {
				off = i // a call is placed at its parenthesis
			}
			span = f.span(lines, off, off+len(name))
		}
		c.report(newError(file, span, CodeTimedFilter, "the condition of %s reads the clock (%s): it may read the event counted and the contact, not the time", call.fn, name))
		return nil, false
	}
	return f, true
}

// clockIn reports the first reading of the clock in a checked condition:
// `now`, or a call of a library function that reads it; at is its node.
func clockIn(a *cel.Ast) (name string, at int64, found bool) {
	celast.PreOrderVisit(a.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if found {
			return
		}
		switch e.Kind() {
		case celast.IdentKind:
			if e.AsIdent() == "now" {
				name, at, found = "now", e.ID(), true
			}
		case celast.CallKind:
			if fn := e.AsCall().FunctionName(); stdlib.TimeDependent(fn) {
				name, at, found = fn, e.ID(), true
			}
		}
	}))
	return name, at, found
}
