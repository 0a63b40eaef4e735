package lsp

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/lang/pos"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// The tests talk to a server over its real protocol: JSON-RPC framed by
// Content-Length headers, through a pair of pipes.

const testSchema = `// Schéma: the contact and the events.
contact {
  email:      string
  score:      int
  lifecycle:  enum(lead, sql, customer)
  company: {
    size:     int
    industry: string
  }
}

event form_submitted { form: string, page: string }
event meeting_booked { rep: string }
event demo_requested { rep: string, product: string }

team sales "sales@acme.example"
`

const testJourney = `journey nurture "Nurture — ünïcode 🎉"

entry on form_submitted when event.form == "pricing"
exit  when has_tag("🎉") && scroe > 1

stage Awareness {
  send "welcome"
  after 1d goto Decision
}

stage Decision on meeting_booked, demo_requested when company.size > 10 {
  if days_since(now) > 1 {
    goto Awareness
  }
}
`

type client struct {
	t     testing.TB
	conn  jsonrpc2.Conn
	diags chan protocol.PublishDiagnosticsParams
	dir   string
}

// start writes files into a fresh workspace folder and starts a server
// and a client joined by pipes, initialized.
func start(t testing.TB, files map[string]string) *client {
	return startWith(t, files, Options{Delay: 20 * time.Millisecond})
}

// startWith is start with options.
func startWith(t testing.TB, files map[string]string, opts Options) *client {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, pipe{sr, sw}, opts) }()
	c := &client{t: t, diags: make(chan protocol.PublishDiagnosticsParams, 100), dir: dir}
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(pipe{cr, cw}))
	c.conn.Go(ctx, func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		if req.Method() == protocol.MethodTextDocumentPublishDiagnostics {
			var p protocol.PublishDiagnosticsParams
			if err := json.Unmarshal(req.Params(), &p); err != nil {
				t.Errorf("publishDiagnostics: %v", err)
			}
			c.diags <- p
		}
		return reply(ctx, nil, nil)
	})
	t.Cleanup(func() {
		c.conn.Notify(context.Background(), protocol.MethodExit, nil)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("the server did not stop after exit")
		}
		cancel()
		c.conn.Close()
	})
	var res protocol.InitializeResult
	c.call(protocol.MethodInitialize, protocol.InitializeParams{WorkspaceFolders: []protocol.WorkspaceFolder{{URI: string(fileURI(dir)), Name: "ws"}}}, &res)
	if res.Capabilities.HoverProvider != true {
		t.Fatalf("initialize: no hover in %+v", res.Capabilities)
	}
	c.notify(protocol.MethodInitialized, protocol.InitializedParams{})
	return c
}

type pipe struct {
	io.Reader
	io.WriteCloser
}

func (c *client) call(method string, params, result any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.conn.Call(ctx, method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) uri(name string) protocol.DocumentURI { return fileURI(filepath.Join(c.dir, name)) }

func (c *client) open(name string) {
	c.t.Helper()
	text, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	c.notify(protocol.MethodTextDocumentDidOpen, protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: c.uri(name), LanguageID: "journey", Version: 1, Text: string(text),
	}})
}

// waitDiags returns the next diagnostics published for file name.
func (c *client) waitDiags(name string) []protocol.Diagnostic {
	c.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case p := <-c.diags:
			if p.URI == c.uri(name) {
				return p.Diagnostics
			}
		case <-timeout:
			c.t.Fatalf("no diagnostics for %s", name)
		}
	}
}

// at returns the protocol position of the first occurrence of needle in
// text, plus extra bytes.
func at(t *testing.T, text, needle string, extra int) protocol.Position {
	t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		t.Fatalf("%q not in the text", needle)
	}
	return positionOf([]byte(text), i+extra)
}

func utf16Len(s string) uint32 { return uint32(len(utf16.Encode([]rune(s)))) }

func TestDiagnosticsAndQuickFix(t *testing.T) {
	c := start(t, map[string]string{"schema.journey": testSchema, "nurture.journey": testJourney, "templates/welcome.md": "subject: Welcome\n\nHi"})
	c.open("nurture.journey")
	diags := c.waitDiags("nurture.journey")
	if len(diags) != 1 {
		t.Fatalf("diagnostics = %+v, want one", diags)
	}
	d := diags[0]
	prefix := `exit  when has_tag("🎉") && `
	want := protocol.Range{
		Start: protocol.Position{Line: 3, Character: utf16Len(prefix)},
		End:   protocol.Position{Line: 3, Character: utf16Len(prefix + "scroe")},
	}
	if d.Range != want || d.Code != "UndefinedName" || !strings.Contains(d.Message, `"scroe"`) || !strings.Contains(d.Message, "score") {
		t.Fatalf("diagnostic = %+v, want UndefinedField scroe at %+v", d, want)
	}

	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("nurture.journey")},
		Range:        d.Range,
		Context:      protocol.CodeActionContext{Diagnostics: diags},
	}, &actions)
	if len(actions) != 1 || actions[0].Edit == nil {
		t.Fatalf("code actions = %+v, want one edit", actions)
	}
	edits := actions[0].Edit.Changes[c.uri("nurture.journey")]
	if len(edits) != 1 || edits[0].NewText != "score" || edits[0].Range != want {
		t.Fatalf("edits = %+v", edits)
	}

	// Apply the fix as an editor would; the diagnostic goes.
	c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
		"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: c.uri("nurture.journey")}, Version: 2},
		"contentChanges": []any{map[string]any{"range": edits[0].Range, "text": edits[0].NewText}},
	})
	if diags := c.waitDiags("nurture.journey"); len(diags) != 0 {
		t.Fatalf("after the fix: %+v", diags)
	}
}

// TestDebounce types five changes in a row: one check follows, of the
// last text.
func TestDebounce(t *testing.T) {
	const delay = 300 * time.Millisecond
	fixed := strings.Replace(testJourney, "scroe", "score", 1)
	c := startWith(t, map[string]string{"schema.journey": testSchema, "nurture.journey": fixed, "templates/welcome.md": "subject: Hi\n"}, Options{Delay: delay})
	c.open("nurture.journey")
	if diags := c.waitDiags("nurture.journey"); len(diags) != 0 {
		t.Fatalf("clean journey: %+v", diags)
	}
	doc := protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: c.uri("nurture.journey")}}
	for i, word := range []string{"s", "sc", "scr", "scro", "scroe"} {
		doc.Version = int32(i + 2)
		c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
			"textDocument":   doc,
			"contentChanges": []any{map[string]any{"text": strings.Replace(testJourney, "scroe", word, 1)}},
		})
	}
	diags := c.waitDiags("nurture.journey")
	if len(diags) != 1 || !strings.Contains(diags[0].Message, `"scroe"`) {
		t.Fatalf("after the changes: %+v", diags)
	}
	timeout := time.After(2 * delay)
	for {
		select {
		case p := <-c.diags:
			if p.URI == doc.URI {
				t.Fatalf("a second publication after one pause: %+v", p)
			}
		case <-timeout:
			return
		}
	}
}

func TestSchemaChangeRechecksJourneys(t *testing.T) {
	fixed := strings.Replace(testJourney, "scroe", "score", 1)
	c := start(t, map[string]string{"schema.journey": testSchema, "nurture.journey": fixed, "templates/welcome.md": "subject: Welcome\n\nHi"})
	c.open("nurture.journey")
	if diags := c.waitDiags("nurture.journey"); len(diags) != 0 {
		t.Fatalf("clean journey: %+v", diags)
	}
	c.open("schema.journey")
	c.waitDiags("nurture.journey")
	// Rename score to points in the schema, sending the whole text.
	c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
		"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: c.uri("schema.journey")}, Version: 2},
		"contentChanges": []any{map[string]any{"text": strings.Replace(testSchema, "score:", "points:", 1)}},
	})
	diags := c.waitDiags("nurture.journey")
	if len(diags) != 1 || !strings.Contains(diags[0].Message, `"score"`) || diags[0].Range.Start.Line != 3 {
		t.Fatalf("after the schema change: %+v", diags)
	}
}

func TestBrokenBlockLeavesTheRest(t *testing.T) {
	broken := `journey j

stage A {
  send "welcome
  goto
}

stage B when scroe > 1 {
  next
}
`
	c := start(t, map[string]string{"schema.journey": testSchema, "j.journey": broken})
	c.open("j.journey")
	diags := c.waitDiags("j.journey")
	found := false
	for _, d := range diags {
		if d.Code == "UndefinedName" && d.Range.Start.Line == 7 {
			found = true
		}
	}
	if !found {
		t.Errorf("the misspelt field after a broken block is not reported: %+v", diags)
	}
	var syms []protocol.DocumentSymbol
	c.call(protocol.MethodTextDocumentDocumentSymbol, protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("j.journey")}}, &syms)
	names := symbolNames(syms)
	if !strings.Contains(names, "B") {
		t.Errorf("symbols = %s, want stage B", names)
	}
}

// TestOtherDocuments asks about a document that is no file, and about a
// method the server does not know: errors or empty answers, and the
// connection goes on.
func TestOtherDocuments(t *testing.T) {
	c := start(t, map[string]string{"schema.journey": testSchema})
	untitled := protocol.TextDocumentIdentifier{URI: "untitled:Untitled-1"}
	c.notify(protocol.MethodTextDocumentDidOpen, protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: untitled.URI, LanguageID: "journey", Text: "journey j"}})
	var h *protocol.Hover
	c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: untitled}}, &h)
	if h != nil {
		t.Errorf("hover on an untitled document: %+v", h)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.conn.Call(ctx, "journey/unknown", nil, nil); err == nil || !strings.Contains(err.Error(), "method not found") {
		t.Errorf("an unknown method: %v", err)
	}
	var syms []protocol.DocumentSymbol
	c.call(protocol.MethodTextDocumentDocumentSymbol, protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("schema.journey")}}, &syms)
	if got := symbolNames(syms); got != "contact(email score lifecycle company) form_submitted meeting_booked demo_requested" {
		t.Errorf("symbols after the errors: %s", got)
	}
}

func TestTestFiles(t *testing.T) {
	const test = `test "a lead gets the welcome" {
  journey nurture
  contact { email: "ada@example.com" }
  at 0 event form_submitted { form: "pricing", page: "/" }
  at 1h set score = 60
  expect sent "welcome"
  expect score > 50
}
`
	c := start(t, map[string]string{"schema.journey": testSchema, "nurture.journey": testJourney, "nurture_test.journey": test, "templates/welcome.md": "subject: Welcome aboard\n"})
	doc := protocol.TextDocumentIdentifier{URI: c.uri("nurture_test.journey")}
	for _, tc := range []struct {
		needle, file string
		line         uint32
	}{
		{"form_submitted {", "schema.journey", 11},
		{"score = 60", "schema.journey", 3},
		{"score > 50", "schema.journey", 3},
		{"\"welcome\"\n", "templates/welcome.md", 0},
	} {
		var locs []protocol.Location
		c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: doc, Position: at(t, test, tc.needle, 1)}}, &locs)
		if len(locs) != 1 || locs[0].URI != c.uri(tc.file) || locs[0].Range.Start.Line != tc.line {
			t.Errorf("definition of %q = %+v, want %s line %d", tc.needle, locs, tc.file, tc.line)
		}
	}
	// The references of an event reach the tests.
	var locs []protocol.Location
	c.call(protocol.MethodTextDocumentReferences, protocol.ReferenceParams{
		TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: doc, Position: at(t, test, "form_submitted {", 1)},
		Context:                    protocol.ReferenceContext{IncludeDeclaration: true},
	}, &locs)
	var files []string
	for _, l := range locs {
		files = append(files, filepath.Base(filename(l.URI)))
	}
	if got := strings.Join(files, " "); got != "nurture.journey nurture_test.journey schema.journey" {
		t.Errorf("references of form_submitted in %s", got)
	}
}

func TestTemplateAddedOnDisk(t *testing.T) {
	fixed := strings.Replace(testJourney, "scroe", "score", 1)
	c := start(t, map[string]string{"schema.journey": testSchema, "nurture.journey": fixed})
	c.open("nurture.journey")
	diags := c.waitDiags("nurture.journey")
	if len(diags) != 1 || diags[0].Code != "UnknownTemplate" {
		t.Fatalf("without the template: %+v", diags)
	}
	path := filepath.Join(c.dir, "templates", "welcome.md")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("subject: Welcome\n\nHi"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{{URI: fileURI(path), Type: protocol.FileChangeTypeCreated}}})
	if diags := c.waitDiags("nurture.journey"); len(diags) != 0 {
		t.Fatalf("with the template: %+v", diags)
	}
}

func symbolNames(syms []protocol.DocumentSymbol) string {
	var parts []string
	for _, s := range syms {
		p := s.Name
		if len(s.Children) > 0 {
			p += "(" + symbolNames(s.Children) + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func TestRequests(t *testing.T) {
	c := start(t, map[string]string{"schema.journey": testSchema, "nurture.journey": testJourney, "templates/welcome.md": "subject: Welcome aboard\n\nHi"})
	c.open("nurture.journey")
	c.waitDiags("nurture.journey")
	doc := protocol.TextDocumentIdentifier{URI: c.uri("nurture.journey")}
	tdp := func(needle string, extra int) protocol.TextDocumentPositionParams {
		return protocol.TextDocumentPositionParams{TextDocument: doc, Position: at(t, testJourney, needle, extra)}
	}

	t.Run("hover", func(t *testing.T) {
		for _, tc := range []struct{ needle, want string }{
			{"company.size", "company: { size: int, industry: string }"},
			{"size > 10", "company.size: int"},
			{"form ==", "event.form: string"},
			{"days_since", "days_since(timestamp) -> int"},
			{"meeting_booked, demo", "event meeting_booked { rep: string }"},
			{"demo_requested when", "event demo_requested { rep: string, product: string }"},
			{"Decision on", "trigger: on `meeting_booked`, `demo_requested` when `company.size > 10`"},
			{"welcome", "Welcome aboard"},
		} {
			var h protocol.Hover
			c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: tdp(tc.needle, 1)}, &h)
			if !strings.Contains(h.Contents.Value, tc.want) {
				t.Errorf("hover on %q = %q, want %q in it", tc.needle, h.Contents.Value, tc.want)
			}
		}
	})

	t.Run("completion", func(t *testing.T) {
		// Completion on a line being typed: insert text, then ask at its end.
		for _, tc := range []struct {
			after, insert string
			want, not     []string
		}{
			{"  after 1d goto Decision\n", "  goto ", []string{"Awareness", "Decision"}, []string{"score"}},
			{"  after 1d goto Decision\n", "  send \"", []string{"welcome"}, nil},
			{"  after 1d goto Decision\n", "  wait for ", []string{"form_submitted", "meeting_booked"}, nil},
			{"  after 1d goto Decision\n", "  wait for meeting_booked, d", []string{"demo_requested", "form_submitted"}, nil},
			{"  after 1d goto Decision\n", "  wait for meeting_booked, demo_requested within 1d {\n    if event.", []string{"rep"}, []string{"product", "form"}},
			{"  after 1d goto Decision\n", "  after 2bd at 09:30 wait for meeting_booked within 2bd {\n    if event.", []string{"rep"}, []string{"product", "form"}},
			{"  after 1d goto Decision\n", "  wait for meeting_booked within 2d {\n    if count(\"form_submitted\", 7d, event.", []string{"form"}, []string{"rep"}},
			{"  after 1d goto Decision\n", "  wait for meeting_booked within 2d {\n    if count(\"form_submitted\", 7d, event.form == \"x\") > 1 && event.", []string{"rep"}, []string{"form"}},
			{"  after 1d goto Decision\n", "  notify ", []string{"owner", "sales"}, []string{"score"}},
			{"}\n\nstage Decision", "\nrule points on meeting_booked when event.", []string{"rep"}, []string{"form"}},
			{"}\n\nstage Decision", "\nrule decay when event.", nil, []string{"rep", "form"}},
			{"  after 1d goto Decision\n", "  task \"Call\" for s", []string{"owner", "sales"}, nil},
			{"  if days_since(now) > 1 {\n", "    if event.", []string{"rep"}, []string{"form"}},
			{"  if days_since(now) > 1 {\n", "    if company.", []string{"size", "industry"}, []string{"score"}},
			{"  if days_since(now) > 1 {\n", "    if ", []string{"score", "company", "opened", "send"}, nil},
		} {
			i := strings.Index(testJourney, tc.after) + len(tc.after)
			text := testJourney[:i] + tc.insert + "\n" + testJourney[i:]
			c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
				"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc, Version: int32(10 + i)},
				"contentChanges": []any{map[string]any{"text": text}},
			})
			var list protocol.CompletionList
			c.call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: doc, Position: positionOf([]byte(text), i+len(tc.insert)),
			}}, &list)
			labels := map[string]bool{}
			for _, it := range list.Items {
				labels[it.Label] = true
			}
			for _, w := range tc.want {
				if !labels[w] {
					t.Errorf("completion after %q: no %q in %v", tc.insert, w, labels)
				}
			}
			for _, w := range tc.not {
				if labels[w] {
					t.Errorf("completion after %q: %q should not be offered", tc.insert, w)
				}
			}
		}
		c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
			"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc, Version: 100},
			"contentChanges": []any{map[string]any{"text": testJourney}},
		})
	})

	t.Run("definition", func(t *testing.T) {
		for _, tc := range []struct {
			needle string
			file   string
			line   uint32
		}{
			{"company.size", "schema.journey", 5},
			{"size > 10", "schema.journey", 6},
			{"meeting_booked, demo", "schema.journey", 12},
			{"demo_requested when", "schema.journey", 13},
			{"form ==", "schema.journey", 11},
			{"Decision\n", "nurture.journey", 10},
			{"welcome", "templates/welcome.md", 0},
		} {
			var locs []protocol.Location
			c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: tdp(tc.needle, 1)}, &locs)
			if len(locs) != 1 || locs[0].URI != c.uri(tc.file) || locs[0].Range.Start.Line != tc.line {
				t.Errorf("definition of %q = %+v, want %s line %d", tc.needle, locs, tc.file, tc.line)
			}
		}
	})

	t.Run("references", func(t *testing.T) {
		var locs []protocol.Location
		c.call(protocol.MethodTextDocumentReferences, protocol.ReferenceParams{
			TextDocumentPositionParams: tdp("Awareness {", 1),
			Context:                    protocol.ReferenceContext{IncludeDeclaration: true},
		}, &locs)
		var lines []uint32
		for _, l := range locs {
			lines = append(lines, l.Range.Start.Line)
		}
		if len(locs) != 2 || lines[0] != 5 || lines[1] != 12 {
			t.Errorf("references of Awareness on lines %v, want [5 12]", lines)
		}
		c.call(protocol.MethodTextDocumentReferences, protocol.ReferenceParams{
			TextDocumentPositionParams: tdp("company.size", 1),
			Context:                    protocol.ReferenceContext{IncludeDeclaration: true},
		}, &locs)
		if len(locs) != 2 {
			t.Errorf("references of company = %+v, want the schema's and the condition's", locs)
		}
	})

	t.Run("symbols", func(t *testing.T) {
		var syms []protocol.DocumentSymbol
		c.call(protocol.MethodTextDocumentDocumentSymbol, protocol.DocumentSymbolParams{TextDocument: doc}, &syms)
		want := `nurture(Awareness(send "welcome" after 1d goto Decision) Decision(if days_since(now) > 1(goto Awareness)))`
		if got := symbolNames(syms); got != want {
			t.Errorf("symbols = %s, want %s", got, want)
		}
	})

	t.Run("formatting", func(t *testing.T) {
		messy := strings.Replace(testJourney, "  send \"welcome\"", "send    \"welcome\"", 1)
		c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
			"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc, Version: 200},
			"contentChanges": []any{map[string]any{"text": messy}},
		})
		var edits []protocol.TextEdit
		c.call(protocol.MethodTextDocumentFormatting, protocol.DocumentFormattingParams{TextDocument: doc}, &edits)
		if len(edits) != 1 || edits[0].NewText != testJourney {
			t.Errorf("formatting edits = %+v", edits)
		}
	})
}

func TestPositions(t *testing.T) {
	src := []byte("a\n🎉é x\n")
	for _, tc := range []struct {
		off int
		p   protocol.Position
	}{
		{0, protocol.Position{Line: 0, Character: 0}},
		{2, protocol.Position{Line: 1, Character: 0}},
		{6, protocol.Position{Line: 1, Character: 2}}, // after the emoji: two UTF-16 units
		{8, protocol.Position{Line: 1, Character: 3}}, // after é
		{10, protocol.Position{Line: 1, Character: 5}},
		{11, protocol.Position{Line: 2, Character: 0}},
	} {
		if got := positionOf(src, tc.off); got != tc.p {
			t.Errorf("positionOf(%d) = %+v, want %+v", tc.off, got, tc.p)
		}
		if got := offsetOf(src, tc.p); got != tc.off {
			t.Errorf("offsetOf(%+v) = %d, want %d", tc.p, got, tc.off)
		}
	}
	// positionAt reads the line from a position: the same answers.
	lines := pos.NewLines(src)
	for off := 0; off <= len(src); off++ {
		if got, want := positionAt(src, lines.Pos(off)), positionOf(src, off); got != want {
			t.Errorf("positionAt(%d) = %+v, want %+v", off, got, want)
		}
	}
	// Inside the surrogate pair, past the line's end, past the file's end.
	if got := offsetOf(src, protocol.Position{Line: 1, Character: 1}); got != 2 {
		t.Errorf("inside a surrogate pair: %d, want 2", got)
	}
	if got := offsetOf(src, protocol.Position{Line: 0, Character: 9}); got != 1 {
		t.Errorf("past the line: %d, want 1", got)
	}
	if got := offsetOf(src, protocol.Position{Line: 9}); got != len(src) {
		t.Errorf("past the file: %d, want %d", got, len(src))
	}
}

// TestFilterEventRef: inside a filtered count's condition, `event.x` is a
// field of the event counted; after the call, of the event in scope.
func TestFilterEventRef(t *testing.T) {
	src := []byte(`count("page_viewed", 7d, event.path == "/p") > 1 && event.form == "x"`)
	e := &ast.Expr{Text: string(src), Pos: pos.NewLines(src).Span(0, len(src))}
	everywhere := func(pos.Span) bool { return true }
	for _, tc := range []struct {
		needle, event, name string
	}{
		{"path", "page_viewed", "path"},
		{"form", "form_submitted", "form"},
	} {
		r := exprRef(e, "form_submitted", src, strings.Index(string(src), tc.needle), everywhere)
		if r.kind != refEventField || r.event != tc.event || r.name != tc.name {
			t.Errorf("at %q: %+v, want the field %s of %s", tc.needle, r, tc.name, tc.event)
		}
	}
}

// TestRuleRefs: in a rule, the events it is on and the fields its
// condition and steps read resolve as in a stage.
func TestRuleRefs(t *testing.T) {
	src := []byte("rule points on page_viewed when event.path == \"/p\" {\n  set score = score + 1\n}\n")
	f, _ := parser.ParseFile("r.journey", src)
	for _, tc := range []struct {
		needle string
		want   ref
	}{
		{"page_viewed", ref{kind: refEvent, name: "page_viewed"}},
		{"path", ref{kind: refEventField, event: "page_viewed", name: "path"}},
		{"score + 1", ref{kind: refField, path: []string{"score"}}},
	} {
		got := resolve(f, src, strings.Index(string(src), tc.needle))
		if got.kind != tc.want.kind || got.name != tc.want.name || got.event != tc.want.event || strings.Join(got.path, ".") != strings.Join(tc.want.path, ".") {
			t.Errorf("at %q: %+v, want %+v", tc.needle, got, tc.want)
		}
	}
}
