package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/journeylang/journey/lang/pos"
)

// Render writes d in its text form: the header d.Error(), then the source
// line under a line-number gutter, a caret line underlining d.Range, and the
// detail:
//
//	lead.journey:3:3: unknown step "sned"
//	   3 |   sned "welcome"
//	     |   ^^^^ did you mean "send"?
//	     = steps are send, notify, task, …
//
// The carets cover the range on its first line; a range that runs onto
// later lines is underlined to the end of the first, an empty one gets a
// single caret. Columns are byte columns, so the padding before the carets
// copies the source line's tabs and takes one space for each character,
// however many bytes it has; each caret likewise stands for one character.
// A line longer than maxLine bytes is cut to a window of that size around
// the start of the range, with an ellipsis at each cut end, so a rendering
// never grows with the length of a line.
//
// If src is nil, the range is invalid or its line is not in src, only the
// header is written.
func Render(w io.Writer, d Diagnostic, src []byte) {
	var line []byte
	if src != nil && d.Range.IsValid() {
		line = pos.Line(src, int(d.Range.Start.Line))
	}
	render(w, d, line)
}

// render is Render with the source line of d's range already found: nil if
// there is none.
func render(w io.Writer, d Diagnostic, line []byte) {
	var b strings.Builder
	b.WriteString(d.Error())
	b.WriteString("\n")
	gutter := 4
	if line != nil {
		gutter = max(gutter, len(strconv.Itoa(int(d.Range.Start.Line))))
		shown, r := clip(printable(bytes.TrimSuffix(line, []byte("\r"))), d.Range)
		fmt.Fprintf(&b, "%*d | %s\n", gutter, d.Range.Start.Line, shown)
		fmt.Fprintf(&b, "%*s | %s", gutter, "", caretLine(shown, r))
		if d.Suggestion != "" {
			fmt.Fprintf(&b, " did you mean %q?", d.Suggestion)
		}
		b.WriteString("\n")
	}
	if line != nil && d.Detail != "" {
		indent := strings.Repeat(" ", gutter)
		for i, l := range strings.Split(strings.TrimRight(d.Detail, "\n"), "\n") {
			sep := " = "
			if i > 0 {
				sep = "   "
			}
			b.WriteString(strings.TrimRight(indent+sep+l, " "))
			b.WriteString("\n")
		}
	}
	io.WriteString(w, b.String())
}

// maxLine is the length, in bytes, of the longest source line a rendering
// shows whole; clipLead is how much of a longer line is shown before the
// start of the range.
const (
	maxLine  = 200
	clipLead = 60
)

// printable returns line with each byte of an invalid UTF-8 sequence and
// of a control character but tab replaced by '?', so that a rendering
// never sends a terminal its escape sequences and keeps every byte column
// where it was.
func printable(line []byte) []byte {
	var out []byte
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if (r == utf8.RuneError && size == 1) || (unicode.IsControl(r) && r != '\t') {
			if out == nil {
				out = bytes.Clone(line)
			}
			copy(out[i:i+size], bytes.Repeat([]byte{'?'}, size))
		}
		i += size
	}
	if out == nil {
		return line
	}
	return out
}

// ellipsis marks where clip cut a line.
const ellipsis = "…"

// clip returns line, the text of r's first line, cut to a window of
// maxLine bytes around r's start when it is longer, and r with its columns
// moved to match; the window starts and ends on character boundaries. A
// range that runs past the window is underlined to its end.
func clip(line []byte, r pos.Span) ([]byte, pos.Span) {
	if len(line) <= maxLine {
		return line, r
	}
	start := min(max(int(r.Start.Col)-1, 0), len(line))
	from := max(start-clipLead, 0)
	to := min(from+maxLine, len(line))
	for from > 0 && !utf8.RuneStart(line[from]) {
		from--
	}
	for to < len(line) && !utf8.RuneStart(line[to]) {
		to--
	}
	var shown []byte
	shift := -from
	if from > 0 {
		shown = append(shown, ellipsis...)
		shift += len(ellipsis)
	}
	shown = append(shown, line[from:to]...)
	end := len(shown)
	if to < len(line) {
		shown = append(shown, ellipsis...)
	}
	out := r
	out.Start.Col = int32(start + shift + 1)
	switch {
	case r.End.Line > r.Start.Line || r.End.Line == r.Start.Line && int(r.End.Col)-1 > to:
		out.End = pos.Pos{Line: r.Start.Line, Col: int32(end + 1)}
	case r.End.Line == r.Start.Line:
		out.End.Col = int32(max(int(r.End.Col)-1, start) + shift + 1)
	}
	return shown, out
}

// caretLine returns the padding and carets that underline r on line, the
// text of r's first line.
func caretLine(line []byte, r pos.Span) string {
	start := min(max(int(r.Start.Col)-1, 0), len(line))
	var end int
	switch {
	case r.End.Line > r.Start.Line:
		end = len(line) // to the end of the first line
	case r.End.Line == r.Start.Line:
		end = min(max(int(r.End.Col)-1, start), len(line))
	default:
		end = start // no end, or an end before the start: one caret
	}
	var b strings.Builder
	for i := 0; i < start; {
		c, size := utf8.DecodeRune(line[i:])
		if c == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		i += size
	}
	n := utf8.RuneCount(line[start:end])
	b.WriteString(strings.Repeat("^", max(n, 1)))
	return b.String()
}

// MaxShownPerFile is how many diagnostics of one file RenderAll writes out
// in full: enough to fix the first of them, few enough that a file of
// garbage prints a screenful, not pages. The rest are counted on one line.
const MaxShownPerFile = 10

// RenderAll renders the diagnostics of l in order, each against its file's
// text in sources (a missing file renders without source). Of each file it
// renders the first MaxShownPerFile; after the last of them comes one line
// that counts the others, such as "g.journey: and 91 more errors". The
// lines of a file with several diagnostics are indexed once, so the time
// it takes grows with the size of the files and the number of
// diagnostics, not with their product; a file with one is only scanned.
func RenderAll(w io.Writer, l List, sources map[string][]byte) {
	count := make(map[string]int)
	for _, d := range l {
		count[d.File]++
	}
	shown := make(map[string]int)
	hidden := make(map[string]*[2]int) // errors and warnings not shown, by file
	index := make(map[string]*pos.Lines)
	for _, d := range l {
		count[d.File]--
		if shown[d.File] == MaxShownPerFile {
			h := hidden[d.File]
			if h == nil {
				h = new([2]int)
				hidden[d.File] = h
			}
			if d.Severity == Error {
				h[0]++
			} else {
				h[1]++
			}
			if count[d.File] == 0 {
				fmt.Fprintf(w, "%s: and %s\n", d.File, moreOf(h[0], h[1]))
			}
			continue
		}
		shown[d.File]++
		src := sources[d.File]
		var line []byte
		switch {
		case src == nil || !d.Range.IsValid():
		case count[d.File] == 0 && shown[d.File] == 1:
			line = pos.Line(src, int(d.Range.Start.Line))
		default:
			lines, ok := index[d.File]
			if !ok {
				lines = pos.NewLines(src)
				index[d.File] = lines
			}
			line = lines.Line(src, int(d.Range.Start.Line))
		}
		render(w, d, line)
	}
}

// moreOf says how many errors and warnings were not shown: "3 more
// errors", "1 more warning", "2 more errors and 1 warning".
func moreOf(errs, warnings int) string {
	var parts []string
	if errs > 0 {
		parts = append(parts, counted(errs, "more error"))
	}
	if warnings > 0 {
		noun := "warning"
		if errs == 0 {
			noun = "more warning"
		}
		parts = append(parts, counted(warnings, noun))
	}
	return strings.Join(parts, " and ")
}

// counted is "1 NOUN" or "N NOUNs".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// jsonDiagnostic is the JSON form of a Diagnostic.
type jsonDiagnostic struct {
	File       string    `json:"file"`
	Severity   Severity  `json:"severity"`
	Code       Code      `json:"code"`
	Message    string    `json:"message"`
	Detail     string    `json:"detail,omitempty"`
	Suggestion string    `json:"suggestion,omitempty"`
	Range      jsonRange `json:"range"`
}

type jsonRange struct {
	Start jsonPos `json:"start"`
	End   jsonPos `json:"end"`
}

type jsonPos struct {
	Offset int32 `json:"offset"` // 0-based byte offset
	Line   int32 `json:"line"`   // 1-based
	Column int32 `json:"column"` // 1-based, in bytes
}

// MarshalJSON encodes d as
//
//	{"file": …, "severity": "error", "code": …, "message": …,
//	 "detail": …, "suggestion": …,
//	 "range": {"start": {"offset": …, "line": …, "column": …}, "end": {…}}}
//
// with detail and suggestion left out when empty.
func (d Diagnostic) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonDiagnostic{
		File:       d.File,
		Severity:   d.Severity,
		Code:       d.Code,
		Message:    d.Message,
		Detail:     d.Detail,
		Suggestion: d.Suggestion,
		Range: jsonRange{
			Start: jsonPos{d.Range.Start.Offset, d.Range.Start.Line, d.Range.Start.Col},
			End:   jsonPos{d.Range.End.Offset, d.Range.End.Line, d.Range.End.Col},
		},
	})
}

// UnmarshalJSON decodes the form MarshalJSON writes.
func (d *Diagnostic) UnmarshalJSON(data []byte) error {
	var j jsonDiagnostic
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*d = Diagnostic{
		Severity:   j.Severity,
		Code:       j.Code,
		File:       j.File,
		Message:    j.Message,
		Detail:     j.Detail,
		Suggestion: j.Suggestion,
		Range: pos.Span{
			Start: pos.Pos{Offset: j.Range.Start.Offset, Line: j.Range.Start.Line, Col: j.Range.Start.Column},
			End:   pos.Pos{Offset: j.Range.End.Offset, Line: j.Range.End.Line, Col: j.Range.End.Column},
		},
	}
	return nil
}

// JSON returns l as an indented JSON array of diagnostics in MarshalJSON's
// form, without a trailing newline. An empty list is "[]".
func (l List) JSON() ([]byte, error) {
	if l == nil {
		l = List{}
	}
	return json.MarshalIndent(l, "", "  ")
}
