package parser

// Limits keep the front end bounded: whatever the input, parsing (and
// formatting and checking, which work on the tree) takes time and memory in
// proportion to the part of the file that is read, and never reads more
// than a fixed amount. Three limits do it, each reported with a positioned
// diagnostic rather than by running out of time or memory:
//
//   - MaxFileSize. A larger file is not read at all: ParseFile reports
//     OversizedFile at the first byte past the limit and returns a file that
//     holds one BadDecl.
//   - MaxNesting. Blocks and brackets nest at most this many levels. The
//     lexer counts levels as it opens brackets; an `else if` counts one level
//     deeper than the `if` it continues, as the tree nests it there
//     (ast.If.ElseIf). The opener that would pass the limit is reported
//     (ExcessiveNesting) and lexing stops there.
//   - MaxErrors. A file reports at most this many errors; the next one is
//     reported as TooManyErrors instead, and reading stops there.
//
// When lexing stops early, nothing after that point is read: the items
// before the one it stopped in are parsed as usual, and that item and the
// rest of the file become one bad node. An input far over a limit thus
// costs no more than one just at it.

import (
	"bytes"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/pos"
)

// MaxFileSize is the size, in bytes, of the largest file the parser reads:
// 4 MiB, hundreds of times the largest journey of the examples and tests
// (under 8 KB), and parsed, checked or formatted in seconds.
const MaxFileSize = 4 << 20

// MaxNesting is the deepest nesting of blocks and brackets: ten times the
// deepest of the examples and tests, which nest at most 9 levels. The
// nesting multiplies what the formatter prints (two spaces of indentation
// per level), so it bounds the output's size too.
const MaxNesting = 100

// MaxErrors is the number of errors reported for one file before the
// parser stops reading it.
const MaxErrors = 100

// push opens a bracket of kind at offset at, unless that passes MaxNesting:
// then it reports the bracket and stops lexing.
func (s *scanner) push(kind byte, at int) {
	level := 1 + s.chain
	if n := len(s.stack); n > 0 {
		level += s.stack[n-1].level
	}
	if level > MaxNesting {
		s.report(diag.Diagnostic{
			Code: CodeExcessiveNesting, Range: s.lines.Span(at, at+1),
			Message: excessiveNesting(s.src[at], level), Detail: excessiveNestingDetail,
		})
		s.stopped = true
		return
	}
	s.stack = append(s.stack, opener{kind: kind, at: at, level: level, chain: s.chain})
	s.chain = 0
}

// pop closes the brackets from stack[i] up, and takes back the if chain
// that was being counted outside stack[i].
func (s *scanner) pop(i int) {
	s.chain = s.stack[i].chain
	s.stack = s.stack[:i]
}

// countChain follows the if chain at the current level as the word w is
// lexed after prev, the word before it: an `if` right after `else` makes
// the chain one longer, any other `if` starts a new one, and any other
// word but `else` ends it.
func (s *scanner) countChain(prev, w string) {
	switch {
	case w == "if" && prev == "else":
		s.chain++
	case w != "else":
		s.chain = 0
	}
}

// oversized is what ParseFile returns for src when it is larger than
// MaxFileSize: a file holding one BadDecl, and OversizedFile at the first
// byte past the limit. Only src's newlines are counted, so it costs no
// memory in proportion to src.
func oversized(filename string, src []byte) (*ast.File, diag.List) {
	at := offsetPos(src, MaxFileSize)
	span := pos.Span{Start: pos.Pos{Offset: 0, Line: 1, Col: 1}, End: offsetPos(src, len(src))}
	f := &ast.File{Name: filename, Pos: span, Decls: []ast.Decl{&ast.BadDecl{Pos: span}}}
	return f, diag.List{{
		Severity: diag.Error, Code: CodeOversizedFile, File: filename,
		Range:   pos.Span{Start: at, End: offsetPos(src, MaxFileSize+1)},
		Message: oversizedFile(len(src)),
		Detail:  oversizedFileDetail,
	}}
}

// offsetPos returns the position of offset in src, by counting newlines.
func offsetPos(src []byte, offset int) pos.Pos {
	before := src[:offset]
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return pos.At(offset, bytes.Count(before, []byte{'\n'})+1, offset-lineStart+1)
}
