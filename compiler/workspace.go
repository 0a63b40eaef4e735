package compiler

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/stdlib"
)

// A Workspace is a folder of .journey files compiled together, and the
// templates of its templates/ folder.
type Workspace struct {
	Dir       string
	Files     []*ast.File          // parsed, in file-name order; of a workspace loaded by LoadToCheck, without the test files of deferred
	Sources   map[string][]byte    // each file's text, by file name
	Templates map[string]*Template // by name: the file name without its extension
	Diags     diag.List            // the parse diagnostics of the files; of a workspace loaded by LoadToCheck, without those of deferred

	deferred []string                                    // the test files left to parse when Check comes to their tests, in file-name order (LoadToCheck)
	once     bool                                        // loaded by LoadToCheck, for one Check or Compile
	parse    func(string, []byte) (*ast.File, diag.List) // what parses them
}

// Template is a message template of the workspace's templates/ folder:
// a `subject:` line, then the body, in Go template syntax.
type Template struct {
	Name          string // roi-guide
	File          string // roi-guide.md or roi-guide.html
	Content       []byte
	Transactional bool // the header says `transactional: true`: consent does not hold the send back (docs/semantics.md rule 12); read from Content, never stored apart
}

// NewTemplate makes a template of a file's content.
func NewTemplate(name, file string, content []byte) *Template {
	t := &Template{Name: name, File: file, Content: content}
	t.Transactional = t.Split().Transactional
	return t
}

// LoadWorkspace parses the .journey files of dir (not its subfolders) and
// lists its templates.
func LoadWorkspace(dir string) (*Workspace, error) { return load(dir, false) }

// LoadToCheck is LoadWorkspace for one Check or Compile, which are all the
// workspace is for: a test file that holds nothing but tests
// (parser.OnlyTests) is not parsed now, but when Check comes to its tests,
// and its tree is let go after them, so that the trees of the tests are
// not held while the journeys are checked. Its text is in Sources; it is
// in neither Files nor Diags, and what Check reports is as of
// LoadWorkspace. Check, in turn, lets go of the trees of the files that
// hold no tests before it checks the tests, which need only the journeys'
// names and those of their stages, goals and arms: Files then holds the
// test files alone, and the Result no Journeys. Compile keeps them all.
func LoadToCheck(dir string) (*Workspace, error) { return load(dir, true) }

// load reads the workspace of dir; deferTests is LoadToCheck's.
func load(dir string, deferTests bool) (*Workspace, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.journey"))
	if err != nil {
		return nil, err
	}
	sources := map[string][]byte{}
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		sources[name] = src
	}
	templates, err := listTemplates(filepath.Join(dir, "templates"))
	if err != nil {
		return nil, err
	}
	// The texts just read are the workspace's alone: the trees share them.
	ws := newWorkspace(sources, templates, parser.ParseOwned, deferTests)
	ws.Dir = dir
	return ws, nil
}

// listTemplates reads the template files of dir (*.md and *.html), by
// file name. A missing folder has none.
func listTemplates(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return map[string][]byte{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".md" && ext != ".html") {
			continue
		}
		data, err := readSmall(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = data
	}
	return out, nil
}

// readSmall reads a file that may be small. os.ReadFile makes room for at
// least 512 bytes, five times what a workspace's templates hold as a rule:
// a file shorter than that is copied into a slice of its size.
func readSmall(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil || len(data) >= minReadRoom {
		return data, err
	}
	return bytes.Clone(data), nil
}

// minReadRoom is the room os.ReadFile makes at the least.
const minReadRoom = 512

// NewWorkspace parses sources (file name → text) into a workspace with the
// given templates (file name such as roi-guide.md → content). A file that
// says `use crm` brings the standard CRM schema in, as the file
// stdlib.CRMFile.
func NewWorkspace(sources map[string][]byte, templates map[string][]byte) *Workspace {
	return NewWorkspaceWith(sources, templates, parser.ParseFile)
}

// NewWorkspaceWith is NewWorkspace with the parse of each file given, so
// that a caller that keeps the trees of files that did not change (the
// language server) can hand them back instead of parsing again. parse is
// called from several goroutines at once, and must return what
// parser.ParseFile would; the checker does not modify the trees.
func NewWorkspaceWith(sources map[string][]byte, templates map[string][]byte, parse func(name string, src []byte) (*ast.File, diag.List)) *Workspace {
	return newWorkspace(sources, templates, parse, false)
}

// newWorkspace is NewWorkspaceWith; with deferTests, the test files that
// hold nothing but tests are left to parse when Check comes to them
// (LoadToCheck).
func newWorkspace(sources map[string][]byte, templates map[string][]byte, parse func(name string, src []byte) (*ast.File, diag.List), deferTests bool) *Workspace {
	ws := &Workspace{Sources: map[string][]byte{}, Templates: map[string]*Template{}, parse: parse, once: deferTests}
	for file, content := range templates {
		name := strings.TrimSuffix(file, filepath.Ext(file))
		if prev, ok := ws.Templates[name]; ok && prev.File < file {
			continue // roi-guide.html and roi-guide.md: the first by name wins
		}
		ws.Templates[name] = NewTemplate(name, file, content)
	}
	names := make([]string, 0, len(sources))
	for name := range sources {
		names = append(names, name)
	}
	sort.Strings(names)
	files, diags := parseAll(names, sources, parse, deferTests)
	for i, name := range names {
		ws.Sources[name] = sources[name]
		if files[i] == nil {
			ws.deferred = append(ws.deferred, name)
			continue
		}
		ws.Files = append(ws.Files, files[i])
		ws.Diags = append(ws.Diags, diags[i]...)
	}
	if ws.uses("crm") {
		src := stdlib.CRM()
		f, diags := parser.ParseFile(stdlib.CRMFile, src)
		ws.Files = append([]*ast.File{f}, ws.Files...)
		ws.Sources[stdlib.CRMFile] = src
		ws.Diags = append(ws.Diags, diags...)
	}
	return ws
}

// parseAll parses the named files on every core; the results keep the
// order of names. With deferTests, a test file that holds nothing but
// tests is left unparsed: its tree is nil (LoadToCheck).
func parseAll(names []string, sources map[string][]byte, parse func(string, []byte) (*ast.File, diag.List), deferTests bool) ([]*ast.File, []diag.List) {
	files := make([]*ast.File, len(names))
	diags := make([]diag.List, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				if deferTests && isTestFile(names[i]) && parser.OnlyTests(sources[names[i]]) {
					continue
				}
				files[i], diags[i] = parse(names[i], sources[names[i]])
			}
		})
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	return files, diags
}

// uses reports whether a file of the workspace says `use name`.
func (ws *Workspace) uses(name string) bool {
	for _, f := range ws.Files {
		for _, d := range f.Decls {
			if u, ok := d.(*ast.UseDecl); ok && u.Name.Name == name {
				return true
			}
		}
	}
	return false
}

// TemplateNames returns the names of the workspace's templates, sorted.
func (ws *Workspace) TemplateNames() []string { return sortedNames(ws.Templates) }

// isTestFile reports whether a file holds tests: its name ends _test.journey.
func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.journey") }

// String names the workspace for messages.
func (ws *Workspace) String() string {
	if ws.Dir != "" {
		return ws.Dir
	}
	return fmt.Sprintf("workspace of %d files", len(ws.Files))
}

// Texts returns the text of every file a diagnostic of the workspace may
// name: its .journey files, and its templates as templates/NAME.md under
// the workspace's folder.
func (ws *Workspace) Texts() map[string][]byte {
	out := make(map[string][]byte, len(ws.Sources)+len(ws.Templates))
	for name, src := range ws.Sources {
		out[name] = src
	}
	for _, t := range ws.Templates {
		out[filepath.Join(ws.Dir, "templates", t.File)] = t.Content
	}
	return out
}
