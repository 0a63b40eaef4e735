package compiler

// Checking message texts: the templates of the templates/ folder (subject
// and body, see message.go) and the texts of `notify` and `task` steps.
// docs/semantics.md rule 14: what is sent is what was checked.
//
// Each text is parsed with text/template's parser (a .html body's syntax
// is the same) and its tree walked with the type of dot in hand: the
// contact at the top, the value of the pipeline inside `with`, the element
// inside `range`, unknown after a function call or a variable of unknown
// type, where nothing further is checked. Along the walk:
//
//   - every field (`.company.size`, `$.plan`) must be one the schema
//     declares: UndefinedField, with a did-you-mean;
//   - an optional field read outside an `if` or `with` on it (or on an
//     `and` of it), and not as an argument of `default`, is a warning,
//     UnguardedField: where the contact lacks it the text would read
//     "<no value>";
//   - every function must be text/template's own or one of
//     stdlib.TemplateFunctions: UnknownFunction, with a did-you-mean;
//   - a syntax error is InvalidTemplate, at its line.
//
// A template's header keys must be known (UnknownHeader) and its values
// valid (InvalidHeader).

import (
	"errors"
	htmltemplate "html/template"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
	"github.com/journeylang/journey/stdlib"
)

// templateFile is the name diagnostics give a template's file.
func (c *checker) templateFile(t *Template) string {
	return filepath.Join(c.ws.Dir, "templates", t.File)
}

// templates checks every template of the workspace, by name.
func (c *checker) templates() {
	for _, name := range c.ws.TemplateNames() {
		t := c.ws.Templates[name]
		file := c.templateFile(t)
		lines := pos.NewLines(t.Content) // held while the template is checked
		m := t.Split()
		seen := map[string]bool{}
		for _, h := range m.Header {
			key := strings.ToLower(h.Key)
			span := lines.Span(h.KeyAt, h.KeyAt+len(h.Key))
			switch {
			case !slices.Contains(HeaderKeys, key):
				c.report(errUnknownHeader(file, span, h.Key))
				continue
			case seen[key]:
				c.report(errInvalidHeader(file, span, "a template header says %s once", key))
				continue
			}
			seen[key] = true
			if key == HeaderTransactional && h.Value != "true" && h.Value != "false" {
				c.report(errInvalidHeader(file, lines.Span(h.ValueAt, h.ValueAt+len(h.Value)), "transactional is true or false, not %q", h.Value))
			}
		}
		if m.Subject != "" {
			c.text(file, lines, m.Subject, m.SubjectAt, nil)
		}
		if c.text(file, lines, m.Body, m.BodyAt, nil) && m.HTML {
			c.htmlContexts(file, lines, m.Body, m.BodyAt)
		}
	}
}

// errStopped ends the execution of a template at check.
var errStopped = errors.New("stopped")

// reHTMLError is html/template's error, with or without a place:
// "html/template:NAME:LINE:COL: description".
var reHTMLError = regexp.MustCompile(`^html/template:[^:]*:(?:(\d+):(\d+): )?(.*)$`)

// htmlContexts runs html/template's escaper over a .html body, which
// refuses an action whose HTML context it cannot tell (an `{{if}}` whose
// branches end inside and outside a tag, a body that ends inside a
// script's string): the errors it would otherwise give at every send.
func (c *checker) htmlContexts(file string, lines *pos.Lines, body string, base int) {
	// html/template escapes a template when it first executes it; the
	// action put first stops the execution there, so that a body's loops
	// never run at check.
	const stop = "{{journey_check_stop}}"
	funcs := stdlib.TemplateFuncs("")
	funcs["journey_check_stop"] = func() (string, error) { return "", errStopped }
	t, err := htmltemplate.New(file).Funcs(funcs).Parse(stop + body)
	if err != nil {
		return // reported by text, or a function text/template knows and html/template does not
	}
	var herr *htmltemplate.Error
	if err := t.Execute(io.Discard, nil); !errors.As(err, &herr) {
		return // escaped, and stopped
	}
	m := reHTMLError.FindStringSubmatch(herr.Error())
	msg, off := herr.Description, 0
	if m != nil {
		msg = m[3]
		if m[1] != "" {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			if line == 1 {
				col = max(col-len(stop), 1)
			}
			for i := 1; i < line; i++ {
				j := strings.IndexByte(body[off:], '\n')
				if j < 0 {
					break
				}
				off += j + 1
			}
			off = min(off+col-1, len(body))
		}
	}
	if before, _, ok := strings.Cut(msg, ": {state"); ok {
		// html/template's own state of the contexts means nothing to a reader.
		msg = before + " (inside and outside a tag, an attribute or a script)"
	}
	// The place is an action's pipeline: the caret takes the action.
	if k := strings.LastIndex(body[:off], "{{"); k >= 0 && !strings.Contains(body[k:off], "}}") {
		off = k
	}
	end := off
	if strings.HasPrefix(body[off:], "{{") {
		if k := strings.Index(body[off:], "}}"); k >= 0 {
			end = off + k + 2
		}
	}
	c.report(newError(file, lines.Span(base+off, base+end), CodeInvalidTemplate, "HTML template: %s", msg))
}

// stepText checks the text of a notify or a task, a string of a .journey
// file, with its positions mapped through the string's escapes.
func (c *checker) stepText(file string, s *ast.String) {
	if s == nil || !strings.Contains(s.Value, "{{") {
		return
	}
	lines := c.linesOf(file)
	if lines == nil {
		return
	}
	offsets, ok := escapeOffsets(s.Raw)
	if !ok {
		return // the parser reported the string
	}
	base := int(s.Pos.Start.Offset)
	c.text(file, lines, s.Value, 0, func(i int) int {
		return base + offsets[min(max(i, 0), len(offsets)-1)]
	})
}

// escapeOffsets maps each byte of a quoted string's value, and its end, to
// the offset in the quoted form it comes from.
func escapeOffsets(raw string) ([]int, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, false
	}
	var out []int
	in := raw[1 : len(raw)-1]
	for i := 0; i < len(in); {
		r, multibyte, tail, err := strconv.UnquoteChar(in[i:], '"')
		if err != nil {
			return nil, false
		}
		n := len(in[i:]) - len(tail)
		size := n // a character as it is
		if in[i] == '\\' {
			size = 1 // an escape of one byte, \n or \xff
			if multibyte {
				size = len(string(r))
			}
		}
		for range size {
			out = append(out, 1+i)
		}
		i += n
	}
	return append(out, len(raw)-1), true
}

// text checks one text: src is the template text, at offset base of the
// file whose lines are given, or, when at is not nil, with each offset of
// src mapped by at. It reports false for a text that does not parse.
func (c *checker) text(file string, lines *pos.Lines, src string, base int, at func(int) int) bool {
	if at == nil {
		at = func(i int) int { return base + i }
	}
	tree := parse.New(file)
	tree.Mode = parse.SkipFuncCheck
	defined := map[string]*parse.Tree{}
	if _, err := tree.Parse(src, "", "", defined); err != nil {
		c.report(errInvalidTemplate(file, lines, src, at, err))
		return false
	}
	w := &textWalker{c: c, file: file, lines: lines, at: at}
	if tree.Root != nil {
		root := &Type{Kind: KindObject, Object: c.schema.Contact}
		w.list(tree.Root, &textScope{dot: root, path: "", known: true, vars: map[string]*Type{"$": root}, guarded: map[string]bool{}})
	}
	// A {{define}}d template's dot is what each {{template}} passes it:
	// its fields are not checked, its functions are.
	for _, name := range sortedNames(defined) {
		if t := defined[name]; t != tree && t.Root != nil {
			w.list(t.Root, &textScope{vars: map[string]*Type{"$": nil}, guarded: map[string]bool{}})
		}
	}
	return true
}

// textScope is what a point of a text knows: the type of dot and its path
// from the contact (known false: inside a range, or after a function),
// the variables, and the optional paths an `if` or `with` guards.
type textScope struct {
	dot     *Type // nil: unknown, not checked
	path    string
	known   bool
	vars    map[string]*Type
	guarded map[string]bool
}

func (s *textScope) inner() *textScope {
	n := *s
	n.vars = maps1(s.vars)
	n.guarded = maps1(s.guarded)
	return &n
}

func maps1[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

type textWalker struct {
	c     *checker
	file  string
	lines *pos.Lines
	at    func(int) int // an offset of the text → its offset in the file
}

func (w *textWalker) span(p parse.Pos, n int) pos.Span {
	return w.lines.Span(w.at(int(p)), w.at(int(p)+n))
}

func (w *textWalker) list(l *parse.ListNode, s *textScope) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		w.node(n, s)
	}
}

func (w *textWalker) node(n parse.Node, s *textScope) {
	switch n := n.(type) {
	case *parse.ActionNode:
		w.pipe(n.Pipe, s, false)
	case *parse.IfNode:
		w.branch(&n.BranchNode, s, false)
	case *parse.WithNode:
		w.branch(&n.BranchNode, s, true)
	case *parse.RangeNode:
		w.pipe(n.Pipe, s, true)
		if num := rangeNumber(n.Pipe); num != nil {
			// Rendering must stay cheap: a range goes over the contact's
			// lists and maps, never counts.
			w.c.report(newError(w.file, w.span(num.Pos, len(num.Text)), CodeInvalidTemplate, "range over a number: a template ranges over a list or a map of the contact"))
		}
		in := s.inner()
		t := w.pipeType(n.Pipe, s)
		in.dot, in.known = nil, false
		if t != nil && (t.Kind == KindList || t.Kind == KindMap) {
			in.dot = t.Elem
		}
		w.declare(n.Pipe, in, in.dot)
		w.list(n.List, in)
		w.list(n.ElseList, s)
	case *parse.TemplateNode:
		if n.Pipe != nil {
			w.pipe(n.Pipe, s, false)
		}
	case *parse.ListNode:
		w.list(n, s)
	}
}

// rangeNumber returns the number a range pipeline counts to, or nil.
func rangeNumber(p *parse.PipeNode) *parse.NumberNode {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return nil
	}
	n, _ := p.Cmds[0].Args[0].(*parse.NumberNode)
	return n
}

// branch checks an if or a with: its condition, then its body with the
// fields the condition tests guarded (and, for with, dot moved).
func (w *textWalker) branch(b *parse.BranchNode, s *textScope, with bool) {
	w.pipe(b.Pipe, s, true)
	in := s.inner()
	for _, p := range w.tested(b.Pipe, s) {
		in.guarded[p] = true
	}
	if with {
		t := w.pipeType(b.Pipe, s)
		in.dot, in.known, in.path = nil, false, ""
		if t != nil {
			nt := *t
			nt.Optional = false
			in.dot = &nt
		}
		if p, ok := w.pipePath(b.Pipe, s); ok {
			in.path, in.known = p, true
		}
	}
	w.declare(b.Pipe, in, w.pipeType(b.Pipe, s))
	w.list(b.List, in)
	w.list(b.ElseList, s)
}

// declare records the variables a pipeline declares.
func (w *textWalker) declare(p *parse.PipeNode, s *textScope, t *Type) {
	if p == nil {
		return
	}
	for _, v := range p.Decl {
		s.vars[v.Ident[0]] = t
	}
}

// tested returns the paths a condition tests: `if .a`, `with .a.b`,
// `if and .a .b`.
func (w *textWalker) tested(p *parse.PipeNode, s *textScope) []string {
	if p == nil || len(p.Cmds) != 1 {
		return nil
	}
	args := p.Cmds[0].Args
	if id, ok := args[0].(*parse.IdentifierNode); ok && id.Ident == "and" {
		args = args[1:]
	} else if len(args) != 1 {
		return nil
	}
	var out []string
	for _, a := range args {
		if path, ok := w.argPath(a, s); ok {
			out = append(out, path)
		}
	}
	return out
}

// pipePath is the path of a pipeline that is one field.
func (w *textWalker) pipePath(p *parse.PipeNode, s *textScope) (string, bool) {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	return w.argPath(p.Cmds[0].Args[0], s)
}

// argPath is the path from the contact of a field or `.`.
func (w *textWalker) argPath(a parse.Node, s *textScope) (string, bool) {
	switch a := a.(type) {
	case *parse.FieldNode:
		if s.known {
			return joinTextPath(s.path, a.Ident...), true
		}
	case *parse.DotNode:
		return s.path, s.known
	case *parse.VariableNode:
		if a.Ident[0] == "$" {
			return joinTextPath("", a.Ident[1:]...), true
		}
	}
	return "", false
}

func joinTextPath(base string, parts ...string) string {
	all := append([]string{}, parts...)
	if base != "" {
		all = append([]string{base}, all...)
	}
	return strings.Join(all, ".")
}

// pipe checks a pipeline's commands; cond says it is the condition of an
// if, with or range, where an optional field may be read.
func (w *textWalker) pipe(p *parse.PipeNode, s *textScope, cond bool) {
	if p == nil {
		return
	}
	// A pipeline through `default` may read an optional field, as may one
	// whose function is unknown (reported already).
	exempt := cond
	for _, cmd := range p.Cmds {
		if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok && !w.function(id) || ok && id.Ident == "default" {
			exempt = true
		}
	}
	for _, cmd := range p.Cmds {
		for i, a := range cmd.Args {
			if _, ok := a.(*parse.IdentifierNode); ok && i == 0 {
				continue
			}
			w.arg(a, s, exempt)
		}
	}
}

// function checks a function's name, reporting false for an unknown one.
func (w *textWalker) function(id *parse.IdentifierNode) bool {
	if slices.Contains(stdlib.TemplateBuiltins, id.Ident) || slices.ContainsFunc(stdlib.TemplateFunctions, func(f stdlib.TemplateFunction) bool { return f.Name == id.Ident }) {
		return true
	}
	w.c.report(errUnknownTemplateFunction(w.file, w.span(id.Pos, len(id.Ident)), id.Ident, templateFunctionNames()))
	return false
}

func templateOwnNames() []string {
	var out []string
	for _, f := range stdlib.TemplateFunctions {
		out = append(out, f.Name)
	}
	return out
}

func templateFunctionNames() []string {
	out := slices.Clone(stdlib.TemplateBuiltins)
	for _, f := range stdlib.TemplateFunctions {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return out
}

// arg checks one argument of a command.
func (w *textWalker) arg(a parse.Node, s *textScope, exempt bool) {
	switch a := a.(type) {
	case *parse.FieldNode:
		// The parser places a chain (.a.b) at its second name's dot.
		start := a.Pos
		if len(a.Ident) > 1 {
			start -= parse.Pos(len(a.Ident[0]) + 1)
		}
		w.fields(s.dot, s.path, s.known, a.Ident, start+1, s, exempt)
	case *parse.VariableNode:
		t, ok := s.vars[a.Ident[0]]
		if !ok {
			return // the parser reports undefined variables
		}
		// $x.a.b is placed at the dot after $x.
		start := a.Pos
		if len(a.Ident) > 1 {
			start -= parse.Pos(len(a.Ident[0]))
		}
		w.fields(t, "", a.Ident[0] == "$", a.Ident[1:], start+parse.Pos(len(a.Ident[0])+1), s, exempt)
	case *parse.PipeNode:
		w.pipe(a, s, exempt)
	case *parse.ChainNode:
		if p, ok := a.Node.(*parse.PipeNode); ok {
			w.pipe(p, s, exempt)
		}
	case *parse.IdentifierNode:
		w.function(a)
	}
}

// fields checks a chain of field names read from a value of type t at
// path, the first name at offset at of the text.
func (w *textWalker) fields(t *Type, path string, known bool, names []string, at parse.Pos, s *textScope, exempt bool) {
	for i, name := range names {
		if t == nil {
			return
		}
		span := w.span(at, len(name))
		full := joinTextPath(path, names[:i+1]...)
		switch t.Kind {
		case KindObject:
			f := t.Object.Field(name)
			if f == nil {
				w.c.report(errUndefinedTemplateField(w.file, span, full, name, t.Object.Names()))
				return
			}
			t = f.Type
			if t.Optional && known && !exempt && !s.guarded[full] {
				w.c.report(warnUnguardedField(w.file, span, full))
				exempt = true // once per chain
			}
		case KindMap:
			t = t.Elem
		case KindTimestamp, KindDuration:
			return // a method of time.Time or time.Duration
		default:
			w.c.report(errFieldOfScalar(w.file, span, joinTextPath(path, names[:i]...), t, name))
			return
		}
		at += parse.Pos(len(name) + 1)
	}
}

// pipeType is the type of a pipeline's value, when it is one field or
// `default` of one; nil when unknown.
func (w *textWalker) pipeType(p *parse.PipeNode, s *textScope) *Type {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return nil
	}
	switch a := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		return walkType(s.dot, a.Ident)
	case *parse.VariableNode:
		return walkType(s.vars[a.Ident[0]], a.Ident[1:])
	case *parse.DotNode:
		return s.dot
	}
	return nil
}

func walkType(t *Type, names []string) *Type {
	for _, name := range names {
		switch {
		case t == nil:
			return nil
		case t.Kind == KindObject:
			f := t.Object.Field(name)
			if f == nil {
				return nil
			}
			t = f.Type
		case t.Kind == KindMap:
			t = t.Elem
		default:
			return nil
		}
	}
	return t
}

// reParseError is text/template's syntax error: "template: NAME:LINE: msg".
var reParseError = regexp.MustCompile(`^template: .*?:(\d+): (.*)$`)

// parseErrorSpan places a syntax error of src (at base in the file) on its
// line: at the line's first action, or its start.
func parseErrorSpan(lines *pos.Lines, src string, at func(int) int, err error) (pos.Span, string) {
	msg := err.Error()
	line := 1
	if m := reParseError.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	off := 0
	for i := 1; i < line; i++ {
		j := strings.IndexByte(src[off:], '\n')
		if j < 0 {
			break
		}
		off += j + 1
	}
	if off >= len(src) && off > 0 {
		// "unexpected EOF" after the last line break: on the last line.
		off = strings.LastIndexByte(src[:off-1], '\n') + 1
	}
	end := len(src)
	if j := strings.IndexByte(src[off:], '\n'); j >= 0 {
		end = off + j
	}
	start, stop := off, end
	// The action the message names ("unexpected {{end}}", "missing value
	// for if"), or else the line's first.
	i := -1
	words := strings.Fields(msg)
	for k := len(words) - 1; k >= 0 && i < 0; k-- {
		w := strings.Trim(words[k], `"{}`)
		if w != "" && w != "in" {
			i = strings.LastIndex(src[off:end], "{{"+w)
		}
	}
	if i < 0 {
		i = strings.Index(src[off:end], "{{")
	}
	if i >= 0 {
		start = off + i
		stop = start + 2
		if k := strings.Index(src[start:end], "}}"); k >= 0 {
			stop = start + k + 2
		}
	}
	return lines.Span(at(start), at(stop)), msg
}
