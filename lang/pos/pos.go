// Package pos holds source positions: the one small type every phase of
// Journey uses to point into a .journey file.
//
// A Pos is a byte offset together with a 1-based line and a 1-based column.
// The column counts bytes from the start of the line, as Go's go/token does;
// a UTF-8 byte-order mark that opens the text is not part of the first line,
// so the first character of a file is at 1:1 with or without one. Renderers that need characters (a caret under a non-ASCII line) or UTF-16
// units (the language server) convert at their boundary. A Span is the
// half-open byte range [Start, End).
package pos

import (
	"bytes"
	"fmt"
	"math"
	"sort"
)

// BOM is the UTF-8 byte-order mark. At the start of a text it is skipped:
// it belongs to no line and no token.
const BOM = "\ufeff"

// bomLen is the length of the byte-order mark that opens src: 0 or 3.
func bomLen(src []byte) int {
	if bytes.HasPrefix(src, []byte(BOM)) {
		return len(BOM)
	}
	return 0
}

// Pos is one point in a source file. Its numbers are held in 32 bits, as
// the parser reads no file over 4 MiB: a tree holds many positions.
type Pos struct {
	Offset int32 // byte offset from the start of the file, 0-based
	Line   int32 // 1-based line number
	Col    int32 // 1-based column, in bytes
}

// At returns the position of a byte offset at a line and a column. A
// number past math.MaxInt32, in a text over 2 GiB, is held as
// math.MaxInt32.
func At(offset, line, col int) Pos {
	return Pos{Offset: clamp(offset), Line: clamp(line), Col: clamp(col)}
}

// clamp returns n in 32 bits, math.MaxInt32 if it is larger, and
// math.MinInt32 if it is smaller.
func clamp(n int) int32 {
	return int32(min(max(n, math.MinInt32), math.MaxInt32))
}

// IsValid reports whether p was set (Line 0 marks a missing position).
func (p Pos) IsValid() bool { return p.Line > 0 }

// String is "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Before reports whether p comes before q in the file.
func (p Pos) Before(q Pos) bool { return p.Offset < q.Offset }

// Span is a half-open range of a source file: Start is the first byte,
// End the byte after the last.
type Span struct {
	Start Pos
	End   Pos
}

// IsValid reports whether the span was set.
func (s Span) IsValid() bool { return s.Start.IsValid() }

// String is "line:col-line:col".
func (s Span) String() string { return s.Start.String() + "-" + s.End.String() }

// Contains reports whether offset lies within the span.
func (s Span) Contains(offset int32) bool {
	return s.Start.Offset <= offset && offset < s.End.Offset
}

// Join returns the smallest span covering both a and b. An invalid span is
// ignored.
func Join(a, b Span) Span {
	if !a.IsValid() {
		return b
	}
	if !b.IsValid() {
		return a
	}
	out := a
	if b.Start.Offset < out.Start.Offset {
		out.Start = b.Start
	}
	if b.End.Offset > out.End.Offset {
		out.End = b.End
	}
	return out
}

// Lines converts byte offsets of one source text into positions.
type Lines struct {
	starts []int32 // byte offset of the first byte of each line
	size   int
}

// NewLines indexes the line starts of src. The first line starts after a
// byte-order mark. Of a text over 2 GiB only the first math.MaxInt32 bytes
// are indexed: the positions past them are clamped to the end of those.
func NewLines(src []byte) *Lines {
	src = src[:min(len(src), math.MaxInt32)]
	starts := make([]int32, 1, bytes.Count(src, []byte{'\n'})+1)
	starts[0] = int32(bomLen(src))
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, int32(i+1))
		}
	}
	return &Lines{starts: starts, size: len(src)}
}

// Pos returns the position of a byte offset. Offsets past the end are
// clamped to the end of the text.
func (l *Lines) Pos(offset int) Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > l.size {
		offset = l.size
	}
	i := max(sort.Search(len(l.starts), func(i int) bool { return int(l.starts[i]) > offset })-1, 0)
	return At(offset, i+1, max(offset-int(l.starts[i]), 0)+1)
}

// Span returns the span of the byte range [start, end).
func (l *Lines) Span(start, end int) Span { return Span{Start: l.Pos(start), End: l.Pos(end)} }

// Line returns the text of 1-based line n of src, the text l indexes,
// without its newline; nil if there is no such line. Unlike the function
// Line, it does not scan src.
func (l *Lines) Line(src []byte, n int) []byte {
	if n < 1 || n > len(l.starts) || l.size != len(src) {
		return nil
	}
	end := l.size
	if n < len(l.starts) {
		end = int(l.starts[n]) - 1
	}
	return src[l.starts[n-1]:end]
}

// Line returns the text of 1-based line n of src, without its newline (and
// without the byte-order mark that may open line 1).
func Line(src []byte, n int) []byte {
	line := 1
	start := bomLen(src)
	for i := start; i < len(src); i++ {
		if src[i] != '\n' {
			continue
		}
		if line == n {
			return src[start:i]
		}
		line++
		start = i + 1
	}
	if line == n {
		return src[start:]
	}
	return nil
}
