package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/parser"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// DefaultDelay is how long the server waits after the last change of a
// document before it re-checks its workspace.
const DefaultDelay = 150 * time.Millisecond

// Options configure a server.
type Options struct {
	Delay time.Duration // the debounce pause after a change; 0 means DefaultDelay, negative none
}

// Server is one editor's connection: its open documents and the last check
// of each workspace they belong to.
type Server struct {
	conn  jsonrpc2.Conn
	delay time.Duration

	mu     sync.Mutex
	docs   map[string][]byte      // the text of each open document, by file path
	spaces map[string]*space      // by folder
	timers map[string]*time.Timer // the pending re-check of each folder
	parsed sync.Map               // file path → *parsedFile: the last parse of each file

	pubMu  sync.Mutex  // orders the publication of diagnostics
	exited atomic.Bool // the client said exit
}

// space is the last check of one workspace.
type space struct {
	dir       string
	ws        *compiler.Workspace
	res       *compiler.Result // nil before the first check
	diags     diag.List
	stale     bool            // a document changed since the check
	published map[string]bool // the files diagnostics were last published for
}

// Serve answers the requests read from rw until the stream ends, the
// context is done, or the client says exit.
func Serve(ctx context.Context, rw io.ReadWriteCloser, opts Options) error {
	s := &Server{delay: opts.Delay, docs: map[string][]byte{}, spaces: map[string]*space{}, timers: map[string]*time.Timer{}}
	if s.delay == 0 {
		s.delay = DefaultDelay
	}
	s.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(rw))
	s.conn.Go(ctx, s.handle)
	select {
	case <-s.conn.Done():
	case <-ctx.Done():
		s.conn.Close()
	}
	s.mu.Lock()
	for _, t := range s.timers {
		t.Stop()
	}
	s.mu.Unlock()
	if err := s.conn.Err(); err != nil && !s.exited.Load() && ctx.Err() == nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// handle dispatches one message. A panic in a handler is answered as an
// internal error, never taken down with the server.
func (s *Server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) (err error) {
	replied := false
	wrapped := func(ctx context.Context, result any, err error) error {
		replied = true
		return reply(ctx, result, err)
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "journey lsp: %s: %v\n%s", req.Method(), r, debug.Stack())
			if _, isCall := req.(*jsonrpc2.Call); isCall && !replied {
				err = reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "%s failed: %v", req.Method(), r))
			}
		}
	}()
	return s.dispatch(ctx, wrapped, req)
}

func (s *Server) dispatch(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	switch req.Method() {
	case protocol.MethodInitialize:
		return reply(ctx, initializeResult(), nil)
	case protocol.MethodInitialized, protocol.MethodWorkDoneProgressCancel, "$/setTrace", "$/cancelRequest":
		return nil
	case protocol.MethodShutdown:
		return reply(ctx, nil, nil)
	case protocol.MethodExit:
		s.exited.Store(true)
		return s.conn.Close()
	case protocol.MethodTextDocumentDidOpen:
		var p protocol.DidOpenTextDocumentParams
		if err := decode(req, &p); err != nil {
			return nil
		}
		s.open(ctx, filename(p.TextDocument.URI), []byte(p.TextDocument.Text))
		return nil
	case protocol.MethodTextDocumentDidChange:
		var p didChangeParams
		if err := decode(req, &p); err != nil {
			return nil
		}
		s.change(ctx, filename(p.TextDocument.URI), p.ContentChanges)
		return nil
	case protocol.MethodTextDocumentDidSave:
		return nil
	case protocol.MethodTextDocumentDidClose:
		var p protocol.DidCloseTextDocumentParams
		if err := decode(req, &p); err != nil {
			return nil
		}
		s.closeDoc(ctx, filename(p.TextDocument.URI))
		return nil
	case protocol.MethodWorkspaceDidChangeWatchedFiles:
		var p protocol.DidChangeWatchedFilesParams
		if err := decode(req, &p); err == nil {
			for _, c := range p.Changes {
				dir := filepath.Dir(filename(c.URI))
				if filepath.Base(dir) == "templates" {
					dir = filepath.Dir(dir) // a template: its workspace is the folder above
				}
				s.mu.Lock()
				s.markStale(dir)
				s.mu.Unlock()
				s.schedule(ctx, dir, "")
			}
		}
		return nil
	case protocol.MethodTextDocumentHover:
		var p protocol.HoverParams
		if err := decode(req, &p); err != nil {
			return reply(ctx, nil, err)
		}
		return reply(ctx, s.hover(p), nil)
	case protocol.MethodTextDocumentCompletion:
		var p protocol.CompletionParams
		if err := decode(req, &p); err != nil {
			return reply(ctx, nil, err)
		}
		return reply(ctx, s.completion(p), nil)
	case protocol.MethodTextDocumentDefinition:
		var p protocol.DefinitionParams
		if err := decode(req, &p); err != nil {
			return reply(ctx, nil, err)
		}
		return reply(ctx, s.definition(p.TextDocument.URI, p.Position), nil)
	case protocol.MethodTextDocumentReferences:
		var p protocol.ReferenceParams
		if err := decode(req, &p); err != nil {
			return reply(ctx, nil, err)
		}
		return reply(ctx, s.references(p), nil)
	case protocol.MethodTextDocumentDocumentSymbol:
		var p protocol.DocumentSymbolParams
		if err := decode(req, &p); err != nil {
			return reply(ctx, nil, err)
		}
		return reply(ctx, s.symbols(p.TextDocument.URI), nil)
	case protocol.MethodTextDocumentFormatting:
		var p protocol.DocumentFormattingParams
		if err := decode(req, &p); err != nil {
			return reply(ctx, nil, err)
		}
		return reply(ctx, s.format(p.TextDocument.URI), nil)
	case protocol.MethodTextDocumentCodeAction:
		var p protocol.CodeActionParams
		if err := decode(req, &p); err != nil {
			return reply(ctx, nil, err)
		}
		return reply(ctx, s.codeActions(p), nil)
	}
	if _, isCall := req.(*jsonrpc2.Call); isCall {
		return reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", req.Method()))
	}
	return nil
}

func decode(req jsonrpc2.Request, v any) error {
	if err := json.Unmarshal(req.Params(), v); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %v", req.Method(), err)
	}
	return nil
}

func initializeResult() *protocol.InitializeResult {
	return &protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync: &protocol.TextDocumentSyncOptions{
				OpenClose: true,
				Change:    protocol.TextDocumentSyncKindIncremental,
			},
			HoverProvider:              true,
			CompletionProvider:         &protocol.CompletionOptions{TriggerCharacters: []string{".", " ", "\""}},
			DefinitionProvider:         true,
			ReferencesProvider:         true,
			DocumentSymbolProvider:     true,
			DocumentFormattingProvider: true,
			CodeActionProvider: &protocol.CodeActionOptions{
				CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix},
			},
		},
		ServerInfo: &protocol.ServerInfo{Name: "journey"},
	}
}

// filename is the file path of a document URI, or "" for a URI that is
// no file's (an unsaved buffer's, say): the server has nothing to say
// about those.
func filename(u protocol.DocumentURI) (path string) {
	if !strings.HasPrefix(string(u), "file://") {
		return ""
	}
	defer func() {
		if recover() != nil { // uri.Filename panics on a malformed URI
			path = ""
		}
	}()
	return filepath.Clean(uri.URI(u).Filename())
}

func fileURI(path string) protocol.DocumentURI { return protocol.DocumentURI(uri.File(path)) }

// open records a document's text and checks its workspace at once.
func (s *Server) open(ctx context.Context, path string, text []byte) {
	if path == "" {
		return
	}
	s.mu.Lock()
	s.docs[path] = text
	s.markStale(filepath.Dir(path))
	s.mu.Unlock()
	s.recheck(ctx, filepath.Dir(path), path)
}

// change applies edits to a document and schedules its workspace's check.
func (s *Server) change(ctx context.Context, path string, changes []contentChange) {
	if path == "" {
		return
	}
	s.mu.Lock()
	text := s.docs[path]
	for _, c := range changes {
		if c.Range == nil {
			text = []byte(c.Text)
			continue
		}
		start, end := offsetOf(text, c.Range.Start), offsetOf(text, c.Range.End)
		if end < start {
			start, end = end, start
		}
		next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		next = append(append(append(next, text[:start]...), c.Text...), text[end:]...)
		text = next
	}
	s.docs[path] = text
	s.markStale(filepath.Dir(path))
	s.mu.Unlock()
	s.schedule(ctx, filepath.Dir(path), path)
}

// didChangeParams is protocol.DidChangeTextDocumentParams with the range
// of a change optional, as the protocol has it: a change without one
// replaces the whole text.
type didChangeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []contentChange                          `json:"contentChanges"`
}

type contentChange struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

func (s *Server) closeDoc(ctx context.Context, path string) {
	if path == "" {
		return
	}
	s.mu.Lock()
	delete(s.docs, path)
	s.markStale(filepath.Dir(path))
	s.mu.Unlock()
	s.schedule(ctx, filepath.Dir(path), path)
}

func (s *Server) markStale(dir string) {
	if sp := s.spaces[dir]; sp != nil {
		sp.stale = true
	}
}

// schedule re-checks dir's workspace after the debounce pause; a change
// within the pause starts it again.
func (s *Server) schedule(ctx context.Context, dir, first string) {
	if s.delay < 0 {
		s.recheck(ctx, dir, first)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.timers[dir]; t != nil {
		t.Stop()
	}
	s.timers[dir] = time.AfterFunc(s.delay, func() { s.recheck(ctx, dir, first) })
}

// recheck checks dir's workspace and publishes its diagnostics.
// The diagnostics of file first, the one that changed, go out first.
func (s *Server) recheck(ctx context.Context, dir, first string) {
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	s.mu.Lock()
	sp := s.check(dir)
	params := s.publications(sp)
	for i, p := range params {
		if p.URI == fileURI(first) {
			copy(params[1:i+1], params[:i])
			params[0] = p
			break
		}
	}
	s.mu.Unlock()
	for _, p := range params {
		_ = s.conn.Notify(ctx, protocol.MethodTextDocumentPublishDiagnostics, p)
	}
}

// current returns the check of dir's workspace, checking it again if a
// document changed since. s.mu is held.
func (s *Server) current(dir string) *space {
	if sp := s.spaces[dir]; sp != nil && !sp.stale && sp.res != nil {
		return sp
	}
	return s.check(dir)
}

// check loads and checks dir's workspace: the folder's .journey files, the
// open documents' text in place of theirs. s.mu is held.
func (s *Server) check(dir string) *space {
	sources := map[string][]byte{}
	names, _ := filepath.Glob(filepath.Join(dir, "*.journey"))
	for _, name := range names {
		if src, err := os.ReadFile(name); err == nil {
			sources[name] = src
		}
	}
	for path, text := range s.docs {
		if filepath.Dir(path) == dir && strings.HasSuffix(path, ".journey") {
			sources[path] = text
		}
	}
	ws := compiler.NewWorkspaceWith(sources, readTemplates(filepath.Join(dir, "templates")), s.parse)
	ws.Dir = dir
	res, diags := compiler.Check(ws)
	sp := s.spaces[dir]
	if sp == nil {
		sp = &space{dir: dir, published: map[string]bool{}}
		s.spaces[dir] = sp
	}
	sp.ws, sp.res, sp.diags, sp.stale = ws, res, diags, false
	return sp
}

// parsedFile is the tree and diagnostics of one text of a file.
type parsedFile struct {
	src   []byte
	file  *ast.File
	diags diag.List
}

// parse parses a file, or returns its last tree when its text is the same:
// a change re-parses only the file it changed.
func (s *Server) parse(name string, src []byte) (*ast.File, diag.List) {
	if v, ok := s.parsed.Load(name); ok {
		if p := v.(*parsedFile); bytes.Equal(p.src, src) {
			return p.file, p.diags
		}
	}
	f, diags := parser.ParseFile(name, src)
	s.parsed.Store(name, &parsedFile{src: src, file: f, diags: diags})
	return f, diags
}

// publications returns the diagnostics of every file of sp, and empty
// lists for files published before that are gone. s.mu is held.
func (s *Server) publications(sp *space) []*protocol.PublishDiagnosticsParams {
	byFile := map[string][]protocol.Diagnostic{}
	for name := range sp.ws.Sources {
		if filepath.Dir(name) == sp.dir {
			byFile[name] = []protocol.Diagnostic{}
		}
	}
	for _, d := range sp.diags {
		if _, ok := byFile[d.File]; ok {
			byFile[d.File] = append(byFile[d.File], toDiagnostic(sp.ws.Sources[d.File], d))
		}
	}
	for name := range sp.published {
		if _, ok := byFile[name]; !ok {
			byFile[name] = []protocol.Diagnostic{}
		}
	}
	sp.published = map[string]bool{}
	names := make([]string, 0, len(byFile))
	for name := range byFile {
		names = append(names, name)
		sp.published[name] = true
	}
	sort.Strings(names)
	out := make([]*protocol.PublishDiagnosticsParams, 0, len(names))
	for _, name := range names {
		out = append(out, &protocol.PublishDiagnosticsParams{URI: fileURI(name), Diagnostics: byFile[name]})
	}
	return out
}

func toDiagnostic(src []byte, d diag.Diagnostic) protocol.Diagnostic {
	sev := protocol.DiagnosticSeverityError
	switch d.Severity {
	case diag.Warning:
		sev = protocol.DiagnosticSeverityWarning
	case diag.Info:
		sev = protocol.DiagnosticSeverityInformation
	}
	msg := d.Message
	if d.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", d.Suggestion)
	}
	return protocol.Diagnostic{
		Range:    rangeOf(src, d.Range),
		Severity: sev,
		Code:     string(d.Code),
		Source:   "journey",
		Message:  msg,
	}
}

// readTemplates reads the template files of dir (*.md and *.html), by file
// name. A missing folder has none.
func readTemplates(dir string) map[string][]byte {
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".md" && ext != ".html") {
			continue
		}
		if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
			out[e.Name()] = data
		}
	}
	return out
}
