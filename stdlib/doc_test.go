package stdlib_test

import (
	"os"
	"strings"
	"testing"

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
