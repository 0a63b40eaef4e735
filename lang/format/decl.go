package format

import (
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// decls prints the top-level items of a file: declarations, and the
// clauses and stages of a journey, which sit at the top level too.
func (p *printer) decls(ds []ast.Decl) {
	multi := false
	for _, d := range ds {
		switch d := d.(type) {
		case *ast.UseDecl:
			multi = p.top(multi, func() { p.emit(d.Pos.Start.Line, d.Pos.End, noRun, "use "+name(d.Name)) })
		case *ast.ContactDecl:
			multi = p.top(multi, func() { p.contact(d) })
		case *ast.EventDecl:
			multi = p.top(multi, func() { p.event(d) })
		case *ast.BudgetDecl:
			multi = p.top(multi, func() { p.emit(d.Pos.Start.Line, d.Pos.End, noRun, budget(d)) })
		case *ast.TeamDecl:
			multi = p.top(multi, func() { p.emit(d.Pos.Start.Line, d.Pos.End, noRun, team(d)) })
		case *ast.HolidaysDecl:
			multi = p.top(multi, func() { p.emit(d.Pos.Start.Line, d.Pos.End, noRun, holidays(d)) })
		case *ast.RuleDecl:
			multi = p.top(multi, func() { p.rule(d) })
		case *ast.Journey:
			multi = p.top(multi, func() { p.journeyHeader(d) })
			for _, it := range d.Items {
				multi = p.top(multi, func() { p.item(it) })
			}
		case *ast.Test:
			multi = p.top(multi, func() { p.test(d) })
		}
		// A *ast.BadDecl has no text to print: File is for trees that
		// parsed without errors.
	}
}

func (p *printer) journeyHeader(j *ast.Journey) {
	text := "journey " + name(j.Name)
	end := identEnd(j.Name, j.Keyword.End)
	if j.Title != nil {
		text += " " + j.Title.Raw
		end = j.Title.Pos.End
	}
	p.emit(j.Pos.Start.Line, end, noRun, text)
}

// item prints a journey clause or stage.
func (p *printer) item(it ast.Item) {
	clause := func(keyword, rest string) {
		p.emit(it.Span().Start.Line, it.Span().End, clauseRun, keyword, rest)
	}
	switch it := it.(type) {
	case *ast.Entry:
		var parts []string
		if it.On != nil {
			parts = append(parts, "on "+names(it.On))
		}
		if it.When != nil {
			parts = append(parts, "when "+expr(it.When))
		}
		clause("entry", strings.Join(parts, " "))
	case *ast.Exit:
		clause("exit", "when "+expr(it.When))
	case *ast.Goal:
		clause("goal", name(it.Name)+" when "+expr(it.When))
	case *ast.Suppress:
		clause("suppress", "when "+expr(it.When))
	case *ast.Window:
		clause("window", window(it))
	case *ast.Cap:
		clause("cap", raw(it.Count)+" "+name(it.Unit)+" per "+duration(it.Per))
	case *ast.Reenter:
		if it.After != nil {
			clause("reenter", "after "+duration(it.After))
		} else {
			clause("reenter", name(it.Word))
		}
	case *ast.OnChange:
		clause("on change", name(it.Word))
	case *ast.Stage:
		p.stage(it)
	}
}

// team prints `team NAME ["address"]`.
func team(t *ast.TeamDecl) string {
	if t.Address == nil {
		return "team " + name(t.Name)
	}
	return "team " + name(t.Name) + " " + str(t.Address)
}

// holidays prints `holidays "2026-12-25", "2026-12-26"` on one line.
func holidays(h *ast.HolidaysDecl) string {
	dates := make([]string, len(h.Dates))
	for i, d := range h.Dates {
		dates[i] = str(d)
	}
	return "holidays " + strings.Join(dates, ", ")
}

// budget prints `budget N sends per D` or `budget off`.
func budget(b *ast.BudgetDecl) string {
	if b.Word != nil {
		return "budget " + name(b.Word)
	}
	return "budget " + raw(b.Count) + " " + name(b.Unit) + " per " + duration(b.Per)
}

func window(w *ast.Window) string {
	s := raw(w.From) + "-" + raw(w.To)
	var days []string
	for _, d := range w.Days {
		day := name(d.From)
		if d.To != nil {
			day += "-" + name(d.To)
		}
		days = append(days, day)
	}
	if len(days) > 0 {
		s += " " + strings.Join(days, ", ")
	}
	return s
}

func (p *printer) stage(s *ast.Stage) {
	text := "stage " + name(s.Name) + trigger(s.On, s.When)
	if s.Body == nil {
		p.emit(s.Pos.Start.Line, s.Pos.End, noRun, text)
		return
	}
	p.block(s.Pos.Start.Line, s.Body, text)
}

// rule prints `rule NAME [on EVENTS] [when EXPR] [every D] { steps }`.
func (p *printer) rule(r *ast.RuleDecl) {
	text := "rule " + name(r.Name) + trigger(r.On, r.When)
	if r.Every != nil {
		text += " every " + duration(r.Every)
	}
	p.block(r.Pos.Start.Line, r.Body, text)
}

// trigger prints the ` on EVENTS when EXPR` of a stage's or a rule's
// header, each part when present.
func trigger(on []*ast.Ident, when *ast.Expr) string {
	text := ""
	if on != nil {
		text += " on " + names(on)
	}
	if when != nil {
		text += " when " + expr(when)
	}
	return text
}

// contact prints `contact { fields }`.
func (p *printer) contact(c *ast.ContactDecl) {
	p.fieldBlock(c.Pos, c.Keyword.End, "contact", c.Fields, noRun)
}

// event prints an event declaration: on one line when it has no payload
// block or was written inline, else like the contact block.
func (p *printer) event(e *ast.EventDecl) {
	head := "event " + name(e.Name)
	switch {
	case e.Fields == nil:
		p.emit(e.Pos.Start.Line, e.Pos.End, noRun, head)
	case e.Inline:
		p.emit(e.Pos.Start.Line, e.Pos.End, eventRun, head, inlineFields(e.Fields))
	default:
		p.fieldBlock(e.Pos, identEnd(e.Name, e.Keyword.End), head, e.Fields, eventRun)
	}
}

// fieldBlock prints `head { fields }`, a block of schema fields spanning
// span whose header's last token before the `{` ends at headEnd: multi-line,
// or `head {}` on one line (of run kind kind) when it holds neither fields
// nor comments.
//
// The tree does not keep the span of the `{`; it is taken to be on the
// header's line, which decides which comment is the header's trailing one.
func (p *printer) fieldBlock(span pos.Span, headEnd pos.Pos, head string, fs []*ast.Field, kind runKind) {
	if len(fs) == 0 && !p.commentsIn(headEnd.Offset, span.End.Offset) {
		p.emit(span.Start.Line, span.End, kind, head, "{}")
		return
	}
	p.open(span.Start.Line, headEnd, noRun, head+" {")
	p.fields(fs)
	p.close(span.End, "}", false)
}

// fields prints schema fields one per line, the one-line ones in a run. A
// field whose type is an object not written inline prints over several
// lines, `name: {` … `}`.
func (p *printer) fields(fs []*ast.Field) {
	for _, f := range fs {
		t := f.Type
		suffix := ""
		if o, ok := t.(*ast.OptionalType); ok {
			t, suffix = o.Elem, "?"
		}
		obj, ok := t.(*ast.ObjectType)
		if !ok || obj.Inline || (len(obj.Fields) == 0 && !p.commentsIn(obj.Pos.Start.Offset, obj.Pos.End.Offset)) {
			p.emit(f.Pos.Start.Line, f.Pos.End, fieldRun, name(f.Name)+":", typ(f.Type))
			continue
		}
		p.open(f.Pos.Start.Line, after(obj.Pos.Start), noRun, name(f.Name)+": {")
		p.fields(obj.Fields)
		p.close(obj.Pos.End, "}"+suffix, false)
	}
}

// typ prints a type on one line.
func typ(t ast.Type) string {
	var b strings.Builder
	writeType(&b, t)
	return b.String()
}

// writeType writes t on one line to b. Nested types are written into the
// one builder, so the time is linear in the output however deep they nest.
func writeType(b *strings.Builder, t ast.Type) {
	switch t := t.(type) {
	case *ast.NamedType:
		b.WriteString(name(t.Name))
	case *ast.ListType:
		b.WriteString("list<")
		writeType(b, t.Elem)
		b.WriteString(">")
	case *ast.MapType:
		b.WriteString("map<")
		writeType(b, t.Key)
		b.WriteString(", ")
		writeType(b, t.Elem)
		b.WriteString(">")
	case *ast.EnumType:
		b.WriteString("enum(")
		for i, v := range t.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(name(v))
		}
		b.WriteString(")")
	case *ast.ObjectType:
		writeFields(b, t.Fields)
	case *ast.OptionalType:
		writeType(b, t.Elem)
		b.WriteString("?")
	}
}

// inlineFields prints `{ a: T, b: U }`, or `{}`.
func inlineFields(fs []*ast.Field) string {
	var b strings.Builder
	writeFields(&b, fs)
	return b.String()
}

// writeFields writes fields as inlineFields prints them to b.
func writeFields(b *strings.Builder, fs []*ast.Field) {
	if len(fs) == 0 {
		b.WriteString("{}")
		return
	}
	b.WriteString("{ ")
	for i, f := range fs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(name(f.Name))
		b.WriteString(": ")
		writeType(b, f.Type)
	}
	b.WriteString(" }")
}

// after returns the position after the one-byte token (a `{`) at p.
func after(p pos.Pos) pos.Pos {
	return pos.Pos{Offset: p.Offset + 1, Line: p.Line, Col: p.Col + 1}
}

// identEnd returns the end of id, or otherwise if id is nil.
func identEnd(id *ast.Ident, otherwise pos.Pos) pos.Pos {
	if id == nil {
		return otherwise
	}
	return id.Pos.End
}

// The helpers below print a leaf, or nothing when it is nil (a partial
// tree); File prints trees without errors, where no required leaf is nil.

func name(id *ast.Ident) string {
	if id == nil {
		return ""
	}
	return id.Name
}

// names writes a list of names as `a, b, c`.
func names(ids []*ast.Ident) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id)
	}
	return strings.Join(out, ", ")
}

func expr(e *ast.Expr) string {
	if e == nil {
		return ""
	}
	return e.Text
}

func duration(d *ast.Duration) string {
	if d == nil {
		return ""
	}
	return d.Raw
}

func str(s *ast.String) string {
	if s == nil {
		return `""`
	}
	return s.Raw
}

// raw prints a literal that keeps its text.
func raw(n ast.Node) string {
	switch n := n.(type) {
	case *ast.Clock:
		if n != nil {
			return n.Raw
		}
	case *ast.Int:
		if n != nil {
			return n.Raw
		}
	case *ast.Percent:
		if n != nil {
			return n.Raw
		}
	}
	return ""
}
