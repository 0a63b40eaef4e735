package lsp

import (
	"strings"
	"testing"

	"github.com/journeylang/journey/lang/synth"
	"go.lsp.dev/protocol"
)

// BenchmarkChangeLatency measures the time from a change of one journey,
// sent by a client over the protocol, to that file's diagnostics arriving,
// in a workspace of 50 journeys and their tests (lang/synth). The debounce
// pause is off, so the figure is the server's own work: applying the
// edit, parsing and checking the workspace, and publishing the
// diagnostics of its 101 files. docs/performance.md records it.
func BenchmarkChangeLatency(b *testing.B) {
	files := map[string]string{}
	for _, f := range synth.Workspace(50) {
		files[f.Name] = string(f.Src)
	}
	c := startWith(b, files, Options{Delay: -1})
	const name = "journey_025.journey"
	c.open(name)
	c.waitDiags(name)
	doc := protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: c.uri(name)}}
	// Each change appends a comment line to the end: the file is new to
	// the server each time, and checks the same.
	end := positionOf([]byte(files[name]), len(files[name]))
	b.ResetTimer()
	for i := range b.N {
		doc.Version = int32(i + 2)
		c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
			"textDocument":   doc,
			"contentChanges": []any{map[string]any{"range": protocol.Range{Start: end, End: end}, "text": "// " + strings.Repeat("x", i%7) + "\n"}},
		})
		c.waitDiags(name)
		end.Line++
	}
}
