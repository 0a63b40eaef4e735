package parser

// The lexer is hand-written because Journey's tokens depend on context in
// ways a regular lexer cannot express:
//
//   - After `when`, `if`, `=` and the expression form of `expect`, the text up
//     to the end of the condition is one Expr token, kept verbatim for cel-go.
//     A condition ends at a newline (unless its last token is an operator, a
//     comma or an open bracket: then it continues on the next line), at a
//     closing bracket it did not open, at a block opener, at `within` in a
//     `wait for … when` condition and at `every` in a `rule … when`
//     condition, and at a `//` comment that follows a complete condition.
//   - `<` opens a block only where the next token begins a step (or is the
//     `>` of an empty block); everywhere else it is the less-than operator or
//     the bracket of `list<T>`. Inside an angle block, a `>` that is not
//     followed by an operand closes the block; otherwise it compares.
//   - `{` after a complete condition opens a block; after an operator it is
//     a CEL map literal.
//
// The lexer keeps a stack of open brackets to make those decisions, records
// for each token the depth of that stack and whether the token starts its
// line (the parser splits a file into top-level chunks with them), and never
// fails: bad characters, unterminated strings and unbalanced brackets become
// diagnostics, and lexing goes on — until a limit of limits.go is passed:
// then it stops.

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/pos"
)

// Token types.
const (
	tComment lexer.TokenType = iota + 1
	tIdent
	tString
	tInt
	tFloat
	tDuration
	tPercent
	tClock
	tExpr
	tBlockOpen  // `<` opening an angle block
	tBlockClose // `>` closing an angle block
	tPunct
)

var symbols = map[string]lexer.TokenType{
	"EOF":        lexer.EOF,
	"Comment":    tComment,
	"Ident":      tIdent,
	"String":     tString,
	"Int":        tInt,
	"Float":      tFloat,
	"Duration":   tDuration,
	"Percent":    tPercent,
	"Clock":      tClock,
	"Expr":       tExpr,
	"BlockOpen":  tBlockOpen,
	"BlockClose": tBlockClose,
	"Punct":      tPunct,
}

// stepKeywords begin a step; after `<` they make it a block opener.
var stepKeywords = map[string]bool{
	"after": true, "send": true, "notify": true, "task": true, "set": true,
	"tag": true, "untag": true, "webhook": true, "goto": true, "next": true,
	"exit": true, "if": true, "split": true, "wait": true,
}

// topKeywords begin a top-level item: a declaration, a clause or a stage.
// `on` begins one too (`on change WORD`) except where it continues an
// entry's or a stage's header: see startsItem.
var topKeywords = map[string]bool{
	"use": true, "contact": true, "event": true, "budget": true, "team": true, "rule": true, "holidays": true, "journey": true, "test": true,
	"entry": true, "exit": true, "goal": true, "suppress": true,
	"window": true, "cap": true, "reenter": true, "stage": true,
}

// expectKinds are the words after `expect` that are not a CEL condition.
var expectKinds = map[string]bool{
	"not": true, "stage": true, "sent": true, "notified": true, "task": true,
	"tagged": true, "exited": true, "goal": true, "suppressed": true,
	"capped": true, "arm": true, "enrolled": true, "unsubscribed": true,
}

// continuing tokens at the end of a line let a condition go on to the next.
var continuing = map[string]bool{
	"&&": true, "||": true, "==": true, "!=": true, "<": true, "<=": true,
	">": true, ">=": true, "+": true, "-": true, "*": true, "/": true,
	"%": true, "?": true, ":": true, "!": true, ".": true, ",": true,
	"in": true,
}

// token is a participle token with what the parser needs to chunk a file.
type token struct {
	lexer.Token
	depth     int  // open brackets around the token
	lineStart bool // first token on its line
}

// opener kinds on the bracket stack.
const (
	openBrace      = '{'
	openParen      = '('
	openBracket    = '['
	openAngleBlock = '<'
	openAngleType  = 'l' // the `<` of list<T> and map<K, V>
)

type opener struct {
	kind  byte
	at    int // byte offset
	level int // nesting level inside the bracket, 1 for the outermost; see push
	chain int // the if chain outside the bracket; see countChain
}

type scanner struct {
	file  string
	src   string
	lines *pos.Lines
	off   int

	stack    []opener
	toks     []token
	diags    diag.List
	stopWord string // a word that ends the next condition: `within` after `wait for`, `every` after `rule`
	line     int32  // line of the last token emitted

	chain    int    // `else if` links so far in the if chain at the current level
	prevWord string // the last token but comments if it is a word, else ""
	errs     int    // errors reported
	stopped  bool   // a limit was passed: nothing more is read
}

// lex splits src into tokens (comments included) and reports lexical
// errors. text holds the same bytes as src: the tokens' values are cut
// from it. The last token is EOF. The scanner it returns holds the tokens
// (toks), the diagnostics (diags), and whether a limit stopped it before
// the end of src (stopped).
func lex(file string, src []byte, text string) *scanner {
	s := &scanner{file: file, src: text, lines: pos.NewLines(src)}
	// A byte-order mark that opens the file is skipped, as Go skips it.
	if strings.HasPrefix(s.src, pos.BOM) {
		s.off = len(pos.BOM)
	}
	// Code has one token in 5 to 8 bytes, blanks aside (tests, with their
	// objects and quoted names, are the densest): room for one in 4.5
	// spares most files the slice's doubling, a copy and a half of it.
	s.toks = make([]token, 0, (len(src)-bytes.Count(src, []byte{' '}))*2/9+16)
	s.run()
	return s
}

func (s *scanner) errorf(start, end int, code diag.Code, msg string) {
	s.report(diag.Diagnostic{Code: code, Range: s.lines.Span(start, end), Message: msg})
}

// report records the error d, unless MaxErrors are reported already: then
// it reports TooManyErrors in its place and stops lexing.
func (s *scanner) report(d diag.Diagnostic) {
	if s.stopped {
		return
	}
	if s.errs == MaxErrors {
		d = diag.Diagnostic{Code: CodeTooManyErrors, Range: d.Range, Message: tooManyErrors()}
		s.stopped = true
	}
	s.errs++
	d.Severity, d.File = diag.Error, s.file
	s.diags = append(s.diags, d)
}

func (s *scanner) emit(typ lexer.TokenType, start, end int) {
	if s.stopped {
		return
	}
	if typ != tComment {
		s.prevWord = ""
		if typ == tIdent {
			s.prevWord = s.src[start:end]
		}
	}
	p := s.lines.Pos(start)
	s.toks = append(s.toks, token{
		Token: lexer.Token{
			Type:  typ,
			Value: s.src[start:end],
			Pos:   position(s.file, p),
		},
		depth:     len(s.stack),
		lineStart: p.Line != s.line || len(s.toks) == 0,
	})
	s.line = s.lines.Pos(end).Line
}

// position is p as participle's lexer writes it, in file.
func position(file string, p pos.Pos) lexer.Position {
	return lexer.Position{Filename: file, Offset: int(p.Offset), Line: int(p.Line), Column: int(p.Col)}
}

func (s *scanner) run() {
	for !s.stopped {
		s.skipSpace(true)
		if s.off >= len(s.src) {
			break
		}
		s.next()
	}
	for i := len(s.stack) - 1; i >= 0 && !s.stopped; i-- {
		o := s.stack[i]
		s.errorf(o.at, o.at+1, CodeUnclosedBlock, unclosed(o.kind))
	}
	p := s.lines.Pos(len(s.src))
	s.toks = append(s.toks, token{Token: lexer.Token{
		Type: lexer.EOF,
		Pos:  position(s.file, p),
	}, lineStart: true})
}

// skipSpace skips blanks, and newlines too when nl is set.
func (s *scanner) skipSpace(nl bool) {
	for s.off < len(s.src) {
		switch s.src[s.off] {
		case ' ', '\t', '\r':
		case '\n':
			if !nl {
				return
			}
		default:
			return
		}
		s.off++
	}
}

// next lexes one token in normal mode.
func (s *scanner) next() {
	start := s.off
	c := s.src[s.off]
	switch {
	case c == '/' && s.peekByte(1) == '/':
		s.off = s.lineEnd(s.off)
		s.emit(tComment, start, start+len(strings.TrimRight(s.src[start:s.off], " \t\r")))
	case isLetter(c):
		s.ident(start)
	case isDigit(c):
		s.number(start)
	case c == '"':
		s.str(start)
	default:
		s.punct(start, c)
	}
}

func (s *scanner) peekByte(n int) byte {
	if s.off+n < len(s.src) {
		return s.src[s.off+n]
	}
	return 0
}

// lineEnd returns the offset of the newline ending the line at off, or the
// end of the text.
func (s *scanner) lineEnd(off int) int {
	if i := strings.IndexByte(s.src[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(s.src)
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isWordByte(c byte) bool {
	return isLetter(c) || isDigit(c)
}

// word returns the end of the identifier starting at i.
func (s *scanner) word(i int) int {
	for i < len(s.src) && isWordByte(s.src[i]) {
		i++
	}
	return i
}

// nextWord returns the word at i after blanks (newlines and comments too
// when nl is set), and the offset just after the blanks.
func (s *scanner) nextWord(i int, nl bool) (string, int) {
	i = s.skipFrom(i, nl)
	if i < len(s.src) && isLetter(s.src[i]) {
		return s.src[i:s.word(i)], i
	}
	return "", i
}

// skipFrom skips blanks from i; with nl, newlines and comments too.
func (s *scanner) skipFrom(i int, nl bool) int {
	for i < len(s.src) {
		switch c := s.src[i]; {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case nl && c == '\n':
			i++
		case nl && c == '/' && i+1 < len(s.src) && s.src[i+1] == '/':
			i = s.lineEnd(i)
		default:
			return i
		}
	}
	return i
}

func (s *scanner) ident(start int) {
	s.off = s.word(start)
	w := s.src[start:s.off]
	s.countChain(s.prevWord, w)
	s.emit(tIdent, start, s.off)
	switch w {
	case "wait":
		if next, _ := s.nextWord(s.off, true); next == "for" {
			s.stopWord = "within"
		}
	case "rule":
		if !s.keyFollows() {
			s.stopWord = "every"
		}
	case "within", "every":
		s.stopWord = ""
	case "when", "if":
		if !s.keyFollows() {
			s.condition(false)
		}
	case "expect":
		// `expect sent "x"` names a kind; anything else is a condition,
		// and so is what follows `expect not` when it names no kind.
		if s.keyFollows() {
			return
		}
		next, i := s.nextWord(s.off, false)
		if next == "not" {
			s.off = i + len(next)
			s.emit(tIdent, i, s.off)
			next, i = s.nextWord(s.off, false)
		}
		if i >= len(s.src) || s.src[i] == '\n' || expectKinds[next] {
			return
		}
		s.condition(false)
	}
}

// keyFollows reports whether a `:` follows the word just lexed: then the
// word is a field or key name (`when: string`), not a keyword.
func (s *scanner) keyFollows() bool {
	i := s.skipFrom(s.off, false)
	return i < len(s.src) && s.src[i] == ':'
}

func (s *scanner) number(start int) {
	i := start
	for i < len(s.src) && isDigit(s.src[i]) {
		i++
	}
	at := func(j int) byte {
		if j < len(s.src) {
			return s.src[j]
		}
		return 0
	}
	// HH:MM
	if at(i) == ':' && isDigit(at(i+1)) && isDigit(at(i+2)) && !isDigit(at(i+3)) && i-start <= 2 {
		s.off = i + 3
		s.emit(tClock, start, s.off)
		return
	}
	typ := tInt
	if at(i) == '.' && isDigit(at(i+1)) {
		i += 2
		for isDigit(at(i)) {
			i++
		}
		typ = tFloat
	}
	switch {
	case at(i) == '%':
		i++
		typ = tPercent
	case isLetter(at(i)):
		for isWordByte(at(i)) {
			i++
		}
		typ = tDuration
	}
	s.off = i
	s.emit(typ, start, i)
}

func (s *scanner) str(start int) {
	i := start + 1
	for i < len(s.src) {
		switch s.src[i] {
		case '\\':
			i += 2
			continue
		case '"':
			s.off = i + 1
			s.emit(tString, start, s.off)
			return
		case '\n':
		default:
			i++
			continue
		}
		break
	}
	end := min(i, s.lineEnd(start))
	s.errorf(start, end, CodeUnterminatedString, "unterminated string: it needs a closing \" on the same line")
	s.off = end
	s.emit(tString, start, end)
}

func (s *scanner) punct(start int, c byte) {
	s.off = start + 1
	switch c {
	case '{', '(', '[':
		s.emit(tPunct, start, s.off)
		s.push(c, start)
	case '}', ')', ']':
		s.closeBracket(start, map[byte]byte{'}': openBrace, ')': openParen, ']': openBracket}[c])
		s.emit(tPunct, start, s.off)
	case '<':
		if s.blockFollows(s.off) {
			s.emit(tBlockOpen, start, s.off)
			s.push(openAngleBlock, start)
			return
		}
		s.emit(tPunct, start, s.off)
		s.push(openAngleType, start)
	case '>':
		top := s.top()
		switch {
		case top == openAngleBlock:
			s.pop(len(s.stack) - 1)
			s.emit(tBlockClose, start, s.off)
		case top == openAngleType:
			s.pop(len(s.stack) - 1)
			s.emit(tPunct, start, s.off)
		default:
			s.errorf(start, s.off, CodeStrayBracket, "stray '>': nothing is open here for it to close")
			s.emit(tPunct, start, s.off)
		}
	case '=':
		s.emit(tPunct, start, s.off)
		s.condition(true)
	case ',', ':', '.', '-', '?', '%':
		s.emit(tPunct, start, s.off)
	case '\'':
		end := strings.IndexByte(s.src[s.off:s.lineEnd(start)], '\'')
		if end < 0 {
			s.off = s.lineEnd(start)
		} else {
			s.off += end + 1
		}
		s.errorf(start, s.off, CodeUnexpectedCharacter, "strings are written in double quotes")
		s.emit(tString, start, s.off)
	default:
		r, size := utf8.DecodeRuneInString(s.src[start:])
		s.off = start + size
		s.errorf(start, s.off, CodeUnexpectedCharacter, unexpectedCharacter(r, size, c))
	}
}

func (s *scanner) top() byte {
	if len(s.stack) == 0 {
		return 0
	}
	return s.stack[len(s.stack)-1].kind
}

// closeBracket pops the opener that the closing bracket at off matches.
// Openers above it are reported unclosed; a closer with no opener is
// reported stray.
func (s *scanner) closeBracket(off int, kind byte) {
	for i := len(s.stack) - 1; i >= 0; i-- {
		if s.stack[i].kind != kind {
			continue
		}
		for j := len(s.stack) - 1; j > i; j-- {
			o := s.stack[j]
			s.errorf(o.at, o.at+1, CodeUnclosedBlock, unclosed(o.kind))
		}
		s.pop(i)
		return
	}
	s.errorf(off, off+1, CodeStrayBracket, "stray '"+s.src[off:off+1]+"': nothing open here to close")
}

// blockFollows reports whether a `<` whose next byte is at i opens a block:
// the next token begins a step or is the `>` of an empty block.
func (s *scanner) blockFollows(i int) bool {
	if i < len(s.src) && s.src[i] == '=' {
		return false
	}
	i = s.skipFrom(i, true)
	if i < len(s.src) && s.src[i] == '>' {
		return true
	}
	w, j := s.nextWord(i, false)
	return stepKeywords[w] && !s.selectorFollows(j+len(w))
}

func unclosed(kind byte) string {
	switch kind {
	case openBrace:
		return "unterminated block: this '{' has no closing '}'"
	case openAngleBlock:
		return "unterminated block: this '<' has no closing '>'"
	case openAngleType:
		return "unterminated type: this '<' has no closing '>'"
	case openParen:
		return "this '(' has no closing ')'"
	}
	return "this '[' has no closing ']'"
}
