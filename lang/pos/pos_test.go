package pos

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLines(t *testing.T) {
	src := []byte("ab\n\nc\r\ndé\n")
	l := NewLines(src)
	tests := []struct {
		offset int
		want   Pos
	}{
		{0, Pos{0, 1, 1}},
		{2, Pos{2, 1, 3}},   // the newline ends line 1
		{3, Pos{3, 2, 1}},   // the empty line
		{4, Pos{4, 3, 1}},   // c
		{5, Pos{5, 3, 2}},   // \r counts as a byte of line 3
		{8, Pos{8, 4, 2}},   // é starts at byte column 2
		{10, Pos{10, 4, 4}}, // after é's two bytes
		{11, Pos{11, 5, 1}}, // the end of the text
		{99, Pos{11, 5, 1}}, // past the end: clamped
		{-4, Pos{0, 1, 1}},  // before the start: clamped
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, l.Pos(tt.offset)); diff != "" {
			t.Errorf("Pos(%d) (-want +got):\n%s", tt.offset, diff)
		}
	}
}

// TestLinesBOM checks that a byte-order mark opening the text belongs to no
// line: the first character after it is at 1:1.
func TestLinesBOM(t *testing.T) {
	src := []byte(BOM + "ab\nc")
	l := NewLines(src)
	for offset, want := range map[int]Pos{
		0: {0, 1, 1}, // inside the mark: clamped to the first column
		3: {3, 1, 1}, // a
		4: {4, 1, 2}, // b
		6: {6, 2, 1}, // c
	} {
		if diff := cmp.Diff(want, l.Pos(offset)); diff != "" {
			t.Errorf("Pos(%d) (-want +got):\n%s", offset, diff)
		}
	}
	if got := string(Line(src, 1)); got != "ab" {
		t.Errorf("Line(1) = %q, want %q", got, "ab")
	}
}

func TestLine(t *testing.T) {
	src := []byte("one\ntwo\nthree")
	for n, want := range map[int]string{1: "one", 2: "two", 3: "three", 4: ""} {
		if got := string(Line(src, n)); got != want {
			t.Errorf("Line(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestLinesLine checks that Lines.Line agrees with Line on every line
// number, those out of range included.
func TestLinesLine(t *testing.T) {
	for _, src := range []string{"", "one", "one\ntwo\nthree", "one\n", "\n\n", "a\r\nb\r\n", BOM + "one\ntwo", BOM} {
		l := NewLines([]byte(src))
		for n := -1; n <= 5; n++ {
			want, got := Line([]byte(src), n), l.Line([]byte(src), n)
			if string(got) != string(want) || (got == nil) != (want == nil) {
				t.Errorf("%q: Lines.Line(%d) = %q, want %q", src, n, got, want)
			}
		}
	}
}

func TestJoin(t *testing.T) {
	l := NewLines([]byte("abcdef"))
	a, b := l.Span(1, 2), l.Span(4, 6)
	if got := Join(a, b); got != l.Span(1, 6) {
		t.Errorf("Join = %v, want 1:2-1:7", got)
	}
	if got := Join(Span{}, b); got != b {
		t.Errorf("Join with an invalid span = %v, want %v", got, b)
	}
	if !l.Span(1, 3).Contains(2) || l.Span(1, 3).Contains(3) {
		t.Error("Contains is not half-open")
	}
}

// TestAt checks that At keeps the numbers of a position as they are, and
// holds one past 32 bits as math.MaxInt32 rather than wrapping it.
func TestAt(t *testing.T) {
	if got, want := At(4<<20, 70_000, 3_000), (Pos{Offset: 4 << 20, Line: 70_000, Col: 3_000}); got != want {
		t.Errorf("At(4 MiB, 70000, 3000) = %+v, want %+v", got, want)
	}
	if got := At(math.MaxInt32+1, 1, 5<<30); got.Offset != math.MaxInt32 || got.Line != 1 || got.Col != math.MaxInt32 {
		t.Errorf("At past 32 bits = %+v, want its offset and column held at %d", got, math.MaxInt32)
	}
	if got := At(-5, 1, 1); got.Offset != -5 {
		t.Errorf("At(-5, 1, 1) has offset %d, want -5", got.Offset)
	}
}
