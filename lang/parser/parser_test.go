package parser_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/parse")

// TestGolden parses testdata/parse/*.txtar: each archive holds an input
// file and the expected tree (ast.Dump) and diagnostics. Run with -update
// to regenerate the expectations after a deliberate change.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../../testdata/parse/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			src := section(t, ar, "input.journey")
			f, diags := parser.ParseFile("input.journey", src)
			got := map[string]string{"ast": ast.Dump(f), "diagnostics": renderDiags(diags)}
			if *update {
				ar.Files = []txtar.File{
					{Name: "input.journey", Data: src},
					{Name: "ast", Data: []byte(got["ast"])},
				}
				if got["diagnostics"] != "" {
					ar.Files = append(ar.Files, txtar.File{Name: "diagnostics", Data: []byte(got["diagnostics"])})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range []string{"ast", "diagnostics"} {
				want := ""
				if name == "ast" || has(ar, name) {
					want = string(section(t, ar, name))
				}
				if diff := cmp.Diff(want, got[name]); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

func renderDiags(ds diag.List) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s [%s]\n", d.Error(), d.Code)
	}
	return b.String()
}

func has(ar *txtar.Archive, name string) bool {
	for _, f := range ar.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

func section(t *testing.T, ar *txtar.Archive, name string) []byte {
	t.Helper()
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("no section %q", name)
	return nil
}
