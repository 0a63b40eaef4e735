package format_test

import (
	"path/filepath"
	"strings"
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
		{"byte-order mark", "\ufeffjourney j\nstage A {\n  send \"a\"\n}\n", "journey j\n\nstage A {\n  send \"a\"\n}\n"},
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

// TestVerify checks the guard of Source against outputs that would change
// the file: another tree, lost or changed comments, text that does not
// parse.
func TestVerify(t *testing.T) {
	src := "journey j // c\nstage A {\n  send \"a\"\n}\n"
	f, diags := parser.ParseFile("a.journey", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	// want is "" for no difference, else text the answer must contain.
	tests := []struct{ out, want string }{
		{src, ""},
		{"journey j // c\n\nstage A {\n  send \"b\"\n}\n", `the trees differ: line `},
		{"journey j // c\n\nstage A {\n  send \"b\"\n}\n", `"(Send Template=\"b\")`},
		{"journey j\nstage A {\n  send \"a\"\n}\n", "the input has 1 comments, the output 0"},
		{"journey j // d\nstage A {\n  send \"a\"\n}\n", `comment 1 changed from "// c" to "// d"`},
		{"journey j {\n", "the output does not parse: "},
	}
	for _, tt := range tests {
		got := format.Verify("a.journey", f, []byte(tt.out))
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("verify(%q) = %q, want %q in it", tt.out, got, tt.want)
		}
	}
}

// FuzzSource checks that no input makes the formatter panic, that the
// formatter never reports a change of meaning (a bug) and that its output
// is a fixpoint. File must not panic on partial trees either.
func FuzzSource(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
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

// seeds returns the golden files' inputs and outputs.
func seeds(f *testing.F) [][]byte {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join(goldenDir, "*.txtar"))
	var out [][]byte
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range a.Files {
			out = append(out, s.Data)
		}
	}
	return out
}

func mustParse(t *testing.T, src []byte) *ast.File {
	t.Helper()
	f, _ := parser.ParseFile("fuzz.journey", src)
	return f
}
