package parser_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/parser"
)

// nestedIfs returns a stage whose body nests n `if` blocks, each on a line
// of its own, around a `next`. The stage starts on line 1 of the text;
// with its `{` the innermost block is at level n+1.
func nestedIfs(name string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "stage %s {\n", name)
	for i := range n {
		fmt.Fprintf(&b, "%sif score > %d {\n", strings.Repeat("  ", i+1), i)
	}
	fmt.Fprintf(&b, "%snext\n", strings.Repeat("  ", n+1))
	for i := n; i >= 0; i-- {
		fmt.Fprintf(&b, "%s}\n", strings.Repeat("  ", i))
	}
	return b.String()
}

// elseIfs returns a stage whose body is one if chain of n `else if` links.
func elseIfs(name string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "stage %s {\n  if score > 0 {\n    next\n", name)
	for i := range n {
		fmt.Fprintf(&b, "  } else if score > %d {\n    next\n", i+1)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// TestNestingLimit checks that nesting up to parser.MaxNesting levels
// parses, and that the bracket that opens the next level is reported, with
// its line and column, as the only diagnostic of the file: nothing after
// it is read.
func TestNestingLimit(t *testing.T) {
	const j = "journey j\n"       // one line before each case's text
	deep := parser.MaxNesting - 1 // ifs in a stage: the innermost block is at the limit
	tests := []struct {
		name, src, want string
	}{
		{"ifs at the limit", j + nestedIfs("A", deep), ""},
		{"ifs over the limit", j + nestedIfs("A", deep+1),
			fmt.Sprintf("%d:%d: nesting too deep: this '{' opens level 101, and blocks and brackets nest at most 100 levels; the file is not read past it",
				deep+3, 2*(deep+1)+len("if score > 99 {"))},
		{"else if chain at the limit", j + elseIfs("A", deep-1), ""},
		{"else if chain over the limit", j + elseIfs("A", deep),
			fmt.Sprintf("%d:24: nesting too deep: this '{' opens level 101, and blocks and brackets nest at most 100 levels; the file is not read past it",
				3+2*deep)},
		{"separate chains do not add up", j + "stage A {\n" + strings.Repeat("  if a { next } else if b { next }\n", 2*parser.MaxNesting) + "}\n", ""},
		{"angle blocks", j + "stage A " + strings.Repeat("< if a ", parser.MaxNesting) + "< next" + strings.Repeat(" >", parser.MaxNesting+1) + "\n",
			"2:709: nesting too deep: this '<' opens level 101, and blocks and brackets nest at most 100 levels; the file is not read past it"},
		{"list types", "contact {\n  a: " + strings.Repeat("list<", parser.MaxNesting) + "int" + strings.Repeat(">", parser.MaxNesting) + "\n}\n",
			"2:505: nesting too deep: this '<' opens level 101, and blocks and brackets nest at most 100 levels; the file is not read past it"},
		{"lists in a test", "test \"t\" {\n  contact { a: " + strings.Repeat("[", parser.MaxNesting) + strings.Repeat("]", parser.MaxNesting) + " }\n}\n",
			"2:114: nesting too deep: this '[' opens level 101, and blocks and brackets nest at most 100 levels; the file is not read past it"},
		{"far over the limit", j + "stage A {\n" + strings.Repeat("if a {\n", 100_000) + "next\n" + strings.Repeat("}\n", 100_001),
			"102:6: nesting too deep: this '{' opens level 101, and blocks and brackets nest at most 100 levels; the file is not read past it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := parser.ParseFile("deep.journey", []byte(tt.src))
			want := []string{}
			if tt.want != "" {
				want = append(want, tt.want)
			}
			if diff := cmp.Diff(want, positioned(diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			for _, d := range diags {
				if d.Code != parser.CodeExcessiveNesting {
					t.Errorf("code %s, want %s", d.Code, parser.CodeExcessiveNesting)
				}
			}
		})
	}
}

// TestNestingLimitStops checks what is left of a file whose nesting passes
// the limit: the items before the one that passes it, then one bad item to
// the end of the file. The error in the last stage is never seen.
func TestNestingLimitStops(t *testing.T) {
	src := "journey j\n\nstage First {\n  send \"welcome\"\n}\n\n" +
		nestedIfs("Deep", parser.MaxNesting+50) + "\nstage Later {\n  sned \"x\"\n}\n"
	f, diags := parser.ParseFile("deep.journey", []byte(src))
	if len(diags) != 1 || diags[0].Code != parser.CodeExcessiveNesting {
		t.Fatalf("diagnostics %v, want one %s", positioned(diags), parser.CodeExcessiveNesting)
	}
	js := f.Journeys()
	if len(js) != 1 || len(js[0].Items) != 2 {
		t.Fatalf("want one journey with two items, got:\n%s", ast.Dump(f))
	}
	if s, ok := js[0].Items[0].(*ast.Stage); !ok || s.Name.Name != "First" {
		t.Errorf("first item is %s, want stage First", ast.Dump(js[0].Items[0]))
	}
	bad, ok := js[0].Items[1].(*ast.BadItem)
	if !ok {
		t.Fatalf("second item is %s, want a BadItem", ast.Dump(js[0].Items[1]))
	}
	if start, end := bad.Pos.Start.Line, int(bad.Pos.End.Offset); start != 7 || end != len(src) {
		t.Errorf("the bad item starts on line %d and ends at offset %d, want line 7 and %d", start, end, len(src))
	}
}

// TestFileSizeLimit checks that a file of parser.MaxFileSize bytes is
// read, and that a larger one is not: its one diagnostic points at the
// first byte past the limit, and its tree is one BadDecl.
func TestFileSizeLimit(t *testing.T) {
	// Comment lines of 64 bytes: the limit falls at the start of a line.
	line := "// " + strings.Repeat("x", 60) + "\n"
	lines := parser.MaxFileSize / len(line)
	atLimit := []byte(strings.Repeat(line, lines))
	if len(atLimit) != parser.MaxFileSize {
		t.Fatalf("the file is %d bytes, want %d", len(atLimit), parser.MaxFileSize)
	}
	if f, diags := parser.ParseFile("big.journey", atLimit); len(diags) != 0 || len(f.Comments) != lines {
		t.Errorf("a file at the limit: %d diagnostics and %d comments, want none and %d", len(diags), len(f.Comments), lines)
	}

	over := append(atLimit, "journey j\n"...)
	f, diags := parser.ParseFile("big.journey", over)
	want := []string{fmt.Sprintf("%d:1: file too large: it is 4,194,314 bytes, and a file may hold at most 4,194,304 (4 MiB); nothing of it is read", lines+1)}
	if diff := cmp.Diff(want, positioned(diags)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if len(diags) == 1 && diags[0].Code != parser.CodeOversizedFile {
		t.Errorf("code %s, want %s", diags[0].Code, parser.CodeOversizedFile)
	}
	if len(f.Decls) != 1 || len(f.Comments) != 0 {
		t.Fatalf("want one BadDecl and no comments, got:\n%s", ast.Dump(f))
	}
	if bad, ok := f.Decls[0].(*ast.BadDecl); !ok || int(bad.Pos.End.Offset) != len(over) || int(bad.Pos.End.Line) != lines+2 {
		t.Errorf("want a BadDecl over the whole file, got %s at %v", ast.Dump(f.Decls[0]), f.Decls[0].Span())
	}
}

// TestErrorLimit checks that a file reports parser.MaxErrors errors, then
// TooManyErrors at the next, and nothing after: from the lexer, from the
// grammar and from lowering.
func TestErrorLimit(t *testing.T) {
	tests := []struct {
		name, src string
		code      diag.Code // of the errors before the limit
		want      string    // the last diagnostic
	}{
		{"lexer", strings.Repeat("@\n", 3*parser.MaxErrors), parser.CodeUnexpectedCharacter,
			"101:1: too many errors: 100 are reported, and the file is not read past this one"},
		{"one line", strings.Repeat("@", 1<<20), parser.CodeUnexpectedCharacter,
			"1:101: too many errors: 100 are reported, and the file is not read past this one"},
		{"grammar", "journey j\n" + strings.Repeat("cap sends\n", 3*parser.MaxErrors), parser.CodeUnexpectedToken,
			"102:5: too many errors: 100 are reported, and the file is not read past this one"},
		{"lowering", "journey j\nstage A {\n" + strings.Repeat("  after 1x next\n", 3*parser.MaxErrors) + "}\n", parser.CodeInvalidDuration,
			"103:9: too many errors: 100 are reported, and the file is not read past this one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := parser.ParseFile("bad.journey", []byte(tt.src))
			if len(diags) != parser.MaxErrors+1 {
				t.Fatalf("%d diagnostics, want %d", len(diags), parser.MaxErrors+1)
			}
			for _, d := range diags[:parser.MaxErrors] {
				if d.Code != tt.code {
					t.Fatalf("%s: code %s, want %s", d.Error(), d.Code, tt.code)
				}
			}
			last := diags[parser.MaxErrors]
			if got := positioned(diags[parser.MaxErrors:])[0]; got != tt.want || last.Code != parser.CodeTooManyErrors {
				t.Errorf("last diagnostic %s %q, want %s %q", last.Code, got, parser.CodeTooManyErrors, tt.want)
			}
		})
	}
}

// positioned returns each diagnostic as "line:col: message".
func positioned(l diag.List) []string {
	out := []string{}
	for _, d := range l {
		out = append(out, fmt.Sprintf("%d:%d: %s", d.Range.Start.Line, d.Range.Start.Col, d.Message))
	}
	return out
}

// TestPositionsNearSizeLimit checks that positions held in 32 bits stay
// exact to the end of a file just under parser.MaxFileSize: an error on its
// last line, far into a long line, has the offset, line and column of the
// bad byte, and renders with its caret under it.
func TestPositionsNearSizeLimit(t *testing.T) {
	var b strings.Builder
	line := "// " + strings.Repeat("x", 60) + "\n"
	for b.Len()+len(line) < parser.MaxFileSize-70_000 {
		b.WriteString(line)
	}
	b.WriteString("journey j\nstage A {\n")
	lines := strings.Count(b.String(), "\n")
	b.WriteString("  tag \"" + strings.Repeat("u", 60_000) + "\" @\n}\n")
	src := []byte(b.String())
	if len(src) > parser.MaxFileSize || len(src) < parser.MaxFileSize-20_000 {
		t.Fatalf("the file is %d bytes, want just under %d", len(src), parser.MaxFileSize)
	}
	_, diags := parser.ParseFile("big.journey", src)
	if len(diags) == 0 {
		t.Fatal("no diagnostic for the bad character")
	}
	d := diags[0]
	at := bytes.LastIndexByte(src, '@')
	col := 60_000 + 10
	if got := d.Range.Start; int(got.Offset) != at || int(got.Line) != lines+1 || int(got.Col) != col {
		t.Errorf("the diagnostic starts at %+v, want offset %d, line %d, column %d", got, at, lines+1, col)
	}
	var out strings.Builder
	diag.Render(&out, d, src)
	rendered := strings.Split(out.String(), "\n")
	if want := fmt.Sprintf("big.journey:%d:%d: ", lines+1, col); !strings.HasPrefix(rendered[0], want) {
		t.Errorf("rendered as %q, want it to start with %q", rendered[0], want)
	}
	if len(rendered) < 3 || runeIndex(rendered[2], "^") != runeIndex(rendered[1], "@") {
		t.Errorf("the caret is not under the @:\n%s", out.String())
	}
}

// runeIndex returns the index in characters of the first sub in s, or -1.
func runeIndex(s, sub string) int {
	i := strings.Index(s, sub)
	if i < 0 {
		return -1
	}
	return utf8.RuneCountInString(s[:i])
}
