package parser_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/parser"
)

// TestParseOwned checks that ParseOwned makes of every input of
// testdata/parse the tree and the diagnostics ParseFile makes.
func TestParseOwned(t *testing.T) {
	files, err := filepath.Glob("../../testdata/parse/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		src := section(t, ar, "input.journey")
		want, wantDiags := parser.ParseFile("input.journey", src)
		got, gotDiags := parser.ParseOwned("input.journey", append([]byte(nil), src...))
		if ast.Dump(got) != ast.Dump(want) || !reflect.DeepEqual(gotDiags, wantDiags) {
			t.Errorf("%s: ParseOwned and ParseFile differ:\n%s%s\nand\n%s%s", file, ast.Dump(got), renderDiags(gotDiags), ast.Dump(want), renderDiags(wantDiags))
		}
	}
}

// TestOnlyTests checks which files OnlyTests finds to hold nothing but
// tests: only those whose every item begins with `test` and would not be
// cut at a keyword in column 1.
func TestOnlyTests(t *testing.T) {
	for _, c := range []struct {
		src  string
		want bool
	}{
		{"test \"a\" {\n  journey j\n  expect enrolled\n}\n", true},
		{"// a comment\ntest \"a\" {\n  journey j\n}\n\ntest \"b\" {\n  journey j\n}\n", true},
		{"test \"open\" {\n  journey j\n", true},
		{"test \"a\" {\n  journey j\n  expect score > 1 @\n}\n", true},
		{"\ufefftest \"a\" {\n  journey j\n}\n", true},
		{"", false},
		{"// only a comment\n", false},
		{"contact { a: int }\ntest \"a\" {\n  journey j\n}\n", false},
		{"test \"a\" {\n  journey j\n}\njourney k\nstage A\n", false},
		{"test \"cut\" {\n  journey j\ncontact { a: int }\n}\n", false},
		{"test \"cut\" {\n  journey j\njourney k\n}\n", false},
		{"@@@ test\n", true}, // the bad characters are lexical errors; the item is a BadDecl
	} {
		if got := parser.OnlyTests([]byte(c.src)); got != c.want {
			t.Errorf("OnlyTests(%q) = %v, want %v", c.src, got, c.want)
		}
	}
}
