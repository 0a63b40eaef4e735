package lsp

// Finding what the cursor is on. resolve walks the parsed file for the
// name, string or expression under a byte offset and says what it refers
// to: a stage, an event, a contact field, an event's field, a template or
// a library function. Inside a condition, which the parser keeps as text,
// the dotted name under the cursor is read from the text itself.

import (
	"path/filepath"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// refKind is what a name refers to.
type refKind int

const (
	refNone       refKind = iota
	refStage              // a stage of the enclosing journey
	refEvent              // a declared event
	refField              // a contact field; path holds its parts
	refEventField         // a field of an event's payload; event names the event
	refTemplate           // a template of the workspace's templates/ folder
	refFunction           // a function of the journey library
)

// ref is what the cursor is on.
type ref struct {
	kind    refKind
	name    string   // the stage, event, template or function
	path    []string // a field's path, up to the part under the cursor
	event   string   // the event of refEventField
	span    pos.Span // the text under the cursor
	journey *ast.Journey
}

// fileOf returns the parsed file called name in the space, or nil.
func (sp *space) fileOf(name string) *ast.File {
	for _, f := range sp.ws.Files {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// resolve returns what offset off of file f is on.
func resolve(f *ast.File, src []byte, off int) ref {
	in := func(s pos.Span) bool { return s.IsValid() && int(s.Start.Offset) <= off && off <= int(s.End.Offset) }
	for _, d := range f.Decls {
		if !in(d.Span()) {
			continue
		}
		switch d := d.(type) {
		case *ast.ContactDecl:
			if r := fieldDecl(d.Fields, nil, in); r.kind != refNone {
				return r
			}
		case *ast.EventDecl:
			if d.Name != nil && in(d.Name.Pos) {
				return ref{kind: refEvent, name: d.Name.Name, span: d.Name.Pos}
			}
			for _, fl := range d.Fields {
				if fl.Name != nil && in(fl.Name.Pos) && d.Name != nil {
					return ref{kind: refEventField, event: d.Name.Name, name: fl.Name.Name, span: fl.Name.Pos}
				}
			}
		case *ast.Journey:
			r := journeyRef(d, src, off, in)
			r.journey = d
			return r
		case *ast.RuleDecl:
			if r := eventRef(d.On, in); r.kind != refNone {
				return r
			}
			if r := exprRef(d.When, eventName(d.On), src, off, in); r.kind != refNone {
				return r
			}
			return blockRef(d.Body, eventName(d.On), src, off, in)
		case *ast.Test:
			return testRef(d, src, off, in)
		}
	}
	return ref{}
}

func fieldDecl(fields []*ast.Field, prefix []string, in func(pos.Span) bool) ref {
	for _, fl := range fields {
		if fl.Name == nil {
			continue
		}
		path := append(append([]string{}, prefix...), fl.Name.Name)
		if in(fl.Name.Pos) {
			return ref{kind: refField, path: path, span: fl.Name.Pos}
		}
		t := fl.Type
		if o, ok := t.(*ast.OptionalType); ok {
			t = o.Elem
		}
		if o, ok := t.(*ast.ObjectType); ok {
			if r := fieldDecl(o.Fields, path, in); r.kind != refNone {
				return r
			}
		}
	}
	return ref{}
}

func journeyRef(j *ast.Journey, src []byte, off int, in func(pos.Span) bool) ref {
	for _, it := range j.Items {
		if !in(it.Span()) {
			continue
		}
		switch it := it.(type) {
		case *ast.Entry:
			if r := eventRef(it.On, in); r.kind != refNone {
				return r
			}
			return exprRef(it.When, eventName(it.On), src, off, in)
		case *ast.Exit:
			return exprRef(it.When, "", src, off, in)
		case *ast.Goal:
			return exprRef(it.When, "", src, off, in)
		case *ast.Suppress:
			return exprRef(it.When, "", src, off, in)
		case *ast.Stage:
			if it.Name != nil && in(it.Name.Pos) {
				return ref{kind: refStage, name: it.Name.Name, span: it.Name.Pos}
			}
			if r := eventRef(it.On, in); r.kind != refNone {
				return r
			}
			if r := exprRef(it.When, eventName(it.On), src, off, in); r.kind != refNone {
				return r
			}
			return blockRef(it.Body, eventName(it.On), src, off, in)
		}
	}
	return ref{}
}

// testRef reads a test block: its events, the fields it sets, the
// templates it expects and its conditions.
func testRef(t *ast.Test, src []byte, off int, in func(pos.Span) bool) ref {
	for _, st := range t.Stmts {
		if !in(st.Span()) {
			continue
		}
		switch st := st.(type) {
		case *ast.TestEvent:
			if st.Name != nil && in(st.Name.Pos) {
				return ref{kind: refEvent, name: st.Name.Name, span: st.Name.Pos}
			}
		case *ast.TestSet:
			if st.Field != nil {
				var path []string
				for _, p := range st.Field.Parts {
					path = append(path, p.Name)
					if in(p.Pos) {
						return ref{kind: refField, path: path, span: p.Pos}
					}
				}
			}
			return exprRef(st.Value, "", src, off, in)
		case *ast.Expect:
			if st.Kind != nil && st.Text != nil && in(st.Text.Pos) {
				switch st.Kind.Name {
				case "sent", "suppressed", "capped":
					return ref{kind: refTemplate, name: st.Text.Value, span: st.Text.Pos}
				}
			}
			return exprRef(st.Cond, "", src, off, in)
		}
	}
	return ref{}
}

// eventName is the event whose fields `event.x` goes to in a trigger of
// events ids: the first listed, as the fields common to them all are
// declared in it too; "" for none.
func eventName(ids []*ast.Ident) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0].Name
}

// eventRef is the event of ids under the cursor, if any.
func eventRef(ids []*ast.Ident, in func(pos.Span) bool) ref {
	for _, id := range ids {
		if in(id.Pos) {
			return ref{kind: refEvent, name: id.Name, span: id.Pos}
		}
	}
	return ref{}
}

func blockRef(b *ast.Block, event string, src []byte, off int, in func(pos.Span) bool) ref {
	if b == nil {
		return ref{}
	}
	for _, st := range b.Steps {
		if !in(st.Span()) {
			continue
		}
		if r := stepRef(st, event, src, off, in); r.kind != refNone {
			return r
		}
	}
	return ref{}
}

func stepRef(st ast.Step, event string, src []byte, off int, in func(pos.Span) bool) ref {
	switch st := st.(type) {
	case *ast.Send:
		if st.Template != nil && in(st.Template.Pos) {
			return ref{kind: refTemplate, name: st.Template.Value, span: st.Template.Pos}
		}
	case *ast.Goto:
		if st.Stage != nil && in(st.Stage.Pos) {
			return ref{kind: refStage, name: st.Stage.Name, span: st.Stage.Pos}
		}
	case *ast.Set:
		if st.Field != nil {
			var path []string
			for _, p := range st.Field.Parts {
				path = append(path, p.Name)
				if in(p.Pos) {
					return ref{kind: refField, path: path, span: p.Pos}
				}
			}
		}
		return exprRef(st.Value, event, src, off, in)
	case *ast.If:
		if r := exprRef(st.Cond, event, src, off, in); r.kind != refNone {
			return r
		}
		if r := blockRef(st.Then, event, src, off, in); r.kind != refNone {
			return r
		}
		if st.ElseIf != nil && in(st.ElseIf.Pos) {
			return stepRef(st.ElseIf, event, src, off, in)
		}
		return blockRef(st.Else, event, src, off, in)
	case *ast.Split:
		for _, a := range st.Arms {
			if r := blockRef(a.Body, event, src, off, in); r.kind != refNone {
				return r
			}
		}
	case *ast.Wait:
		if r := eventRef(st.Events, in); r.kind != refNone {
			return r
		}
		if r := exprRef(st.When, eventName(st.Events), src, off, in); r.kind != refNone {
			return r
		}
		if r := blockRef(st.Body, eventName(st.Events), src, off, in); r.kind != refNone {
			return r
		}
		return blockRef(st.Timeout, event, src, off, in)
	}
	return ref{}
}

// exprRef reads the dotted name under off inside condition e, in which
// event is the event in scope ("" for none).
func exprRef(e *ast.Expr, event string, src []byte, off int, in func(pos.Span) bool) ref {
	if e == nil || !in(e.Pos) {
		return ref{}
	}
	lo, hi := int(e.Pos.Start.Offset), min(int(e.Pos.End.Offset), len(src))
	start, end := off, off
	for start > lo && isNameByte(src[start-1]) {
		start--
	}
	for end < hi && isNameByte(src[end]) && src[end] != '.' {
		end++
	}
	if start == end || (start > lo && src[start-1] == '"') {
		return ref{}
	}
	text := string(src[start:end])
	span := spanAt(e.Pos, src, start, end)
	if end < hi && src[end] == '(' {
		return ref{kind: refFunction, name: text, span: span}
	}
	parts := splitDots(text)
	if parts[0] == "event" {
		// Inside a filtered count's condition, `event` is the event counted.
		if counted := filterEvent(string(src[lo:start])); counted != "" {
			event = counted
		}
		if len(parts) == 2 && event != "" {
			return ref{kind: refEventField, event: event, name: parts[1], span: span}
		}
		return ref{}
	}
	return ref{kind: refField, path: parts, span: span}
}

func isNameByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// spanAt makes a span of bytes [start, end) of src, which lie on the
// line of within's start or after it.
func spanAt(within pos.Span, src []byte, start, end int) pos.Span {
	l := pos.NewLines(src)
	return pos.Span{Start: l.Pos(start), End: l.Pos(end)}
}

// templatePath is the file of template t of the workspace in dir.
func templatePath(dir, file string) string { return filepath.Join(dir, "templates", file) }
