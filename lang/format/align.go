package format

// Alignment is the printer's second pass. It works on whole output lines,
// after the tree walk has decided what goes on each:
//
//   - Cells. Consecutive lines of the same run kind at the same
//     indentation form a run (a blank line, an own-line comment, a line at
//     another indentation or of another kind ends it). The first cell of
//     every line of a run is padded to the width of the widest first cell
//     plus one space, so the second cells start in one column:
//
//     entry    on form_submitted
//     suppress when open_tickets > 0
//
//   - Trailing comments. Consecutive lines at the same indentation that
//     each carry a trailing comment have their comments start one space
//     after the longest of those lines, gofmt-style. A line whose text
//     spans several lines (a condition written over several lines) can
//     only start such a run: the comment follows its last line.
//
// Widths count characters (runes), not bytes. Lines are then joined with
// two spaces per indentation level; the text ends with exactly one
// newline, and blank lines at its start or end are dropped.

import (
	"strings"
	"unicode/utf8"
)

// render aligns lines and joins them into the output text.
func render(lines []line) []byte {
	for len(lines) > 0 && lines[0].blank() {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1].blank() {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return nil
	}
	texts := alignCells(lines)
	alignComments(lines, texts)
	var b strings.Builder
	for i, l := range lines {
		if !l.blank() {
			b.WriteString(strings.Repeat("  ", l.indent))
			b.WriteString(texts[i])
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// alignCells returns the text of each line (indentation left out, comment
// included where set later) with the first cells of runs padded.
func alignCells(lines []line) []string {
	texts := make([]string, len(lines))
	for i := 0; i < len(lines); {
		j := i + 1
		if inRun(lines[i]) {
			for j < len(lines) && inRun(lines[j]) && lines[j].kind == lines[i].kind && lines[j].indent == lines[i].indent {
				j++
			}
		}
		width := 0
		for k := i; k < j; k++ {
			if inRun(lines[k]) {
				width = max(width, utf8.RuneCountInString(lines[k].cells[0]))
			}
		}
		for k := i; k < j; k++ {
			l := lines[k]
			if !inRun(l) || l.cells[1] == "" {
				texts[k] = strings.Join(l.cells, " ")
				continue
			}
			pad := width + 1 - utf8.RuneCountInString(l.cells[0])
			texts[k] = l.cells[0] + strings.Repeat(" ", pad) + l.cells[1]
		}
		i = j
	}
	return texts
}

// inRun reports whether l can belong to an alignment run.
func inRun(l line) bool { return l.kind != noRun && len(l.cells) == 2 }

// alignComments appends the trailing comments to texts, aligned.
func alignComments(lines []line, texts []string) {
	for i := 0; i < len(lines); {
		if lines[i].comment == "" {
			i++
			continue
		}
		j := i + 1
		for j < len(lines) && lines[j].comment != "" && lines[j].indent == lines[i].indent &&
			!strings.Contains(texts[j], "\n") {
			j++
		}
		width := 0
		for k := i; k < j; k++ {
			width = max(width, visualWidth(lines[k], texts[k]))
		}
		for k := i; k < j; k++ {
			pad := width + 1 - visualWidth(lines[k], texts[k])
			texts[k] += strings.Repeat(" ", pad) + lines[k].comment
		}
		i = j
	}
}

// visualWidth is the width of the last output line of l, whose text is s:
// indentation included, except for the continuation lines of a text that
// spans several, which keep the blanks they were written with.
func visualWidth(l line, s string) int {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return utf8.RuneCountInString(s[i+1:])
	}
	return 2*l.indent + utf8.RuneCountInString(s)
}
