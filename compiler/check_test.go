package compiler_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
)

// TestCheck runs the checker over testdata/check/*.txtar. Each archive is
// a workspace: its .journey files and templates/ files, on top of those of
// testdata/check/_base.txtar (a schema and templates the cases share; an
// archive's own file of the same name replaces the base one).
//
// The expected diagnostics are written in the files, on the line they are
// about, as comments:
//
//	stage A when scroe >= 50 {  // ERROR UndefinedName "did you mean \"score\""
//	stage B                     // WARNING UnreachableStage
//
// A marker is ERROR or WARNING, a code, and optionally a quoted regular
// expression matched against the message and its suggestion, written
// `message (did you mean "x")`. The test fails on a diagnostic no marker
// expects and on a marker no diagnostic meets. In a template, a marker is
// written in a template comment, {{/* ERROR UndefinedField "…" */}}.
func TestCheck(t *testing.T) {
	base := readArchive(t, "../testdata/check/_base.txtar")
	files, err := filepath.Glob("../testdata/check/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, file := range files {
		if filepath.Base(file) == "_base.txtar" {
			continue
		}
		ar := readArchive(t, file)
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			sources, templates := workspaceFiles(base, ar)
			_, diags := compiler.Check(compiler.NewWorkspace(sources, templates))
			markers := findMarkers(t, sources)
			named := map[string][]byte{}
			for name, data := range templates {
				named["templates/"+name] = data
			}
			markers = append(markers, findMarkers(t, named)...)
			total += len(markers)
			match(t, diags, markers)
		})
	}
	if total < 80 {
		t.Errorf("the checker cases hold %d expected diagnostics; keep at least 80", total)
	}
}

// A marker is one expected diagnostic.
type marker struct {
	file  string
	line  int
	sev   diag.Severity
	code  string
	re    *regexp.Regexp // nil: any message
	found bool
}

var markerRE = regexp.MustCompile(`\b(ERROR|WARNING) ([A-Z][A-Za-z]+)(?: "((?:[^"\\]|\\.)*)")?`)

func findMarkers(t *testing.T, sources map[string][]byte) []*marker {
	t.Helper()
	var out []*marker
	for name, src := range sources {
		for i, line := range strings.Split(string(src), "\n") {
			comment := "//"
			if strings.HasPrefix(name, "templates/") {
				comment = "{{/*" // a template's comment
			}
			c := strings.Index(line, comment)
			if c < 0 {
				continue
			}
			for _, m := range markerRE.FindAllStringSubmatch(line[c:], -1) {
				mk := &marker{file: name, line: i + 1, code: m[2], sev: diag.Error}
				if m[1] == "WARNING" {
					mk.sev = diag.Warning
				}
				if m[3] != "" {
					re, err := regexp.Compile(strings.ReplaceAll(m[3], `\"`, `"`))
					if err != nil {
						t.Fatalf("%s:%d: bad marker pattern: %v", name, i+1, err)
					}
					mk.re = re
				}
				out = append(out, mk)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].file != out[j].file {
			return out[i].file < out[j].file
		}
		return out[i].line < out[j].line
	})
	return out
}

func match(t *testing.T, diags diag.List, markers []*marker) {
	t.Helper()
	for _, d := range diags {
		text := d.Message
		if d.Suggestion != "" {
			text += fmt.Sprintf(" (did you mean %q)", d.Suggestion)
		}
		ok := false
		for _, m := range markers {
			if m.found || m.file != d.File || m.line != int(d.Range.Start.Line) || m.sev != d.Severity || m.code != string(d.Code) {
				continue
			}
			if m.re != nil && !m.re.MatchString(text) {
				continue
			}
			m.found, ok = true, true
			break
		}
		if !ok {
			t.Errorf("unexpected %s: %s [%s]", d.Severity, d.Error(), d.Code)
			if d.Suggestion != "" {
				t.Logf("  with suggestion %q", d.Suggestion)
			}
		}
	}
	for _, m := range markers {
		if !m.found {
			want := "any message"
			if m.re != nil {
				want = m.re.String()
			}
			t.Errorf("%s:%d: missing %s %s (%s)", m.file, m.line, m.sev, m.code, want)
		}
	}
}

// workspaceFiles layers archives into a workspace: its .journey sources
// and its templates/ files, a later archive's file replacing an earlier
// one of the same name. A compile case's `ir` section is no file of it.
func workspaceFiles(archives ...*txtar.Archive) (sources, templates map[string][]byte) {
	sources, templates = map[string][]byte{}, map[string][]byte{}
	for _, a := range archives {
		for _, f := range a.Files {
			switch {
			case f.Name == "ir":
			case strings.HasPrefix(f.Name, "templates/"):
				templates[strings.TrimPrefix(f.Name, "templates/")] = f.Data
			default:
				sources[f.Name] = f.Data
			}
		}
	}
	return sources, templates
}

func readArchive(t *testing.T, file string) *txtar.Archive {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return ar
}
