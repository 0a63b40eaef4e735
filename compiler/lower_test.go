package compiler_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/journeylang/journey/compiler"
)

var update = flag.Bool("update", false, "rewrite the expected step graphs in testdata/compile")

// TestLower compiles each workspace of testdata/compile/*.txtar (layered on
// testdata/check/_base.txtar, like the checker cases) and compares the step
// graph of every journey, printed by compiler.Dump, with the archive's
// `ir` section. Run with -update to rewrite it after a deliberate change.
func TestLower(t *testing.T) {
	base := readArchive(t, "../testdata/check/_base.txtar")
	files, err := filepath.Glob("../testdata/compile/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no compile cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar := readArchive(t, file)
			sources, templates := workspaceFiles(base, ar)
			var want []byte
			for _, f := range ar.Files {
				if f.Name == "ir" {
					want = f.Data
				}
			}
			prog, diags := compiler.Compile(compiler.NewWorkspace(sources, templates))
			if diags.HasErrors() {
				t.Fatalf("does not compile: %v", diags)
			}
			var got strings.Builder
			for _, j := range prog.Journeys {
				got.WriteString(compiler.Dump(j))
			}
			if *update {
				var kept []txtar.File
				for _, f := range ar.Files {
					if f.Name != "ir" {
						kept = append(kept, f)
					}
				}
				ar.Files = append(kept, txtar.File{Name: "ir", Data: []byte(got.String())})
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("step graph (-want +got):\n%s", diff)
			}
		})
	}
}
