package format_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/lang/format"
	"github.com/journeylang/journey/lang/parser"
)

// TestDeep formats input nested as deep as the parser allows
// (parser.MaxNesting levels), written all on one line, in angle blocks,
// with comments inside: nested ifs, an if chain, inline object types and
// nested lists. The output is compared with the canonical text, written
// here line by line, and formatted again to check it is unchanged.
func TestDeep(t *testing.T) {
	const n = parser.MaxNesting
	var in, want strings.Builder
	line := func(level int, format string, args ...any) {
		want.WriteString(strings.Repeat("  ", level))
		fmt.Fprintf(&want, format, args...)
		want.WriteString("\n")
	}

	// Nested ifs, in angle blocks on one line; the innermost block at
	// level n, with an own-line comment inside.
	in.WriteString("journey deep\nstage A ")
	line(0, "journey deep")
	want.WriteString("\n")
	line(0, "stage A {")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&in, "< if score > %d ", i)
		line(i, "if score > %d {", i)
	}
	in.WriteString("<\n// innermost\nexit \"deep\" >" + strings.Repeat(" >", n-1) + " // after\n")
	line(n, "// innermost")
	line(n, "exit \"deep\" // after") // the first line printed from the comment's line
	for i := n - 1; i >= 0; i-- {
		line(i, "}")
	}

	// An if chain whose else block is at level n.
	in.WriteString("stage B { if score > 0 { next }")
	want.WriteString("\n")
	line(0, "stage B {")
	line(1, "if score > 0 {")
	line(2, "next")
	for i := 1; i <= n-2; i++ {
		fmt.Fprintf(&in, " else if score > %d { next }", i)
		line(1, "} else if score > %d {", i)
		line(2, "next")
	}
	in.WriteString(" else { exit } }\n")
	line(1, "} else {")
	line(2, "exit")
	line(1, "}")
	line(0, "}")

	// Object types nested inline, the innermost at level n.
	inner := "int" + strings.Repeat(" }", n-1)
	in.WriteString("contact { a:" + strings.Repeat(" { f:", n-1) + " " + inner + " }\n")
	want.WriteString("\n")
	line(0, "contact {")
	line(1, "a:%s %s", strings.Repeat(" { f:", n-1), inner)
	line(0, "}")

	// Lists nested in a test's contact, the innermost at level n.
	in.WriteString("test \"t\" {\ncontact { tags: " + strings.Repeat("[", n-2) + "1" + strings.Repeat("]", n-2) + " }\n}\n")
	want.WriteString("\n")
	line(0, "test \"t\" {")
	line(1, "contact { tags: %s1%s }", strings.Repeat("[", n-2), strings.Repeat("]", n-2))
	line(0, "}")

	got, diags := format.Source("deep.journey", []byte(in.String()))
	if len(diags) > 0 {
		t.Fatalf("format.Source: %s", render(diags, "deep.journey", []byte(in.String())))
	}
	if diff := cmp.Diff(want.String(), string(got)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	again, diags := format.Source("deep.journey", got)
	if len(diags) > 0 {
		t.Fatalf("formatting the output: %s", render(diags, "deep.journey", got))
	}
	if diff := cmp.Diff(string(got), string(again)); diff != "" {
		t.Errorf("not idempotent (-once +twice):\n%s", diff)
	}
	checkLayout(t, got)
}

// TestOverDeep checks that input nested one level more than the parser
// allows is not formatted: its diagnostic is the parser's.
func TestOverDeep(t *testing.T) {
	src := "journey j\nstage A " + strings.Repeat("< if a ", parser.MaxNesting) + "< next" + strings.Repeat(" >", parser.MaxNesting+1) + "\n"
	out, diags := format.Source("deep.journey", []byte(src))
	if out != nil || len(diags) != 1 || diags[0].Code != parser.CodeExcessiveNesting {
		t.Errorf("got %d bytes and %v, want no output and one %s", len(out), diags, parser.CodeExcessiveNesting)
	}
}
