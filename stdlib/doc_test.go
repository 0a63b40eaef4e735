package stdlib_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"

	"github.com/journeylang/journey/stdlib"
)

// TestDocumented checks docs/stdlib.md describes every function of the
// library: a section of its own, its signature, and its place in the list
// of time-dependent functions when it reads the clock.
func TestDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/stdlib.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "## Time-dependent functions")
	if start < 0 {
		t.Fatal(`docs/stdlib.md has no "## Time-dependent functions" section`)
	}
	// The section's first paragraph lists them.
	timed, _, _ := strings.Cut(strings.TrimPrefix(doc[start:], "## Time-dependent functions\n\n"), "\n\n")
	for _, f := range stdlib.Functions {
		if !strings.Contains(doc, "\n### "+f.Name+"\n") {
			t.Errorf("%s has no section", f.Name)
		}
		if !strings.Contains(doc, "`"+f.Signature+"`") {
			t.Errorf("%s: the signature %q is not in the document", f.Name, f.Signature)
		}
		if listed := strings.Contains(timed, "`"+f.Name+"`"); listed != f.TimeDependent {
			t.Errorf("%s: listed as time-dependent: %v, TimeDependent: %v", f.Name, listed, f.TimeDependent)
		}
	}
}

// TestCostsDocumented checks the table of costs in docs/stdlib.md gives
// each function the cost it declares, and that every function costs
// something: cel-go would count an undeclared call as 1 whatever it
// reads.
func TestCostsDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/stdlib.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Cost\n")
	if !ok {
		t.Fatal(`docs/stdlib.md has no "## Cost" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for _, f := range stdlib.Functions {
		if f.Cost == 0 {
			t.Errorf("%s declares no cost", f.Name)
		}
		if (f.ResultSize > 0) != (f.Result == cel.StringType) {
			t.Errorf("%s: ResultSize %d for a result of type %s", f.Name, f.ResultSize, f.Result)
		}
		found := false
		for _, line := range strings.Split(section, "\n") {
			cells := strings.Split(line, "|")
			if len(cells) > 3 && strings.Contains(cells[1], "`"+f.Name+"`") {
				found = true
				if got := strings.TrimSpace(cells[2]); got != strconv.FormatUint(f.Cost, 10) {
					t.Errorf("%s: the document says it costs %s, the library %d", f.Name, got, f.Cost)
				}
			}
		}
		if !found {
			t.Errorf("%s is not in the table of costs", f.Name)
		}
	}
}
