// Package parser reads .journey source into the ast package's tree.
//
// Input: a file name and its bytes. Output: an *ast.File, always (partial
// when the text is malformed), and the diagnostics found. It never panics.
//
// The phases, in order:
//
//  1. lex (lexer.go, cond.go): tokens with positions; conditions become
//     single Expr tokens of raw CEL text; comments are set aside for the
//     formatter.
//  2. chunk (this file): the tokens are cut before every top-level keyword
//     that starts a line outside any bracket — a declaration, a journey
//     clause or a stage — so one broken stage does not hide the rest of the
//     file. A chunk that fails is cut again at top-level keywords in column
//     1, which recovers from a block left unclosed.
//  3. parse (grammar.go): participle parses each chunk as one item.
//  4. lower (lower.go): the grammar structs become ast nodes, and the
//     journey clauses and stages that follow a journey header are gathered
//     into it.
//
// Limits on the size of a file, the depth of its nesting and the number of
// its errors (limits.go) stop each phase early on inputs that would
// otherwise run away.
package parser

import (
	"errors"
	"io"
	"unsafe"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/pos"
)

// definition satisfies participle's lexer.Definition for building the
// grammar; tokens always come ready-made from lex through ParseFromLexer.
type definition struct{}

func (definition) Symbols() map[string]lexer.TokenType { return symbols }

func (definition) Lex(string, io.Reader) (lexer.Lexer, error) {
	return nil, errors.New("journey tokens come from parser.lex")
}

var itemParser = participle.MustBuild[gItem](
	participle.Lexer(definition{}),
	// Every alternative starts with its own keyword, so once a branch has
	// taken a token it is the right one: commit, and report errors where
	// they are rather than where the failed branch began.
	participle.UseLookahead(0),
)

// sliceLexer hands participle a chunk of tokens, then eof for good.
type sliceLexer struct {
	toks []token
	eof  lexer.Token
	i    int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	if l.i == len(l.toks) {
		return l.eof, nil
	}
	l.i++
	return l.toks[l.i-1].Token, nil
}

type parser struct {
	file  string
	src   []byte
	lines *pos.Lines
	diags diag.List
	errs  int  // errors in diags
	full  bool // MaxErrors are reported: the rest of the file is not read

	out      *ast.File
	journey  *ast.Journey // the journey that clauses and stages join
	orphaned bool         // the last journey header failed: don't report its items
}

// ParseFile parses one .journey file. The tree's names and texts are
// copied from src, which the caller may change after.
//
// A file larger than MaxFileSize is not read: the tree holds one BadDecl.
func ParseFile(filename string, src []byte) (*ast.File, diag.List) {
	if len(src) > MaxFileSize {
		return oversized(filename, src)
	}
	return parse(filename, src, string(src))
}

// ParseOwned is ParseFile for a text that nobody changes once it is
// parsed, such as a file just read: the tree's names and texts share src's
// memory rather than a copy of it. Changing src after would change them.
func ParseOwned(filename string, src []byte) (*ast.File, diag.List) {
	if len(src) > MaxFileSize {
		return oversized(filename, src)
	}
	return parse(filename, src, unsafe.String(unsafe.SliceData(src), len(src)))
}

// parse parses src, whose text is also text: the tree's strings are cut
// from text.
func parse(filename string, src []byte, text string) (*ast.File, diag.List) {
	s := lex(filename, src, text)
	p := &parser{file: filename, src: src, lines: s.lines, diags: s.diags, errs: s.errs}
	p.full = s.errs > MaxErrors
	p.out = &ast.File{Name: filename, Pos: p.lines.Span(0, len(src))}
	// The tokens but comments and EOF, in place.
	code := s.toks[:0]
	for _, t := range s.toks {
		if t.Type == tComment {
			p.out.Comments = append(p.out.Comments, &ast.Comment{Text: t.Value, Pos: p.tokenSpan(t.Token)})
			continue
		}
		if !t.EOF() {
			code = append(code, t)
		}
	}
	cs := chunks(code, atItemStart)
	for i, c := range cs {
		if p.full || s.stopped && i == len(cs)-1 {
			// Reading stopped in this item: it and the rest of the file
			// are one bad node.
			p.bad(c[0], p.lines.Span(c[0].Pos.Offset, len(src)))
			break
		}
		p.parseChunk(c, true)
	}
	p.diags.Sort()
	return p.out, p.diags
}

// add records the diagnostic d, unless MaxErrors errors are reported
// already: then an error is reported as TooManyErrors, once, and the rest
// of the file is not read.
func (p *parser) add(d diag.Diagnostic) {
	if p.full {
		return
	}
	if d.Severity == diag.Error {
		if p.errs == MaxErrors {
			d = diag.Diagnostic{Severity: diag.Error, Code: CodeTooManyErrors, File: p.file, Range: d.Range, Message: tooManyErrors()}
			p.full = true
		}
		p.errs++
	}
	p.diags = append(p.diags, d)
}

// atItemStart is where a file is cut into its top-level items: a token at
// depth 0 that begins its line.
func atItemStart(t token) bool { return t.depth == 0 && t.lineStart }

// atColumnOne is where an item that fails to parse is cut again: a token
// in column 1.
func atColumnOne(t token) bool { return t.Pos.Column == 1 }

// chunks cuts toks before every top-level keyword for which at holds.
func chunks(toks []token, at func(token) bool) [][]token {
	var out [][]token
	start := 0
	for i, t := range toks {
		if i > start && startsItem(toks[start:i+1]) && at(t) {
			out = append(out, toks[start:i])
			start = i
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

// startsItem reports whether the last of item, the tokens of an item so
// far, is a keyword that begins a new one. `on` begins `on change WORD`,
// except where it continues the header of an entry or a stage written over
// several lines: right after `entry`, or after `stage NAME`.
func startsItem(item []token) bool {
	t := item[len(item)-1]
	if t.Type != tIdent {
		return false
	}
	if t.Value != "on" {
		return topKeywords[t.Value]
	}
	n := len(item) - 1 // tokens before the `on`
	switch item[0].Value {
	case "entry":
		return n != 1
	case "stage":
		return n != 2
	}
	return true
}

// parseChunk parses one top-level item. On failure it retries the chunk cut
// at column-1 keywords (when retry is set), else reports the error and
// leaves a bad node.
func (p *parser) parseChunk(c []token, retry bool) {
	g, err := p.parseTokens(c)
	if err == nil {
		p.lowerItem(g)
		return
	}
	if retry {
		if parts := chunks(c, atColumnOne); len(parts) > 1 {
			for _, part := range parts {
				p.parseChunk(part, false)
			}
			return
		}
	}
	span := p.lines.Span(c[0].Pos.Offset, endOf(c[len(c)-1].Token))
	if !p.lexErrorIn(span) {
		p.add(p.syntaxError(err, c))
	}
	p.bad(c[0], span)
}

func (p *parser) parseTokens(c []token) (*gItem, error) {
	end := p.lines.Pos(endOf(c[len(c)-1].Token))
	eof := lexer.Token{Type: lexer.EOF, Pos: position(p.file, end)}
	plex, err := lexer.Upgrade(&sliceLexer{toks: c, eof: eof})
	if err != nil {
		return nil, err
	}
	return itemParser.ParseFromLexer(plex)
}

// lexErrorIn reports whether the lexer already found an error in span; the
// parse error that follows from it would only repeat it.
func (p *parser) lexErrorIn(span pos.Span) bool {
	for _, d := range p.diags {
		if d.Severity == diag.Error && d.Range.Start.Offset >= span.Start.Offset && d.Range.Start.Offset <= span.End.Offset {
			return true
		}
	}
	return false
}

// bad records a chunk that did not parse.
func (p *parser) bad(first token, span pos.Span) {
	switch first.Value {
	case "use", "contact", "event", "budget", "team", "rule", "holidays", "test":
		p.journey, p.orphaned = nil, false
		p.out.Decls = append(p.out.Decls, &ast.BadDecl{Pos: span})
	case "journey":
		p.journey, p.orphaned = nil, true
		p.out.Decls = append(p.out.Decls, &ast.BadDecl{Pos: span})
	default:
		if p.journey != nil {
			p.journey.Items = append(p.journey.Items, &ast.BadItem{Pos: span})
			p.journey.Pos = pos.Join(p.journey.Pos, span)
			return
		}
		// An unknown declaration: what follows may belong to it.
		p.orphaned = true
		p.out.Decls = append(p.out.Decls, &ast.BadDecl{Pos: span})
	}
}

func endOf(t lexer.Token) int { return t.Pos.Offset + len(t.Value) }

func (p *parser) tokenSpan(t lexer.Token) pos.Span {
	return p.lines.Span(t.Pos.Offset, endOf(t))
}

// OnlyTests reports whether src is a file of tests alone: it has a
// top-level item, every one begins with `test`, and none would be cut at a
// keyword in column 1 were it not to parse. ParseFile then makes of each
// item a Test, or a BadDecl where it fails: the file declares nothing but
// tests, whatever its errors. It lexes src without parsing it.
func OnlyTests(src []byte) bool {
	if len(src) > MaxFileSize {
		return false
	}
	s := lex("", src, unsafe.String(unsafe.SliceData(src), len(src)))
	var code []token
	for _, t := range s.toks {
		if t.Type != tComment && !t.EOF() {
			code = append(code, t)
		}
	}
	items := chunks(code, atItemStart)
	for _, c := range items {
		if c[0].Type != tIdent || c[0].Value != "test" {
			return false
		}
		if len(chunks(c, atColumnOne)) > 1 {
			return false
		}
	}
	return len(items) > 0
}
