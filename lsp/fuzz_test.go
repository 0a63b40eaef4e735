package lsp

import (
	"path/filepath"
	"testing"

	"go.lsp.dev/protocol"
)

// FuzzRequests asks every request of the server at every kind of position
// of any text: none may panic.
func FuzzRequests(f *testing.F) {
	f.Add(testJourney, uint32(3), uint32(30))
	f.Add("journey j\nstage A {\n  send \"w\n  goto\n}\nstage B when event. > 1 { next }\n", uint32(5), uint32(20))
	f.Add(testSchema, uint32(6), uint32(5))
	f.Add("stage 🎉 { if a.b.c( {", uint32(0), uint32(12))
	f.Add("holidays \"2026-12-25\"\nrule r on form_submitted when count(\"form_submitted\", 7d, event.form == \"x\") > 1 every 1d {\n  set score = score + 1\n}\njourney j\nstage A {\n  after 2bd at 10:00 send \"welcome\"\n}\n", uint32(1), uint32(60))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string, line, char uint32) {
		s := &Server{docs: map[string][]byte{}, spaces: map[string]*space{}}
		path := filepath.Join(dir, "a.journey")
		s.docs[filepath.Join(dir, "schema.journey")] = []byte(testSchema)
		s.docs[path] = []byte(text)
		u := fileURI(path)
		doc := protocol.TextDocumentIdentifier{URI: u}
		p := protocol.Position{Line: line % 64, Character: char % 256}
		tdp := protocol.TextDocumentPositionParams{TextDocument: doc, Position: p}
		s.hover(protocol.HoverParams{TextDocumentPositionParams: tdp})
		s.completion(protocol.CompletionParams{TextDocumentPositionParams: tdp})
		s.definition(u, p)
		s.references(protocol.ReferenceParams{TextDocumentPositionParams: tdp, Context: protocol.ReferenceContext{IncludeDeclaration: true}})
		s.symbols(u)
		s.format(u)
		s.codeActions(protocol.CodeActionParams{TextDocument: doc, Range: protocol.Range{Start: protocol.Position{}, End: p}})
	})
}
