package format

// The printer walks the tree once, in source order, and appends output
// lines to a list; a second pass (align.go) pads the alignment columns and
// the trailing comments and joins the lines into text.
//
// # Comments
//
// Comments are not nodes: ast.File.Comments holds them all, in source
// order, and the printer keeps them in a queue. Every line the printer
// writes for the tree is tied to two places in the source: the line where
// the construct it prints starts, and the end of the last token the line
// shows (a one-line step's last word, the `{` of a block header, the `}`
// of a closing line). Around each such line:
//
//  1. Before the line, every queued comment that starts before the end of
//     that last token is printed on its own line at the line's
//     indentation. That is the comments above the construct, and also
//     those inside a construct that prints on one line (a multi-line
//     header, a payload written over several lines but printed inline):
//     they move before it. Closing lines (`}`, `} else {`, `} timeout {`)
//     print these comments at the inner indentation, so a comment before a
//     closing brace stays inside its block.
//  2. The line itself is appended.
//  3. If the comment now at the head of the queue starts on the source
//     line where the last token ends, it becomes the line's trailing
//     comment. When several constructs shared that source line (`send "a"
//     send "b" // c`, or a one-line block that opens up), the comment
//     trails the first of them to print a line there.
//
// A block prints as `{}` only when it has no steps and no comment inside,
// so a comment in an empty block stays in it. The tree keeps the spans of
// the braces of step blocks and splits, but not of contact, event, object
// and test blocks: their `{` is taken to be on the line of the header's
// last token, which only decides whether a comment after it trails the
// header or goes on its own line inside.
//
// At the end of the file the queue is flushed as own-line comments. As
// comments leave the queue only from its head, none is lost or reordered;
// a comment that moved (before a one-line construct, or inside a block
// from after its closing brace) is found in the same place when the output
// is formatted again, so formatting is idempotent.
//
// # Blank lines
//
// Before an own-line comment or a line that starts a construct, the
// printer writes one blank line if the source had a blank line there: if
// the thing starts more than one line below the last source line printed.
// Runs of blank lines thus collapse to one. No blank line follows an
// opening brace or the start of the file (the printer is "fresh" then),
// and none precedes a closing brace, because closing lines never ask for
// one. Top-level items (declarations, and the journey's clauses and
// stages) get exactly one blank line between them when either prints on
// several lines; see top.

import (
	"math"
	"sort"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// runKind says which alignment run a line can join: consecutive lines of
// the same kind at the same indentation have their first cell padded to
// the same width. Zero joins no run.
type runKind int

const (
	noRun     runKind = iota
	clauseRun         // journey clauses: the keyword
	afterRun          // steps with an `after` prefix: `after D`
	fieldRun          // one-line schema fields: `name:`
	eventRun          // one-line event declarations: `event NAME`
	testRun           // `at`-prefixed and event/set/expect test statements
)

// line is one output line before alignment.
type line struct {
	indent  int      // in levels of two spaces
	cells   []string // one cell, or two for a line of a run; nil for a blank line
	kind    runKind  // the run the line may join
	comment string   // trailing comment, "" if none
	own     bool     // the line is an own-line comment
}

func (l line) blank() bool { return l.cells == nil }

// printer holds the state of one File call.
type printer struct {
	queue    []*ast.Comment // comments not printed yet, in source order
	lines    []line
	indent   int
	lastLine int32 // source line of the last token or comment printed; 0 before any
	fresh    bool  // at the start of the file or just after `{`: no blank line next
}

func newPrinter(f *ast.File) *printer {
	return &printer{queue: append([]*ast.Comment(nil), f.Comments...), fresh: true}
}

// gap writes a blank line if the source had one before a thing starting on
// source line l.
func (p *printer) gap(l int32) {
	if !p.fresh && p.lastLine > 0 && l > p.lastLine+1 {
		p.blankLine()
	}
	p.fresh = false
}

// blankLine appends a blank line unless the output ends with one or is
// empty.
func (p *printer) blankLine() {
	if n := len(p.lines); n > 0 && !p.lines[n-1].blank() {
		p.lines = append(p.lines, line{})
	}
}

// flush prints, as own-line comments at indentation indent, every queued
// comment that starts before offset.
func (p *printer) flush(offset int32, indent int) {
	for len(p.queue) > 0 && p.queue[0].Pos.Start.Offset < offset {
		c := p.queue[0]
		p.queue = p.queue[1:]
		p.gap(c.Pos.Start.Line)
		p.lines = append(p.lines, line{indent: indent, cells: []string{c.Text}, own: true})
		p.lastLine = max(p.lastLine, c.Pos.End.Line)
	}
}

// flushAll prints every comment left in the queue at indentation 0.
func (p *printer) flushAll() { p.flush(math.MaxInt32, 0) }

// trailing takes the head of the queue as the trailing comment of l if it
// starts on source line n.
func (p *printer) trailing(l *line, n int32) {
	if len(p.queue) > 0 && p.queue[0].Pos.Start.Line == n {
		l.comment = p.queue[0].Text
		p.queue = p.queue[1:]
	}
}

// emit prints one line of a construct that starts on source line start
// and whose last token on this line ends at end. A line of a run has two
// cells (see runKind); any other line one.
func (p *printer) emit(start int32, end pos.Pos, kind runKind, cells ...string) {
	p.flush(end.Offset, p.indent)
	p.gap(start)
	l := line{indent: p.indent, cells: cells, kind: kind}
	p.trailing(&l, end.Line)
	p.lines = append(p.lines, l)
	p.lastLine = max(p.lastLine, end.Line)
}

// open prints a line ending in `{`, end being the end of that brace in the
// source, and enters the block.
func (p *printer) open(start int32, end pos.Pos, kind runKind, cells ...string) {
	p.emit(start, end, kind, cells...)
	p.indent++
	p.fresh = true
}

// close leaves a block and prints its closing line, text, whose last token
// ends at end (the `}`, or the `{` of `} else {`). Comments before that
// token stay inside the block. If the closing line opens another block
// (`} else {`), reopen is set.
func (p *printer) close(end pos.Pos, text string, reopen bool) {
	p.flush(end.Offset, p.indent)
	p.indent--
	l := line{indent: p.indent, cells: []string{text}}
	p.trailing(&l, end.Line)
	p.lines = append(p.lines, l)
	p.lastLine = max(p.lastLine, end.Line)
	p.fresh = false
	if reopen {
		p.indent++
		p.fresh = true
	}
}

// commentsIn reports whether a queued comment starts in [start, end):
// a block that holds one prints on several lines, to keep it inside. The
// queue is in source order, so a binary search finds the first comment at
// or after start without walking the comments of every enclosing block.
func (p *printer) commentsIn(start, end int32) bool {
	i := sort.Search(len(p.queue), func(i int) bool { return p.queue[i].Pos.Start.Offset >= start })
	return i < len(p.queue) && p.queue[i].Pos.Start.Offset < end
}

// emptyBlock reports whether b can print as `{}`: it has no steps and no
// comments inside.
func (p *printer) emptyBlock(b *ast.Block) bool {
	return len(b.Steps) == 0 && !p.commentsIn(b.Open.Start.Offset, b.Close.Start.Offset)
}

// top prints one top-level item with print and keeps exactly one blank
// line between it and the previous one when either prints on several
// lines. prevMulti says whether the previous one did; top returns whether
// this one does. An item that prints nothing (a BadDecl) changes nothing.
func (p *printer) top(prevMulti bool, print func()) bool {
	start := len(p.lines)
	print()
	head := start
	for head < len(p.lines) && (p.lines[head].blank() || p.lines[head].own) {
		head++
	}
	if head == len(p.lines) {
		return prevMulti
	}
	multi := len(p.lines)-head > 1
	if (multi || prevMulti) && start > 0 && !p.lines[start].blank() {
		p.lines = append(p.lines, line{})
		copy(p.lines[start+1:], p.lines[start:])
		p.lines[start] = line{}
	}
	return multi
}
