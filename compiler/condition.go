package compiler

// Checking conditions and values: compile with cel-go, translate its
// errors into Journey's diagnostics at .journey positions, and add the
// checks cel-go cannot make (enum values, constant conditions).

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/pos"
	"github.com/journeylang/journey/stdlib"
)

// condition checks a condition: a bool expression.
func (c *checker) condition(file string, e *ast.Expr, event string) *Condition {
	cond := c.compile(file, e, event)
	if cond.AST == nil {
		return cond
	}
	out := cond.AST.OutputType()
	if !out.IsExactType(cel.BoolType) && !out.IsExactType(cel.DynType) {
		c.report(errNonBool(file, e.Pos, cel.FormatCELType(out)))
		cond.AST = nil
		return cond
	}
	if v, ok := c.constant(cond); ok {
		cond.always = &v
		c.report(errConstant(file, e.Pos, v))
	}
	return cond
}

// value checks the value of `set field = EXPR`.
func (c *checker) value(file string, e *ast.Expr, event string, field *Field, path string) *Condition {
	cond := c.compile(file, e, event)
	if cond.AST == nil {
		return cond
	}
	want, got := field.Type.CEL(), cond.AST.OutputType()
	if got.IsExactType(cel.NullType) && field.Type.Optional {
		return cond // clears the field
	}
	if !want.IsAssignableType(got) {
		what := withArticle(celTypeName(got))
		if got.IsExactType(cel.NullType) {
			what = "null: only an optional field can be cleared"
		}
		c.report(newError(file, e.Pos, CodeUnassignableValue, "cannot set %s, %s, to %s", path, field.Type.Describe(), what))
		cond.AST = nil
		return cond
	}
	if field.Type.Kind == KindEnum {
		if lit := cond.AST.NativeRep().Expr(); lit.Kind() == celast.LiteralKind {
			c.enumLiteral(cond, field.Type, lit, path)
		}
	}
	return cond
}

// compile parses and checks e in the environment of event. Errors are
// reported; the returned condition's AST is nil when there were any.
func (c *checker) compile(file string, e *ast.Expr, event string) *Condition {
	cond := &Condition{Expr: e, File: file, Event: event}
	cond.Source, cond.spans = rewriteDurations(e.Text)
	for _, d := range c.parseDiags {
		if d.File == file && d.Severity == diag.Error && e.Pos.Contains(d.Range.Start.Offset) {
			return cond // the parser reported what is wrong with it
		}
	}
	text, filters, filtered := c.filters(file, e)
	if text != e.Text {
		cond.Source, cond.spans = rewriteDurations(text)
	}
	cond.Filters = filters
	cond.compiled = c.compiled(event, cond.Source)
	if cond.compiled.ast == nil {
		for i, ce := range syntaxFirst(cond.compiled.iss.Errors()) {
			d := c.celError(cond, ce)
			if i > 0 && d.Code == CodeInvalidCondition {
				break // a syntax error's followers only repeat it
			}
			c.report(d)
		}
		return cond
	}
	cond.AST = cond.compiled.ast
	c.literals(cond)
	if !filtered {
		cond.AST = nil // a filter did not check: reported
		return cond
	}
	c.cost(cond)
	if c.plan {
		c.conditions[e] = cond // for the lowering; settle drops those it does not take
	}
	c.pending = append(c.pending, cond)
	return cond
}

// syntaxFirst drops from errs cel-go's note that it gave up recovering from
// a syntax error ("error recovery … limit exceeded"), which has no place in
// the text, when the syntax error itself follows it.
func syntaxFirst(errs []*cel.Error) []*cel.Error {
	var out []*cel.Error
	for _, e := range errs {
		if !strings.HasPrefix(e.Message, "error recovery ") {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return errs
	}
	return out
}

// planned returns a checked AST in the form the runtime evaluates:
// library calls rewritten to take the hidden context (stdlib.ContextVar).
func planned(env *cel.Env, a *cel.Ast) (*cel.Ast, error) {
	opt, err := cel.NewStaticOptimizer(stdlib.ContextRewriter{})
	if err != nil {
		return nil, err
	}
	out, iss := opt.Optimize(env, a)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	return out, nil
}

var (
	reUndeclared = regexp.MustCompile(`^undeclared reference to '([^']+)'`)
	reUndefined  = regexp.MustCompile(`^undefined field '([^']+)'`)
	reOverload   = regexp.MustCompile(`^found no matching overload for '([^']+)' applied to '\((.*)\)'`)
	reExpecting  = regexp.MustCompile(` expecting (\{.*\}|\S+)$`)
)

// operators names cel-go's operator functions as they are written.
var operators = map[string]string{
	"_==_": "==", "_!=_": "!=", "_<_": "<", "_<=_": "<=", "_>_": ">", "_>=_": ">=",
	"_+_": "+", "_-_": "-", "_*_": "*", "_/_": "/", "_%_": "%", "_&&_": "&&", "_||_": "||",
	"!_": "!", "-_": "-", "@in": "in", "_[_]": "[]", "_?_:_": "?:",
}

// celError translates one cel-go error into a diagnostic at the .journey
// position of the text it is about.
func (c *checker) celError(cond *Condition, ce *cel.Error) diag.Diagnostic {
	text := cond.Expr.Text
	lines := c.linesOf(cond.File)
	off, ok := cond.locate(ce.Location)
	span := cond.Expr.Pos
	if ok {
		span = cond.span(lines, off, tokenEnd(text, off))
	}
	msg := ce.Message
	d := newError(cond.File, span, CodeInvalidCondition, "%s", msg)
	switch {
	case reUndeclared.MatchString(msg):
		name := reUndeclared.FindStringSubmatch(msg)[1]
		start := off
		if ok && !strings.HasPrefix(text[off:], name) {
			// cel-go places an unknown function at its parenthesis.
			start = strings.LastIndex(text[:off], name)
			if start < 0 {
				start = off
			}
			d.Range = cond.span(lines, start, start+len(name))
		}
		end := start + len(name)
		switch {
		case name == "event":
			d.Code = CodeEventOutOfScope
			d.Message = "no event is in scope here"
			d.Detail = "`event` is the event of an `entry on`, `stage … on` or `wait for` condition, and of a `wait for` body"
		case strings.HasPrefix(strings.TrimLeft(text[min(end, len(text)):], " "), "("):
			d.Code = CodeUnknownFunction
			d.Message = fmt.Sprintf("unknown function %q", name)
			d = withSuggestion(d, name, functionNames())
		default:
			d.Code = CodeUndefinedName
			d.Message = fmt.Sprintf("undefined field %q", name)
			d = withSuggestion(d, name, c.envs.names(cond.Event))
		}
	case reUndefined.MatchString(msg):
		name := reUndefined.FindStringSubmatch(msg)[1]
		d.Code = CodeUndefinedField
		start := off
		if i := strings.Index(text[off:], "."+name); ok && i >= 0 {
			start = off + i + 1 // cel-go may point at the dot, or at has(
			d.Range = cond.span(lines, start, start+len(name))
		}
		path := operandPath(text, start-1)
		d.Message = fmt.Sprintf("undefined field %q", strings.Join(append(path, name), "."))
		if o := c.object(cond.Event, path); o != nil {
			d = withSuggestion(d, name, o.Names())
		}
		if len(path) == 1 && path[0] == "event" {
			d = c.uncommon(d, cond.Event, name)
		}
	case reOverload.MatchString(msg):
		m := reOverload.FindStringSubmatch(msg)
		args := splitTypes(m[2])
		if op, isOp := operators[m[1]]; isOp {
			d.Code = CodeMismatchedTypes
			if len(args) == 2 {
				d.Message = fmt.Sprintf("mismatched types: %s %s %s", args[0], op, args[1])
			} else {
				d.Message = fmt.Sprintf("mismatched types: %s cannot take %s", op, strings.Join(args, ", "))
			}
		} else {
			d.Code = CodeWrongArguments
			d.Message = fmt.Sprintf("%s(%s) does not fit %s", m[1], strings.Join(args, ", "), signature(m[1]))
			if ok && text[off] == '(' {
				// Point at the function's name rather than its parenthesis.
				start := off
				for start > 0 && isWordByte(text[start-1]) {
					start--
				}
				d.Range = cond.span(lines, start, off)
			}
		}
	case strings.HasPrefix(msg, "invalid argument to has() macro"):
		d.Message = "has() takes a field selection: write has(contact.nps) for a contact field, has(event.x) for the event's"
	case strings.HasPrefix(msg, "Syntax error: "):
		msg = strings.TrimPrefix(msg, "Syntax error: ")
		msg = reExpecting.ReplaceAllString(msg, "")
		msg = strings.Replace(msg, "mismatched input '<EOF>'", "the condition ends too early", 1)
		msg = strings.Replace(msg, "token recognition error at: ", "unexpected ", 1)
		msg = strings.Replace(msg, "extraneous input ", "unexpected ", 1)
		d.Message = "invalid condition: " + msg
	}
	return d
}

// celTypeName writes a CEL type the way a schema would: map<string, int>
// rather than cel-go's map(string, int).
func celTypeName(t *cel.Type) string {
	params := t.Parameters()
	switch t.Kind() {
	case types.ListKind:
		return "list<" + celTypeName(params[0]) + ">"
	case types.MapKind:
		return "map<" + celTypeName(params[0]) + ", " + celTypeName(params[1]) + ">"
	case types.NullTypeKind:
		return "null"
	case types.StructKind:
		return "object"
	}
	return cel.FormatCELType(t)
}

// withArticle puts "a" or "an" before a type name.
func withArticle(t string) string {
	if t != "" && strings.ContainsRune("aeiou", rune(t[0])) {
		return "an " + t
	}
	return "a " + t
}

// operandPath reads back from the `.` at off the dotted path it selects
// from: `company.hq.sizee` at the second dot gives [company hq].
func operandPath(text string, off int) []string {
	end := off
	start := end
	for start > 0 && (isWordByte(text[start-1]) || text[start-1] == '.') {
		start--
	}
	if start >= end {
		return nil
	}
	return strings.Split(text[start:end], ".")
}

// object resolves a path to the object it names: the event's payload or a
// contact field of object type.
func (c *checker) object(event string, path []string) *Object {
	if len(path) == 0 {
		return nil
	}
	root := c.schema.Contact
	switch path[0] {
	case "event":
		payload := c.envs.payload(event)
		if payload == nil {
			return nil
		}
		root, path = payload, path[1:]
	case "contact":
		path = path[1:]
	}
	if len(path) == 0 {
		return root
	}
	if f := resolve(root, path); f != nil {
		return f.Type.Object
	}
	return nil
}

// splitTypes splits cel-go's "(int, map(string, int))" argument list at
// its top-level commas.
func splitTypes(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(', '<':
			depth++
		case ')', '>':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

func functionNames() []string {
	var out []string
	for _, f := range stdlib.Functions {
		out = append(out, f.Name)
	}
	return out
}

func signature(name string) string {
	if f, ok := stdlib.Lookup(name); ok {
		return f.Signature
	}
	return "its declaration"
}

// literals checks the names a condition writes as strings: enum values
// compared with an enum field (lifecycle == "custmer", lifecycle in ["x"]),
// and the templates, events, journeys and stages the function library
// names (opened("welcom"), count("page_vewed", 7d), in_stage("j", "S")).
func (c *checker) literals(cond *Condition) {
	celast.PreOrderVisit(cond.AST.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() != celast.CallKind {
			return
		}
		call := e.AsCall()
		args := call.Args()
		c.libraryNames(cond, call.FunctionName(), args)
		if len(args) != 2 {
			return
		}
		switch call.FunctionName() {
		case "_==_", "_!=_":
			for i := range 2 {
				if t, path := c.enumField(cond.Event, args[i]); t != nil && args[1-i].Kind() == celast.LiteralKind {
					c.enumLiteral(cond, t, args[1-i], path)
				}
			}
		case "@in":
			if t, path := c.enumField(cond.Event, args[0]); t != nil && args[1].Kind() == celast.ListKind {
				for _, el := range args[1].AsList().Elements() {
					if el.Kind() == celast.LiteralKind {
						c.enumLiteral(cond, t, el, path)
					}
				}
			}
		}
	}))
}

// libraryNames checks the string literals a library function names.
func (c *checker) libraryNames(cond *Condition, fn string, args []celast.Expr) {
	lit := func(i int) (string, pos.Span, bool) {
		if i >= len(args) || args[i].Kind() != celast.LiteralKind {
			return "", pos.Span{}, false
		}
		s, ok := args[i].AsLiteral().(types.String)
		return string(s), c.literalSpan(cond, args[i]), ok
	}
	switch fn {
	case "opened", "clicked":
		if name, span, ok := lit(0); ok && c.ws.Templates[name] == nil {
			d := newWarning(cond.File, span, CodeUnsentTemplate, "no template is called %q: this workspace sends no such email, so only one sent from elsewhere can be %s", name, fn)
			c.report(withSuggestion(d, name, c.templateNames()))
		}
	case "subscribed":
		if name, span, ok := lit(0); ok && !slices.Contains(consentChannels, name) {
			d := newError(cond.File, span, CodeUnknownChannel, "unknown channel %q: consent is kept for email and sms", name)
			c.report(withSuggestion(d, name, consentChannels))
		}
	case "count":
		if name, span, ok := lit(0); ok && c.schema.Events[name] == nil {
			d := newError(cond.File, span, CodeUnknownEvent, "unknown event %q", name)
			c.report(withSuggestion(d, name, c.schema.EventNames()))
		}
	case "in_stage":
		name, span, ok := lit(0)
		if !ok {
			return
		}
		info := c.journeys[name]
		if info == nil {
			d := newError(cond.File, span, CodeUnknownJourney, "unknown journey %q", name)
			c.report(withSuggestion(d, name, sortedNames(c.journeys)))
			return
		}
		if stage, span, ok := lit(1); ok && !info.hasStage(stage) {
			d := newError(cond.File, span, CodeUnknownStage, "journey %s has no stage %q", name, stage)
			c.report(withSuggestion(d, stage, sortedNames(info.stages)))
		}
	}
}

// enumLiteral reports lit unless it is one of t's values.
func (c *checker) enumLiteral(cond *Condition, t *Type, lit celast.Expr, path string) {
	s, ok := lit.AsLiteral().(types.String)
	if !ok || t.HasValue(string(s)) {
		return
	}
	c.report(errInvalidEnumValue(cond.File, c.literalSpan(cond, lit), string(s), path, t))
}

// literalSpan is the file span of a string literal of cond, or the whole
// condition's when cel-go gives the literal no position.
func (c *checker) literalSpan(cond *Condition, lit celast.Expr) pos.Span {
	if off, ok := cond.locate(cond.AST.NativeRep().SourceInfo().GetStartLocation(lit.ID())); ok {
		return cond.span(c.linesOf(cond.File), off, skipString(cond.Expr.Text, off))
	}
	return cond.Expr.Pos
}

// enumField returns the enum type of the field e selects, with its path.
func (c *checker) enumField(event string, e celast.Expr) (*Type, string) {
	path := selectPath(e)
	if len(path) == 0 {
		return nil, ""
	}
	var f *Field
	switch path[0] {
	case "event":
		if payload := c.envs.payload(event); payload != nil {
			f = resolve(payload, path[1:])
		}
	case "contact":
		f = c.schema.Path(path[1:])
	default:
		f = c.schema.Path(path)
	}
	if f == nil || f.Type.Kind != KindEnum {
		return nil, ""
	}
	return f.Type, strings.Join(path, ".")
}

// selectPath returns the names of a chain of selections: company.size.
func selectPath(e celast.Expr) []string {
	switch e.Kind() {
	case celast.IdentKind:
		return []string{e.AsIdent()}
	case celast.SelectKind:
		sel := e.AsSelect()
		if sel.IsTestOnly() {
			return nil
		}
		if p := selectPath(sel.Operand()); p != nil {
			return append(p, sel.FieldName())
		}
	}
	return nil
}

// constant evaluates a condition that reads no field, event or function of
// the journey library, and returns its value.
func (c *checker) constant(cond *Condition) (bool, bool) {
	reads := false
	celast.PreOrderVisit(cond.AST.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		switch e.Kind() {
		case celast.IdentKind, celast.ComprehensionKind:
			reads = true
		case celast.CallKind:
			if _, lib := stdlib.Lookup(e.AsCall().FunctionName()); lib {
				reads = true
			}
		}
	}))
	if reads {
		return false, false
	}
	prg, err := c.envs.base.Program(cond.AST)
	if err != nil {
		return false, false
	}
	out, _, err := prg.Eval(map[string]any{})
	if err != nil {
		return false, false
	}
	v, ok := out.Value().(bool)
	return v, ok
}

// templateNames returns the names of the workspace's templates, in no
// order, listed once: a workspace of thousands of templates whose
// conditions name many it lacks would otherwise list them all for each.
func (c *checker) templateNames() []string {
	if c.tmplNames == nil {
		c.tmplNames = slices.Collect(maps.Keys(c.ws.Templates))
	}
	return c.tmplNames
}
