package runtime

// The wake-up analysis: when can a condition that depends on time next
// change, with no input? Worked out once per condition when the journey
// is planned, over its checked CEL, into a small tree of forms whose
// instants the engine computes per contact at the end of a run
// (wakesearch.go):
//
//   - a comparison of a whole-unit count of time (days_since, hours_since,
//     days_until, hours_until) with a value that does not depend on time
//     flips at most at two instants, solved in closed form: the count
//     reaching the value, and passing it;
//   - a comparison of `now` with a timestamp that does not depend on time
//     flips at that timestamp;
//   - any other expression whose time dependence is only calls of the
//     library's clock functions on arguments that do not depend on time
//     changes only when one of those calls changes value: at the next
//     local hour (local_hour) or local midnight (local_weekday,
//     is_weekend, business_days_since, which also turns at the time of
//     day of its argument), at the next whole unit of a count of time,
//     and, for count(e, W), when a counted event leaves the window or a
//     later one enters it;
//   - `&&`, `||` and `!` combine their operands;
//   - the rest (`now` read any other way, a clock function of something
//     that itself depends on time, a clock function inside a list macro)
//     cannot be solved: the engine re-checks it periodically
//     (Engine.Recheck), and only while the contact's state depends on it.

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types/ref"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/stdlib"
)

// wakeKind is what a node of the analysis is.
type wakeKind int

const (
	wakeStatic   wakeKind = iota // does not depend on time
	wakeAnd                      // all of kids
	wakeOr                       // any of kids
	wakeNot                      // the negation of kids[0]
	wakeForms                    // changes only at the instants its forms give
	wakeFallback                 // cannot be solved: re-checked periodically
)

// wakeNode is one node of a condition's analysis.
type wakeNode struct {
	kind   wakeKind
	prg    subProgram // the node's value, but for a junction or negation
	kids   []*wakeNode
	forms  []wakeForm // wakeForms: the calls whose changes are the only ones
	text   string     // the expression, as written (near enough) for --explain
	reason string     // wakeFallback: why it cannot be solved
}

// wakeForm is a time-dependent call, or a solved comparison, of a
// wakeForms node: it gives the next instant at which it can change.
type wakeForm struct {
	fn    string       // a library function, or "now"
	args  []subProgram // the call's arguments as authors write them; none depend on time
	bound subProgram   // a solved comparison: the value compared with; nil for a call alone
	desc  string       // for --explain
}

// Clock functions whose value is a whole number of units of time between
// now and their argument: the two instants at which a comparison of one
// with a constant can flip are solved in closed form.
var unitFunctions = map[string]struct {
	unit  int64 // seconds
	since bool  // counts up with time (else down)
}{
	"days_since":  {stdlib.SecondsPerDay, true},
	"hours_since": {stdlib.SecondsPerHour, true},
	"days_until":  {stdlib.SecondsPerDay, false},
	"hours_until": {stdlib.SecondsPerHour, false},
}

// comparisons are CEL's comparison operators.
var comparisons = map[string]string{
	"_==_": "==", "_!=_": "!=", "_<_": "<", "_<=_": "<=", "_>_": ">", "_>=_": ">=",
}

// flipped is the operator of a comparison written the other way round.
var flipped = map[string]string{"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// analyzer builds the analysis of one condition.
type analyzer struct {
	env     *cel.Env
	ast     *celast.AST
	err     error    // the first sub-expression that did not plan
	filters []string // the texts of the condition's filters, by index, for text
}

// analyzeWake returns the analysis of a checked, planned condition.
func analyzeWake(env *cel.Env, c *compiler.Cond, a *cel.Ast) *wakeNode {
	an := &analyzer{env: env, ast: a.NativeRep()}
	for _, f := range c.Filters {
		an.filters = append(an.filters, f.Text)
	}
	n := an.node(an.ast.Expr())
	if an.err != nil {
		// A part that does not plan on its own: the condition is
		// re-checked as a whole.
		return &wakeNode{kind: wakeFallback, prg: an.program(an.ast.Expr()), text: an.text(an.ast.Expr()), reason: an.err.Error()}
	}
	return n
}

// node analyzes one expression.
func (an *analyzer) node(e celast.Expr) *wakeNode {
	if !exprTimed(e) {
		return &wakeNode{kind: wakeStatic, prg: an.program(e), text: an.text(e)}
	}
	if e.Kind() == celast.CallKind {
		call := e.AsCall()
		args := call.Args()
		switch fn := call.FunctionName(); {
		case fn == "_&&_" || fn == "_||_":
			n := &wakeNode{kind: wakeAnd, text: an.text(e)}
			if fn == "_||_" {
				n.kind = wakeOr
			}
			for _, a := range args {
				n.kids = append(n.kids, an.node(a))
			}
			return n
		case fn == "!_" && len(args) == 1:
			return &wakeNode{kind: wakeNot, kids: []*wakeNode{an.node(args[0])}, text: an.text(e)}
		case comparisons[fn] != "" && len(args) == 2:
			f, ok := an.solved(args[0], args[1], comparisons[fn])
			if !ok {
				f, ok = an.solved(args[1], args[0], flipped[comparisons[fn]])
			}
			if ok {
				return &wakeNode{kind: wakeForms, prg: an.program(e), forms: []wakeForm{f}, text: an.text(e)}
			}
		}
	}
	forms, reason := an.calls(e)
	if reason != "" {
		return &wakeNode{kind: wakeFallback, prg: an.program(e), text: an.text(e), reason: reason}
	}
	return &wakeNode{kind: wakeForms, prg: an.program(e), forms: forms, text: an.text(e)}
}

// solved returns the solved form of a comparison of side with other:
// side a whole-unit count of time, or `now`, and other a value that does
// not depend on time. op is the comparison's operator, as written with
// side on the left.
func (an *analyzer) solved(side, other celast.Expr, op string) (wakeForm, bool) {
	if exprTimed(other) {
		return wakeForm{}, false
	}
	bound := an.text(other)
	if side.Kind() == celast.IdentKind && side.AsIdent() == "now" {
		desc := "at " + bound
		switch op {
		case ">", "<=":
			desc = "just after " + bound
		case "==", "!=":
			desc = "at " + bound + " and just after"
		}
		return wakeForm{fn: "now", bound: an.program(other), desc: desc}, true
	}
	if side.Kind() != celast.CallKind {
		return wakeForm{}, false
	}
	call := side.AsCall()
	u, ok := unitFunctions[call.FunctionName()]
	args := userArgs(call)
	if !ok || len(args) != 1 || exprTimed(args[0]) {
		return wakeForm{}, false
	}
	return wakeForm{fn: call.FunctionName(), args: []subProgram{an.program(args[0])}, bound: an.program(other),
		desc: thresholdDesc(an.text(args[0]), bound, op, u.unit, u.since)}, true
}

// thresholdDesc says, for --explain, at which instant a comparison of a
// count of time from (since) or to arg with bound flips.
func thresholdDesc(arg, bound, op string, unit int64, since bool) string {
	u := "24h"
	if unit == stdlib.SecondsPerHour {
		u = "1h"
	}
	reach := fmt.Sprintf("at %s + %s × %s", arg, bound, u) // since: the count reaches bound
	past := fmt.Sprintf("at %s + (%s + 1) × %s", arg, bound, u)
	if !since { // the count falls to bound, then below, each just after
		reach = fmt.Sprintf("just after %s − (%s + 1) × %s", arg, bound, u)
		past = fmt.Sprintf("just after %s − %s × %s", arg, bound, u)
	}
	switch {
	case op == "==" || op == "!=":
		return reach + ", and " + past
	case (op == ">=" || op == "<") == since:
		return reach
	}
	return past
}

// calls returns a form for each call of a clock function in e, or why e
// cannot be solved.
func (an *analyzer) calls(e celast.Expr) ([]wakeForm, string) {
	var forms []wakeForm
	reason := ""
	var walk func(e celast.Expr)
	walk = func(e celast.Expr) {
		if reason != "" || !exprTimed(e) {
			return
		}
		switch e.Kind() {
		case celast.IdentKind: // `now`
			reason = "it reads `now` other than compared with a time"
		case celast.ComprehensionKind:
			reason = "it calls a clock function inside a list macro"
		case celast.CallKind:
			call := e.AsCall()
			if !stdlib.TimeDependent(call.FunctionName()) {
				if call.IsMemberFunction() {
					walk(call.Target())
				}
				for _, a := range call.Args() {
					walk(a)
				}
				return
			}
			f := wakeForm{fn: call.FunctionName(), desc: stepDesc[call.FunctionName()]}
			// A filtered count passes its filter's index after the rest.
			if lib, _ := stdlib.Lookup(f.fn); len(userArgs(call)) != len(lib.Args) && !(lib.Filter && len(userArgs(call)) == len(lib.Args)+1) {
				reason = fmt.Sprintf("%s with %d arguments", f.fn, len(userArgs(call)))
				return
			}
			for _, a := range userArgs(call) {
				if exprTimed(a) {
					reason = fmt.Sprintf("%s of a value that itself depends on time", call.FunctionName())
					return
				}
				f.args = append(f.args, an.program(a))
			}
			forms = append(forms, f)
		default:
			for _, k := range children(e) {
				walk(k)
			}
		}
	}
	walk(e)
	return forms, reason
}

// stepDesc says, for --explain, when a clock function next changes.
var stepDesc = map[string]string{
	"days_since":          "at the next whole day",
	"hours_since":         "at the next whole hour",
	"days_until":          "at the next whole day",
	"hours_until":         "at the next whole hour",
	"business_days_since": "at the next local midnight or local time of day of its argument, in the contact's time zone",
	"local_hour":          "at the next hour in the contact's time zone",
	"local_weekday":       "at the next midnight in the contact's time zone",
	"is_weekend":          "at the next midnight in the contact's time zone",
	"count":               "when a counted event leaves the window, or a later one enters it",
}

// children are the sub-expressions of a list, map, struct or select.
func children(e celast.Expr) []celast.Expr {
	switch e.Kind() {
	case celast.ListKind:
		return e.AsList().Elements()
	case celast.SelectKind:
		return []celast.Expr{e.AsSelect().Operand()}
	case celast.MapKind:
		var out []celast.Expr
		for _, en := range e.AsMap().Entries() {
			me := en.AsMapEntry()
			out = append(out, me.Key(), me.Value())
		}
		return out
	case celast.StructKind:
		var out []celast.Expr
		for _, f := range e.AsStruct().Fields() {
			out = append(out, f.AsStructField().Value())
		}
		return out
	}
	return nil
}

// userArgs are a library call's arguments as authors write them: without
// the hidden context the compiler adds first.
func userArgs(call celast.CallExpr) []celast.Expr {
	args := call.Args()
	if len(args) > 0 && args[0].Kind() == celast.IdentKind && args[0].AsIdent() == stdlib.ContextVar {
		return args[1:]
	}
	return args
}

// exprTimed reports whether an expression can change with no change to
// the contact: it reads `now`, or a library function that counts time.
func exprTimed(e celast.Expr) bool {
	found := false
	celast.PreOrderVisit(e, celast.NewExprVisitor(func(e celast.Expr) {
		switch e.Kind() {
		case celast.IdentKind:
			found = found || e.AsIdent() == "now"
		case celast.CallKind:
			found = found || stdlib.TimeDependent(e.AsCall().FunctionName())
		}
	}))
	return found
}

// program plans a sub-expression of the condition on its own; one that
// reads no variable (a bound such as 30, a timestamp("…")) is evaluated
// once, here.
func (an *analyzer) program(e celast.Expr) subProgram {
	sub := celast.NewCheckedAST(celast.NewAST(e, an.ast.SourceInfo()), an.ast.TypeMap(), an.ast.ReferenceMap())
	pb, err := celast.ToProto(sub)
	if err == nil {
		// The cost limit guards against a loop; a part with no
		// comprehension costs at most its size times its inputs'.
		var opts []cel.ProgramOption
		if hasComprehension(e) {
			opts = append(opts, cel.CostLimit(compiler.CostLimit))
		}
		var prg cel.Program
		if prg, err = an.env.Program(cel.CheckedExprToAst(pb), opts...); err == nil {
			if !readsVariables(e) {
				if v, _, err := prg.Eval(cel.NoVars()); err == nil {
					return &fixed{v}
				}
			}
			return prg
		}
	}
	if an.err == nil {
		an.err = fmt.Errorf("the sub-expression %q does not plan: %w", an.text(e), err)
	}
	return nil
}

// hasComprehension reports whether an expression holds a list macro.
func hasComprehension(e celast.Expr) bool {
	found := false
	celast.PreOrderVisit(e, celast.NewExprVisitor(func(e celast.Expr) {
		found = found || e.Kind() == celast.ComprehensionKind
	}))
	return found
}

// readsVariables reports whether an expression reads a variable (the
// hidden context of library calls included).
func readsVariables(e celast.Expr) bool {
	found := false
	celast.PreOrderVisit(e, celast.NewExprVisitor(func(e celast.Expr) {
		found = found || e.Kind() == celast.IdentKind || e.Kind() == celast.ComprehensionKind
	}))
	return found
}

// fixed is the program of a sub-expression that reads no variable: its
// value.
type fixed struct{ v ref.Val }

func (f *fixed) Eval(any) (ref.Val, *cel.EvalDetails, error) { return f.v, nil, nil }

// subProgram is what the analysis evaluates: a cel.Program, or a fixed
// value.
type subProgram interface {
	Eval(vars any) (ref.Val, *cel.EvalDetails, error)
}

// text is an expression as authors write it: unparsed, without the
// hidden context argument.
func (an *analyzer) text(e celast.Expr) string {
	s, err := cel.ExprToString(e, an.ast.SourceInfo())
	if err != nil {
		return "?"
	}
	s = strings.ReplaceAll(s, stdlib.ContextVar+", ", "")
	s = strings.ReplaceAll(s, stdlib.ContextVar, "")
	// A filtered count's filter, which the call passes as its index.
	s = filterIndex.ReplaceAllStringFunc(s, func(m string) string {
		sub := filterIndex.FindStringSubmatch(m)
		i, err := strconv.Atoi(sub[2])
		if err != nil || i >= len(an.filters) {
			return m
		}
		return sub[1] + ", " + an.filters[i] + ")"
	})
	// Duration literals, which the compiler turned into seconds, as written.
	return durationCall.ReplaceAllStringFunc(s, func(m string) string {
		n, err := strconv.ParseInt(durationCall.FindStringSubmatch(m)[1], 10, 64)
		if err != nil || n > int64(math.MaxInt64/time.Second) {
			return m
		}
		return compiler.Duration(time.Duration(n) * time.Second).String()
	})
}

// filterIndex is a filtered count as the compiler rewrites it: its filter's
// index last.
var filterIndex = regexp.MustCompile(`(\bcount\("(?:[^"\\]|\\.)*", [^,()]+(?:\([^()]*\))?), (\d+)\)`)

// durationCall is a duration literal as the compiler rewrites it.
var durationCall = regexp.MustCompile(`duration\("(\d+)s"\)`)
