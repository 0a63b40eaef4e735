package compiler_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/parser"
)

// TestTooManyErrors checks a stage of 150 sends of templates that do not
// exist: the checker reports the first parser.MaxErrors, then one
// TooManyErrors in place of the rest.
func TestTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("journey j\n\nstage A {\n")
	for i := range 150 {
		fmt.Fprintf(&b, "  send \"nope-%d\"\n", i)
	}
	b.WriteString("}\n")
	_, diags := compiler.Check(compiler.NewWorkspace(map[string][]byte{"j.journey": []byte(b.String())}, nil))
	codes := map[string]int{}
	for _, d := range diags {
		codes[string(d.Code)]++
	}
	if codes["UnknownTemplate"] != parser.MaxErrors || codes[string(parser.CodeTooManyErrors)] != 1 || len(diags) != parser.MaxErrors+1 {
		t.Fatalf("diagnostics by code: %v (%d in all)", codes, len(diags))
	}
}
