package format

import (
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// test prints `test "name" {` … `}`.
//
// The tree does not keep the span of the test's braces; the `{` is taken
// to be on the name's line and the `}` to end the test's span.
func (p *printer) test(t *ast.Test) {
	head := "test " + str(t.Name)
	headEnd := t.Keyword.End
	if t.Name != nil {
		headEnd = t.Name.Pos.End
	}
	if len(t.Stmts) == 0 && !p.commentsIn(headEnd.Offset, t.Pos.End.Offset) {
		p.emit(t.Pos.Start.Line, t.Pos.End, noRun, head+" {}")
		return
	}
	p.open(t.Pos.Start.Line, headEnd, noRun, head+" {")
	for _, s := range t.Stmts {
		p.testStmt(s)
	}
	p.close(t.Pos.End, "}", false)
}

// testStmt prints one test statement. A statement with an `at` prefix, and
// every event, set and expect statement, prints its first cell (`at T` or
// its keyword) in a testRun.
func (p *printer) testStmt(s ast.TestStmt) {
	// stmt prints the statement: its keyword kw, the text after it, rest,
	// and an object obj (nil for none) that may continue it over several
	// lines. run says whether the statement joins a testRun without `at`.
	stmt := func(kw, rest string, obj *ast.Object, run bool) {
		text := kw
		if rest != "" {
			text += " " + rest
		}
		var cells []string
		kind := testRun
		switch at := s.Time(); {
		case at != nil:
			cells = []string{"at " + duration(at.Time), text}
		case run && rest != "":
			cells = []string{kw, rest}
		default:
			cells, kind = []string{text}, noRun
		}
		p.valueLine(s.Span().Start.Line, s.Span().End, kind, cells, obj)
	}
	switch s := s.(type) {
	case *ast.TestJourney:
		stmt("journey", name(s.Name), nil, false)
	case *ast.TestContact:
		rest := ""
		if s.ID != nil {
			rest = s.ID.Raw
		}
		stmt("contact", rest, s.Value, false)
	case *ast.TestStart:
		stmt("start", str(s.Start), nil, false)
	case *ast.TestEvent:
		stmt("event", name(s.Name), s.Payload, true)
	case *ast.TestSet:
		stmt("set", path(s.Field)+" = "+expr(s.Value), nil, true)
	case *ast.TestConsent:
		verb := "unsubscribe"
		if s.Subscribe {
			verb = "resubscribe"
		}
		stmt(verb, name(s.Channel), nil, true)
	case *ast.Expect:
		stmt("expect", expect(s), nil, true)
	}
}

// valueLine prints a statement line whose text is cells, followed by the
// object obj (nil for none): inline on the same line, or, when it was not
// written inline and holds fields or comments, over several lines.
func (p *printer) valueLine(start int32, end pos.Pos, kind runKind, cells []string, obj *ast.Object) {
	if obj == nil {
		p.emit(start, end, kind, cells...)
		return
	}
	if !p.multiLine(obj) {
		p.emit(start, end, kind, appendLast(cells, " "+value(obj))...)
		return
	}
	p.open(start, after(obj.Pos.Start), kind, appendLast(cells, " {")...)
	p.objectFields(obj)
	p.close(obj.Pos.End, "}", false)
}

// multiLine reports whether obj prints over several lines: it was not
// written inline and holds fields or comments.
func (p *printer) multiLine(obj *ast.Object) bool {
	return !obj.Inline && (len(obj.Fields) > 0 || p.commentsIn(obj.Pos.Start.Offset, obj.Pos.End.Offset))
}

// objectFields prints the fields of a multi-line object, `key: value` one
// per line.
func (p *printer) objectFields(obj *ast.Object) {
	for _, f := range obj.Fields {
		start, key := f.Pos.Start.Line, name(f.Key)+":"
		if o, ok := f.Value.(*ast.Object); ok {
			p.valueLine(start, f.Pos.End, noRun, []string{key}, o)
			continue
		}
		p.emit(start, f.Pos.End, noRun, key+" "+value(f.Value))
	}
}

// expect prints what follows `expect`.
func expect(e *ast.Expect) string {
	var parts []string
	if e.Not {
		parts = append(parts, "not")
	}
	if e.Kind == nil {
		return strings.Join(append(parts, expr(e.Cond)), " ")
	}
	parts = append(parts, name(e.Kind))
	if e.Name != nil {
		parts = append(parts, name(e.Name))
	}
	if e.Text != nil {
		parts = append(parts, e.Text.Raw)
	}
	if e.Subject != nil {
		parts = append(parts, "subject "+str(e.Subject))
	}
	if e.Containing != nil {
		parts = append(parts, "containing "+str(e.Containing))
	}
	if e.By != nil {
		parts = append(parts, "by "+duration(e.By))
	}
	return strings.Join(parts, " ")
}

// value prints a value on one line.
func value(v ast.Value) string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

// writeValue writes v on one line to b. Nested lists and objects are
// written into the one builder, so the time is linear in the output
// however deep they nest.
func writeValue(b *strings.Builder, v ast.Value) {
	switch v := v.(type) {
	case *ast.String:
		b.WriteString(v.Raw)
	case *ast.Number:
		b.WriteString(v.Raw)
	case *ast.Duration:
		b.WriteString(v.Raw)
	case *ast.Word:
		b.WriteString(v.Name)
	case *ast.List:
		b.WriteString("[")
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, e)
		}
		b.WriteString("]")
	case *ast.Object:
		if len(v.Fields) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{ ")
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(name(f.Key))
			b.WriteString(": ")
			writeValue(b, f.Value)
		}
		b.WriteString(" }")
	}
}
