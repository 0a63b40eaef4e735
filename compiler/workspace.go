package compiler

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/stdlib"
)

// A Workspace is a folder of .journey files compiled together, and the
// templates of its templates/ folder.
type Workspace struct {
	Dir       string
	Files     []*ast.File       // parsed, in file-name order
	Sources   map[string][]byte // each file's text, by file name
	Templates map[string]string // template name (file name without extension) → path
	Diags     diag.List         // the parse diagnostics of the files
}

// LoadWorkspace parses the .journey files of dir (not its subfolders) and
// lists its templates.
func LoadWorkspace(dir string) (*Workspace, error) {
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
	ws := NewWorkspace(sources, templates)
	ws.Dir = dir
	return ws, nil
}

// listTemplates returns the template files of dir by name: `roi-guide` for
// roi-guide.md or roi-guide.html. A missing folder has none.
func listTemplates(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".md" && ext != ".html") {
			continue
		}
		out[strings.TrimSuffix(e.Name(), ext)] = filepath.Join(dir, e.Name())
	}
	return out, nil
}

// NewWorkspace parses sources (file name → text) into a workspace with the
// given templates (name → path). A file that says `use crm` brings the
// standard CRM schema in, as the file stdlib.CRMFile.
func NewWorkspace(sources map[string][]byte, templates map[string]string) *Workspace {
	ws := &Workspace{Sources: map[string][]byte{}, Templates: templates}
	if ws.Templates == nil {
		ws.Templates = map[string]string{}
	}
	names := make([]string, 0, len(sources))
	for name := range sources {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f, diags := parser.ParseFile(name, sources[name])
		ws.Files = append(ws.Files, f)
		ws.Sources[name] = sources[name]
		ws.Diags = append(ws.Diags, diags...)
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
