package lsp

// The requests about a document: hover, definition, references, document
// symbols, formatting and code actions. Each reads the current check of
// the document's workspace (checking it again first if it is stale).

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/format"
	"github.com/journeylang/journey/lang/pos"
	"github.com/journeylang/journey/stdlib"
	"go.lsp.dev/protocol"
)

// doc is one document of a checked workspace.
type doc struct {
	sp   *space
	path string
	src  []byte
	file *ast.File // nil when the document is no .journey file of the workspace
}

// document returns the current state of the document at u. s.mu is held.
func (s *Server) document(u protocol.DocumentURI) doc {
	path := filename(u)
	if path == "" {
		return doc{sp: &space{ws: compiler.NewWorkspace(nil, nil)}}
	}
	sp := s.current(filepath.Dir(path))
	return doc{sp: sp, path: path, src: sp.ws.Sources[path], file: sp.fileOf(path)}
}

func (s *Server) hover(p protocol.HoverParams) *protocol.Hover {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.document(p.TextDocument.URI)
	if d.file == nil {
		return nil
	}
	r := resolve(d.file, d.src, offsetOf(d.src, p.Position))
	text := describe(d.sp, r)
	if text == "" {
		return nil
	}
	rng := rangeOf(d.src, r.span)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: text}, Range: &rng}
}

// describe is the hover text of r, in Markdown, or "".
func describe(sp *space, r ref) string {
	schema := sp.schema()
	code := func(s string) string { return "```journey\n" + s + "\n```" }
	switch r.kind {
	case refField:
		if f := schema.Path(r.path); f != nil {
			return code(strings.Join(r.path, ".")+": "+typeText(f.Type)) + "\n\ncontact field"
		}
	case refEventField:
		if ev := schema.Events[r.event]; ev != nil {
			if f := ev.Payload.Field(r.name); f != nil {
				return code("event."+r.name+": "+typeText(f.Type)) + "\n\nfield of event `" + r.event + "`"
			}
		}
	case refEvent:
		if ev := schema.Events[r.name]; ev != nil {
			return code(eventText(ev))
		}
	case refFunction:
		if fn, ok := stdlib.Lookup(r.name); ok {
			return code(fn.Signature) + "\n\n" + fn.Doc
		}
	case refTemplate:
		if t := sp.ws.Templates[r.name]; t != nil {
			subject, _, _ := strings.Cut(string(t.Content), "\n")
			return "template `" + r.name + "` (templates/" + t.File + ")\n\n" + strings.TrimSpace(subject)
		}
	case refStage:
		if st := findStage(r.journey, r.name); st != nil {
			return code("stage "+st.Name.Name) + "\n\n" + trigger(st)
		}
	}
	return ""
}

// schema returns the workspace's schema; an empty one when the check has
// none.
func (sp *space) schema() *compiler.Schema {
	if sp.res != nil && sp.res.Schema != nil && sp.res.Schema.Contact != nil {
		return sp.res.Schema
	}
	return &compiler.Schema{Contact: &compiler.Object{}, Events: map[string]*compiler.Event{}}
}

func typeText(t *compiler.Type) string {
	if t.Kind == compiler.KindObject && t.Object != nil {
		var parts []string
		for _, f := range t.Object.Fields {
			parts = append(parts, f.Name+": "+typeText(f.Type))
		}
		s := "{ " + strings.Join(parts, ", ") + " }"
		if t.Optional {
			s += "?"
		}
		return s
	}
	return t.String()
}

func eventText(ev *compiler.Event) string {
	if ev.Payload == nil || len(ev.Payload.Fields) == 0 {
		return "event " + ev.Name
	}
	var parts []string
	for _, f := range ev.Payload.Fields {
		parts = append(parts, f.Name+": "+typeText(f.Type))
	}
	return "event " + ev.Name + " { " + strings.Join(parts, ", ") + " }"
}

// trigger says in words what moves a contact into stage st.
func trigger(st *ast.Stage) string {
	var parts []string
	if len(st.On) > 0 {
		var on []string
		for _, id := range st.On {
			on = append(on, "`"+id.Name+"`")
		}
		parts = append(parts, "on "+strings.Join(on, ", "))
	}
	if st.When != nil {
		parts = append(parts, "when `"+st.When.Text+"`")
	}
	if len(parts) == 0 {
		return "trigger: none (entered by `goto`, `next` or file order)"
	}
	return "trigger: " + strings.Join(parts, " ")
}

func findStage(j *ast.Journey, name string) *ast.Stage {
	if j == nil {
		return nil
	}
	for _, st := range j.Stages() {
		if st.Name != nil && st.Name.Name == name {
			return st
		}
	}
	return nil
}

// location returns the protocol location of span s of file name; false
// when the file is not on disk (the standard library's).
func (sp *space) location(name string, s pos.Span) (protocol.Location, bool) {
	if name == "" || name == stdlib.CRMFile {
		return protocol.Location{}, false
	}
	return protocol.Location{URI: fileURI(name), Range: rangeOf(sp.ws.Sources[name], s)}, true
}

func (s *Server) definition(u protocol.DocumentURI, p protocol.Position) []protocol.Location {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.document(u)
	if d.file == nil {
		return nil
	}
	r := resolve(d.file, d.src, offsetOf(d.src, p))
	if r.kind == refTemplate {
		if t := d.sp.ws.Templates[r.name]; t != nil {
			return []protocol.Location{{URI: fileURI(templatePath(d.sp.dir, t.File))}}
		}
		return nil
	}
	if loc := declaration(d, r); loc != nil {
		return []protocol.Location{*loc}
	}
	return nil
}

func (s *Server) references(p protocol.ReferenceParams) []protocol.Location {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.document(p.TextDocument.URI)
	if d.file == nil {
		return nil
	}
	r := resolve(d.file, d.src, offsetOf(d.src, p.Position))
	if r.kind == refNone || r.kind == refFunction || r.kind == refTemplate {
		return nil
	}
	var out []protocol.Location
	for _, f := range d.sp.ws.Files {
		src := d.sp.ws.Sources[f.Name]
		for _, sp := range occurrences(f, src, r) {
			if loc, ok := d.sp.location(f.Name, sp); ok {
				out = append(out, loc)
			}
		}
	}
	if !p.Context.IncludeDeclaration {
		def := declaration(d, r)
		out = slices.DeleteFunc(out, func(l protocol.Location) bool { return def != nil && l == *def })
	}
	return out
}

// declaration is the location of the stage, event or field r refers to,
// or nil.
func declaration(d doc, r ref) *protocol.Location {
	schema := d.sp.schema()
	var loc protocol.Location
	ok := false
	switch r.kind {
	case refStage:
		if st := findStage(r.journey, r.name); st != nil {
			loc, ok = d.sp.location(d.path, st.Name.Pos)
		}
	case refEvent:
		if ev := schema.Events[r.name]; ev != nil {
			loc, ok = d.sp.location(ev.File, ev.Pos)
		}
	case refField:
		if f := schema.Path(r.path); f != nil {
			loc, ok = d.sp.location(f.File, f.Pos)
		}
	case refEventField:
		if ev := schema.Events[r.event]; ev != nil {
			if f := ev.Payload.Field(r.name); f != nil {
				loc, ok = d.sp.location(f.File, f.Pos)
			}
		}
	}
	if !ok {
		return nil
	}
	return &loc
}

// occurrences returns the spans in f that refer to what r refers to: every
// name and condition word resolve would take for the same thing.
func occurrences(f *ast.File, src []byte, r ref) []pos.Span {
	var out []pos.Span
	lines := pos.NewLines(src)
	seen := map[int]bool{}
	for off := 0; off < len(src); off++ {
		if !isNameByte(src[off]) || (off > 0 && isNameByte(src[off-1])) {
			continue
		}
		// off starts a word: try each of its dotted parts.
		for i := off; i < len(src) && isNameByte(src[i]); i++ {
			if i != off && src[i-1] != '.' {
				continue
			}
			o := resolve(f, src, i)
			if !sameRef(o, r) || seen[int(o.span.Start.Offset)] {
				continue
			}
			if r.kind == refStage && o.journey != r.journey {
				continue
			}
			seen[int(o.span.Start.Offset)] = true
			out = append(out, lines.Span(int(o.span.Start.Offset), int(o.span.End.Offset)))
		}
	}
	return out
}

func sameRef(a, b ref) bool {
	return a.kind == b.kind && a.name == b.name && a.event == b.event && slices.Equal(a.path, b.path)
}

func (s *Server) symbols(u protocol.DocumentURI) []protocol.DocumentSymbol {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.document(u)
	if d.file == nil {
		return nil
	}
	sym := func(name string, kind protocol.SymbolKind, whole, sel pos.Span, kids []protocol.DocumentSymbol) protocol.DocumentSymbol {
		if !sel.IsValid() {
			sel = whole
		}
		return protocol.DocumentSymbol{Name: name, Kind: kind, Range: rangeOf(d.src, whole), SelectionRange: rangeOf(d.src, sel), Children: kids}
	}
	var out []protocol.DocumentSymbol
	for _, decl := range d.file.Decls {
		switch decl := decl.(type) {
		case *ast.ContactDecl:
			var kids []protocol.DocumentSymbol
			for _, f := range decl.Fields {
				if f.Name != nil {
					kids = append(kids, sym(f.Name.Name, protocol.SymbolKindField, f.Pos, f.Name.Pos, nil))
				}
			}
			out = append(out, sym("contact", protocol.SymbolKindStruct, decl.Pos, decl.Keyword, kids))
		case *ast.EventDecl:
			if decl.Name != nil {
				out = append(out, sym(decl.Name.Name, protocol.SymbolKindEvent, decl.Pos, decl.Name.Pos, nil))
			}
		case *ast.Journey:
			if decl.Name == nil {
				continue
			}
			var stages []protocol.DocumentSymbol
			for _, st := range decl.Stages() {
				if st.Name == nil {
					continue
				}
				stages = append(stages, sym(st.Name.Name, protocol.SymbolKindClass, st.Pos, st.Name.Pos, stepSymbols(d.src, st.Body, sym)))
			}
			out = append(out, sym(decl.Name.Name, protocol.SymbolKindModule, decl.Pos, decl.Name.Pos, stages))
		case *ast.Test:
			if decl.Name != nil {
				out = append(out, sym("test "+decl.Name.Raw, protocol.SymbolKindMethod, decl.Pos, decl.Name.Pos, nil))
			}
		}
	}
	return out
}

type symFunc func(name string, kind protocol.SymbolKind, whole, sel pos.Span, kids []protocol.DocumentSymbol) protocol.DocumentSymbol

// stepSymbols lists the steps of b: each is named by its first line.
func stepSymbols(src []byte, b *ast.Block, sym symFunc) []protocol.DocumentSymbol {
	if b == nil {
		return nil
	}
	var out []protocol.DocumentSymbol
	for _, st := range b.Steps {
		sp := st.Span()
		if !sp.IsValid() || int(sp.End.Offset) > len(src) {
			continue
		}
		name, _, _ := strings.Cut(string(src[sp.Start.Offset:sp.End.Offset]), "\n")
		name = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), "{"))
		var kids []protocol.DocumentSymbol
		switch st := st.(type) {
		case *ast.If:
			kids = append(stepSymbols(src, st.Then, sym), stepSymbols(src, st.Else, sym)...)
		case *ast.Wait:
			kids = append(stepSymbols(src, st.Body, sym), stepSymbols(src, st.Timeout, sym)...)
		case *ast.Split:
			for _, a := range st.Arms {
				kids = append(kids, stepSymbols(src, a.Body, sym)...)
			}
		}
		out = append(out, sym(name, protocol.SymbolKindFunction, sp, sp, kids))
	}
	return out
}

// format returns the edit that makes the document canonical: nothing when
// it already is or does not parse.
func (s *Server) format(u protocol.DocumentURI) []protocol.TextEdit {
	s.mu.Lock()
	path := filename(u)
	src, ok := s.docs[path]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	out, diags := format.Source(path, src)
	if diags.HasErrors() || out == nil || bytes.Equal(out, src) {
		return []protocol.TextEdit{}
	}
	return []protocol.TextEdit{{Range: protocol.Range{Start: protocol.Position{}, End: positionOf(src, len(src))}, NewText: string(out)}}
}

// codeActions offers, for every diagnostic of the document in the range
// that carries a suggestion, the quick fix that applies it.
func (s *Server) codeActions(p protocol.CodeActionParams) []protocol.CodeAction {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.document(p.TextDocument.URI)
	lo, hi := offsetOf(d.src, p.Range.Start), offsetOf(d.src, p.Range.End)
	out := []protocol.CodeAction{}
	for _, dg := range d.sp.diags {
		if dg.File != d.path || dg.Suggestion == "" || !dg.Range.IsValid() {
			continue
		}
		if int(dg.Range.End.Offset) < lo || int(dg.Range.Start.Offset) > hi {
			continue
		}
		pd := toDiagnostic(d.src, dg)
		out = append(out, protocol.CodeAction{
			Title:       fmt.Sprintf("Change to %s", dg.Suggestion),
			Kind:        protocol.QuickFix,
			Diagnostics: []protocol.Diagnostic{pd},
			IsPreferred: true,
			Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{
				fileURI(d.path): {{Range: pd.Range, NewText: dg.Suggestion}},
			}},
		})
	}
	return out
}
