package format_test

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/format"
	"github.com/journeylang/journey/lang/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/format with the current output")

// goldenDir holds the golden files: each a txtar archive with an
// input.journey and the output.journey the formatter makes of it.
const goldenDir = "../../testdata/format"

const (
	inputName  = "input.journey"
	outputName = "output.journey"
)

func goldenFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden files in %s", goldenDir)
	}
	return files
}

// section returns the named file of an archive, or fails.
func section(t *testing.T, a *txtar.Archive, name string) []byte {
	t.Helper()
	for _, f := range a.Files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("no %s section", name)
	return nil
}

func TestGolden(t *testing.T) {
	for _, file := range goldenFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			input := section(t, a, inputName)
			got, diags := format.Source(inputName, input)
			if diags.HasErrors() {
				t.Fatalf("format.Source: %s", render(diags, inputName, input))
			}
			if *update {
				for i := range a.Files {
					if a.Files[i].Name == outputName {
						a.Files[i].Data = got
					}
				}
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := section(t, a, outputName)
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInvariants checks, for every golden input and every .journey file of
// the repository's examples and testdata, that formatting keeps the meaning
// and the comments and is idempotent. Files that do not parse are skipped.
func TestInvariants(t *testing.T) {
	inputs := map[string][]byte{}
	for _, file := range goldenFiles(t) {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		inputs[file] = section(t, a, inputName)
	}
	for _, root := range []string{"../../examples", "../../testdata"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return filepath.SkipDir
				}
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".journey") {
				return nil
			}
			src, err := os.ReadFile(path)
			inputs[path] = src
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, src := range inputs {
		inputs[name+"#commented"] = commentEverywhere(src)
	}
	for name, src := range inputs {
		t.Run(name, func(t *testing.T) {
			f, diags := parser.ParseFile(name, src)
			if diags.HasErrors() {
				t.Skipf("does not parse: %v", diags[0])
			}
			once := format.File(f)
			g, diags := parser.ParseFile(name, once)
			if diags.HasErrors() {
				t.Fatalf("output does not parse: %s\noutput:\n%s", render(diags, name, once), once)
			}
			if diff := cmp.Diff(ast.Dump(f), ast.Dump(g)); diff != "" {
				t.Errorf("meaning changed (-input +output):\n%s\noutput:\n%s", diff, once)
			}
			if diff := cmp.Diff(commentTexts(f), commentTexts(g)); diff != "" {
				t.Errorf("comments changed (-input +output):\n%s", diff)
			}
			twice := format.File(g)
			if diff := cmp.Diff(string(once), string(twice)); diff != "" {
				t.Errorf("not idempotent (-once +twice):\n%s", diff)
			}
			checkLayout(t, once)
		})
	}
}

// commentEverywhere returns src with a comment on a line of its own
// before every line and a trailing comment after every line that has none,
// to put the comment placement to the test wherever comments can be.
func commentEverywhere(src []byte) []byte {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(string(src), "\n"), "\n") {
		fmt.Fprintf(&b, "// own %d\n", i+1)
		b.WriteString(l)
		if !strings.Contains(l, "//") {
			fmt.Fprintf(&b, " // trailing %d", i+1)
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// checkLayout checks what every output must be: one final newline, no
// trailing blanks, no tabs, no two blank lines in a row.
func checkLayout(t *testing.T, out []byte) {
	t.Helper()
	if len(out) == 0 {
		return
	}
	if !bytes.HasSuffix(out, []byte("\n")) || bytes.HasSuffix(out, []byte("\n\n")) {
		t.Errorf("output does not end with exactly one newline")
	}
	for i, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if strings.TrimRight(l, " \t") != l {
			t.Errorf("line %d has trailing blanks: %q", i+1, l)
		}
		if strings.Contains(l, "\t") {
			t.Errorf("line %d has a tab: %q", i+1, l)
		}
	}
	if bytes.Contains(out, []byte("\n\n\n")) || bytes.HasPrefix(out, []byte("\n")) {
		t.Errorf("output has more than one blank line in a row, or starts with one")
	}
}

// commentTexts returns the texts of f's comments without trailing blanks.
func commentTexts(f *ast.File) []string {
	var out []string
	for _, c := range f.Comments {
		out = append(out, strings.TrimRight(c.Text, " \t\r"))
	}
	return out
}

// render renders the diagnostics of the file named name, whose text is src.
func render(l diag.List, name string, src []byte) string {
	var b strings.Builder
	diag.RenderAll(&b, l, map[string][]byte{name: src})
	return b.String()
}
