package format_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/format"
	"github.com/journeylang/journey/lang/parser"
)

func TestSource(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"blank", "\n\n  \n", ""},
		{"comments only", "\n// a\n\n\n// b   \n", "// a\n\n// b\n"},
		{"no final newline", "journey j", "journey j\n"},
		{"crlf", "journey j\r\n// c\r\nstage A {\r\n  send \"a\" // t\r\n}\r\n", "journey j\n\n// c\nstage A {\n  send \"a\" // t\n}\n"},
		{"tabs", "journey j\nstage A {\n\tafter 1d\tsend \"a\"\n}\n", "journey j\n\nstage A {\n  after 1d send \"a\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := format.Source("a.journey", []byte(tt.in))
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSourceParseError(t *testing.T) {
	out, diags := format.Source("a.journey", []byte("journey j\nstage A {\n  sned \"x\"\n}\n"))
	if out != nil {
		t.Errorf("output %q, want none", out)
	}
	if !diags.HasErrors() {
		t.Fatalf("no error diagnostics: %v", diags)
	}
	for _, d := range diags {
		if d.Code == format.CodeFormatChangedMeaning {
			t.Errorf("parse error reported as %s: %v", d.Code, d)
		}
	}
}

// FuzzSource checks that no input makes the formatter panic, that the
// formatter never reports a change of meaning (a bug) and that its output
// is a fixpoint. File must not panic on partial trees either.
func FuzzSource(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(goldenDir, "*.txtar"))
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range a.Files {
			f.Add(s.Data)
		}
	}
	if src, err := os.ReadFile("../../examples/lead_nurture.journey"); err == nil {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if tree, _ := parser.ParseFile("fuzz.journey", src); tree != nil {
			format.File(tree)
		}
		out, diags := format.Source("fuzz.journey", src)
		for _, d := range diags {
			if d.Code == format.CodeFormatChangedMeaning {
				t.Fatalf("%v: %s\ninput:\n%s\noutput:\n%s", d, d.Detail, src, format.File(mustParse(t, src)))
			}
		}
		if diags.HasErrors() {
			return
		}
		again, diags := format.Source("fuzz.journey", out)
		if diags.HasErrors() {
			t.Fatalf("output does not format: %v\noutput:\n%s", diags, out)
		}
		if diff := cmp.Diff(string(out), string(again)); diff != "" {
			t.Fatalf("not idempotent (-once +twice):\n%s\ninput:\n%q", diff, src)
		}
	})
}

func mustParse(t *testing.T, src []byte) *ast.File {
	t.Helper()
	f, _ := parser.ParseFile("fuzz.journey", src)
	return f
}
