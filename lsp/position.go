package lsp

import (
	"unicode/utf16"
	"unicode/utf8"

	"github.com/journeylang/journey/lang/pos"
	"go.lsp.dev/protocol"
)

// The protocol counts a line's characters in UTF-16 code units; the rest of
// Journey counts bytes. These functions are the only place the two meet.

// offsetOf returns the byte offset in src of the protocol position p. A
// line past the end gives len(src); a character past the end of its line
// gives the line's end; a character inside a surrogate pair gives the
// start of its rune.
func offsetOf(src []byte, p protocol.Position) int {
	off := 0
	for line := uint32(0); line < p.Line; line++ {
		i := indexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	units := uint32(0)
	for off < len(src) && src[off] != '\n' {
		r, size := utf8.DecodeRune(src[off:])
		n := uint32(utf16.RuneLen(r))
		if r == utf8.RuneError || utf16.RuneLen(r) < 0 {
			n = 1
		}
		if units+n > p.Character {
			break
		}
		units += n
		off += size
	}
	return off
}

// positionOf returns the protocol position of byte offset off in src.
// Offsets outside src are clamped to it.
func positionOf(src []byte, off int) protocol.Position {
	off = max(0, min(off, len(src)))
	var line uint32
	start := 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return protocol.Position{Line: line, Character: utf16Units(src[start:off])}
}

// utf16Units counts the UTF-16 code units of b; a byte that is no UTF-8
// counts as one.
func utf16Units(b []byte) uint32 {
	units := uint32(0)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		n := utf16.RuneLen(r)
		if n < 0 {
			n = 1
		}
		units += uint32(n)
		i += size
	}
	return units
}

// rangeOf converts a byte span of src to a protocol range. An invalid span
// becomes the start of the file.
func rangeOf(src []byte, s pos.Span) protocol.Range {
	if !s.IsValid() {
		return protocol.Range{}
	}
	end := s.End
	if end.Offset < s.Start.Offset {
		end = s.Start
	}
	return protocol.Range{Start: positionAt(src, s.Start), End: positionAt(src, end)}
}

// positionAt is positionOf(src, p.Offset), reading the line from p when
// p's line and column agree with its offset, so that it costs the length
// of the line and not of the file.
func positionAt(src []byte, p pos.Pos) protocol.Position {
	off := int(p.Offset)
	start := off - (int(p.Col) - 1)
	if p.Line < 1 || p.Col < 1 || start < 0 || off > len(src) || (start > 0 && src[start-1] != '\n') || indexByte(src[start:off], '\n') >= 0 {
		return positionOf(src, off)
	}
	return protocol.Position{Line: uint32(p.Line - 1), Character: utf16Units(src[start:off])}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
