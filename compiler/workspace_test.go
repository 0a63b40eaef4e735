package compiler_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/ast"
)

// trickyTests are test files whose tests fail to parse in the ways that
// matter to LoadToCheck: an item cut again at a keyword in column 1 (the
// contact and journey it declares are the file's, not a test's), a test
// never closed, a lexical error, and a file of comments alone.
var trickyTests = map[string]string{
	"a_test.journey": "test \"cut\" {\n  journey a\ncontact { extra: int }\n}\n",
	"b_test.journey": "test \"open\" {\n  journey a\n  start \"2025-01-01T00:00:00Z\"\n",
	"c_test.journey": "test \"lexed\" {\n  journey a\n  expect score >= 1 @\n}\n",
	"d_test.journey": "// nothing but a comment\n",
	"e_test.journey": "test \"fine\" {\n  journey a\n  contact { email: \"a@b.example\" }\n  expect enrolled\n}\n\n// then a journey\njourney misplaced\nstage A\n",
	"g_test.journey": "test \"names\" {\n  journey lead_nurture\n  expect stage Decision\n  expect stage Decison\n  expect goal sql\n  expect goal sq1\n  expect arm short\n  expect in_stage(\"lead_nurture\", \"Awarenes\")\n}\n",
	"f_test.journey": "test \"fine\" {\n  journey a\n  contact { email: \"a@b.example\" }\n  expect enrolled\n}\ntest \"fine\" {\n  journey a\n  expect score >= \"x\"\n}\n",
}

// TestLoadToCheck checks that a workspace loaded by LoadToCheck, whose
// test files are parsed only when their tests are checked and whose other
// trees the check lets go of before the tests, checks and compiles exactly
// as one loaded by LoadWorkspace: the same diagnostics, and the same
// bundle. The workspaces are those of testdata/check,
// testdata/compile and examples, and one of trickyTests.
func TestLoadToCheck(t *testing.T) {
	dirs := append(archiveDirs(t), exampleDirs(t)...)
	dirs = append(dirs, trickyDir(t))
	deferred := 0
	for _, dir := range dirs {
		whole, err := compiler.LoadWorkspace(dir)
		if err != nil {
			t.Fatal(err)
		}
		lean, err := compiler.LoadToCheck(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(lean.Files) < len(whole.Files) {
			deferred++
		}
		_, want := compiler.Check(whole)
		res, got := compiler.Check(lean)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: LoadToCheck checks to\n%v\nLoadWorkspace to\n%v", dir, got, want)
		}
		if res.Journeys != nil || slices.ContainsFunc(lean.Files, func(f *ast.File) bool { return !strings.HasSuffix(f.Name, "_test.journey") }) {
			t.Errorf("%s: the check of a workspace loaded by LoadToCheck kept trees of files that hold no tests", dir)
		}
		lean, err = compiler.LoadToCheck(dir) // for one Check or Compile
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(bundleOf(t, lean), bundleOf(t, whole)) {
			t.Errorf("%s: the bundles of LoadToCheck and LoadWorkspace differ", dir)
		}
	}
	if deferred < 5 {
		t.Errorf("LoadToCheck deferred the test files of %d workspaces; the cases should have at least 5", deferred)
	}
}

// bundleOf compiles ws into an unsigned bundle; nil when it does not
// compile.
func bundleOf(t *testing.T, ws *compiler.Workspace) []byte {
	t.Helper()
	prog, diags := compiler.Compile(ws)
	if diags.HasErrors() {
		return nil
	}
	b, err := compiler.WriteBundle(prog, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// archiveDirs writes the workspaces of testdata/check (on its base) and
// testdata/compile into folders.
func archiveDirs(t *testing.T) []string {
	base := readArchive(t, "../testdata/check/_base.txtar")
	var dirs []string
	for _, pattern := range []string{"../testdata/check/*.txtar", "../testdata/compile/*.txtar"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if filepath.Base(file) == "_base.txtar" {
				continue
			}
			sources, templates := workspaceFiles(readArchive(t, file))
			if filepath.Base(filepath.Dir(file)) == "check" {
				sources, templates = workspaceFiles(base, readArchive(t, file))
			}
			dirs = append(dirs, writeWorkspace(t, sources, templates))
		}
	}
	return dirs
}

// exampleDirs lists the folders of examples.
func exampleDirs(t *testing.T) []string {
	dirs, err := filepath.Glob("../examples/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	return dirs
}

// trickyDir writes a workspace of examples/lead_nurture and trickyTests.
func trickyDir(t *testing.T) string {
	dir := copyDir(t, "../examples/lead_nurture")
	for name, src := range trickyTests {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// writeWorkspace writes sources and templates into a new folder.
func writeWorkspace(t *testing.T, sources, templates map[string][]byte) string {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range sources {
		writeFile(t, filepath.Join(dir, name), data)
	}
	for name, data := range templates {
		writeFile(t, filepath.Join(dir, "templates", name), data)
	}
	return dir
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
