package compiler_test

import (
	"bytes"
	"encoding/json"
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
// graph of every journey, printed by compiler.Dump, after the workspace's
// send budget (compiler.DumpBudget), with the archive's `ir` section. Run with -update to rewrite it after a deliberate change.
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
			got.WriteString(compiler.DumpBudget(prog.Budget))
			got.WriteString(compiler.DumpHolidays(prog.Holidays))
			got.WriteString(compiler.DumpRules(prog.Rules))
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

// TestOnChange checks that `on change drain` sets Journey.OnChange and that
// `on change migrate`, the default, compiles to the very IR — and so the
// version — of the journey without the setting. The setting is written
// last, so that the source positions of the rest do not move.
func TestOnChange(t *testing.T) {
	base := readArchive(t, "../testdata/check/_base.txtar")
	compile := func(setting string) (*compiler.Journey, []byte) {
		t.Helper()
		sources, templates := workspaceFiles(base)
		sources["j.journey"] = []byte("journey j\n\nreenter after 30d\n\nstage Only {\n  send \"welcome\"\n}\n" + setting)
		prog, diags := compiler.Compile(compiler.NewWorkspace(sources, templates))
		if diags.HasErrors() {
			t.Fatalf("%q does not compile: %v", setting, diags)
		}
		for _, j := range prog.Journeys {
			if j.Name == "j" {
				b, err := json.Marshal(j)
				if err != nil {
					t.Fatal(err)
				}
				return j, b
			}
		}
		t.Fatalf("%q: no journey j", setting)
		return nil, nil
	}
	none, noneJSON := compile("")
	migrate, migrateJSON := compile("on change migrate\n")
	drain, _ := compile("on change drain\n")
	if diff := cmp.Diff(string(noneJSON), string(migrateJSON)); diff != "" {
		t.Errorf("on change migrate changes the IR (-without +with):\n%s", diff)
	}
	if bytes.Contains(noneJSON, []byte("on_change")) {
		t.Errorf("the IR of a journey without the setting mentions on_change: %s", noneJSON)
	}
	if none.OnChange != "" || migrate.OnChange != "" {
		t.Errorf("OnChange = %q without the setting, %q with migrate; want both empty", none.OnChange, migrate.OnChange)
	}
	if drain.OnChange != compiler.OnChangeDrain {
		t.Errorf("OnChange = %q with drain; want %q", drain.OnChange, compiler.OnChangeDrain)
	}
	if drain.Version == none.Version {
		t.Errorf("on change drain keeps the version %s; a new setting is a new version", none.Version)
	}
}
