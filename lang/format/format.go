// Package format prints Journey source in its one canonical layout: the
// phase behind `journey fmt`, the editor's format-on-save and the check
// that every example is already formatted.
//
// Input is a tree from lang/parser (File), or source text (Source, which
// parses it first). Output is the canonical text: two-space indentation,
// blocks in braces (the angle form `< … >` becomes `{ … }`) with one step
// per line, the author's blank lines kept but collapsed to one, one blank
// line between top-level items that print on several lines, and the
// columns of consecutive clauses, `after` steps, schema fields, event
// declarations and test statements aligned as the design's examples show.
// Conditions, strings, durations and numbers print exactly as written.
//
// Invariants:
//
//   - Meaning is kept: the output parses to a tree whose ast.Dump equals
//     the input's. Source checks this on every call and refuses to return
//     output that would break it (FormatChangedMeaning).
//   - Comments are kept, in order, with the same text (trailing blanks
//     aside). A comment alone on its line stays alone on its line; a
//     trailing comment stays trailing, except where the construct it
//     trails moves (see printer.go).
//   - Formatting is idempotent: formatting the output again gives the same
//     bytes.
//   - The output ends with exactly one newline and has no trailing blanks,
//     except inside a condition written over several lines, which is kept
//     as written.
package format

import (
	"fmt"
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/lang/pos"
)

// CodeFormatChangedMeaning reports a formatter bug: the formatted text
// would not mean what the input meant, or would lose or reorder a comment.
// Source then returns no output, so the file is left as it is.
//
//	a.journey:1:1: formatting would change the meaning of the file (a formatter bug); the file is left as it is
const CodeFormatChangedMeaning diag.Code = "FormatChangedMeaning"

// File prints a parsed file in canonical layout. Comments are kept.
//
// f must come from a parse without errors: the text under a BadDecl or a
// BadStep is not in the tree, so File prints nothing for it (its comments
// still print). A file without declarations or comments prints as no text.
func File(f *ast.File) []byte {
	p := newPrinter(f)
	p.decls(f.Decls)
	p.flushAll()
	return render(p.lines)
}

// Source parses src, and returns its canonical form, or the parse
// diagnostics.
//
// It re-parses its own output and compares ast.Dump of both trees and the
// sequence of comment texts; if they differ (a formatter bug), it returns
// an error diagnostic (CodeFormatChangedMeaning) and no output: the
// formatter never changes meaning. Warnings of the parse are returned with
// the output.
func Source(filename string, src []byte) ([]byte, diag.List) {
	f, diags := parser.ParseFile(filename, src)
	if diags.HasErrors() {
		return nil, diags
	}
	out := File(f)
	if detail := verify(filename, f, out); detail != "" {
		return nil, append(diags, changedMeaning(filename, detail))
	}
	return out, diags
}

// verify parses out, the formatted text of f, and returns "" if it means
// what f means and has its comments, else what differs.
func verify(filename string, f *ast.File, out []byte) string {
	g, diags := parser.ParseFile(filename, out)
	if diags.HasErrors() {
		return "the output does not parse: " + diags[0].Error()
	}
	if a, b := ast.Dump(f), ast.Dump(g); a != b {
		return "the trees differ: " + firstDifference(a, b)
	}
	a, b := commentTexts(f), commentTexts(g)
	if len(a) != len(b) {
		return fmt.Sprintf("the input has %d comments, the output %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			return fmt.Sprintf("comment %d changed from %q to %q", i+1, a[i], b[i])
		}
	}
	return ""
}

// commentTexts returns the texts of f's comments, in order, without
// trailing blanks.
func commentTexts(f *ast.File) []string {
	out := make([]string, len(f.Comments))
	for i, c := range f.Comments {
		out[i] = strings.TrimRight(c.Text, " \t\r")
	}
	return out
}

// firstDifference describes the first line where two dumps differ.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < min(len(al), len(bl)); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d of the dump is %q in the input, %q in the output",
				i+1, strings.TrimSpace(al[i]), strings.TrimSpace(bl[i]))
		}
	}
	return fmt.Sprintf("the dumps have %d and %d lines", len(al), len(bl))
}

// changedMeaning is the diagnostic of a formatter bug.
func changedMeaning(filename, detail string) diag.Diagnostic {
	start := pos.Pos{Offset: 0, Line: 1, Col: 1}
	return diag.Diagnostic{
		Severity: diag.Error,
		Code:     CodeFormatChangedMeaning,
		File:     filename,
		Range:    pos.Span{Start: start, End: start},
		Message:  "formatting would change the meaning of the file (a formatter bug); the file is left as it is",
		Detail:   detail,
	}
}
