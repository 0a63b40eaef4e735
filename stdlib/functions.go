package stdlib

import (
	"slices"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
)

// The functions read more than their arguments: the contact's history and
// positions, and the clock. A condition cannot see the runtime's state, so
// the compiler passes it along: every call of a library function is
// rewritten, after checking, to take the hidden variable ContextVar first —
// `opened("x")` becomes `opened(__journey__, "x")` — and the runtime binds
// the two-argument overloads and sets the variable for each evaluation.
// Authors never write the hidden form; diagnostics speak of the one they
// wrote.

// ContextVar is the hidden variable that carries the runtime's state into
// the library's functions.
const ContextVar = "__journey__"

// ContextType is ContextVar's type.
var ContextType = cel.OpaqueType("journey.Context")

// Function is one function of the journey library as conditions see it:
// its name, its argument and result types, and its documentation. The
// runtime binds the implementations; the checker needs only this.
type Function struct {
	Name      string
	Signature string // as the documentation writes it
	Doc       string
	Args      []*cel.Type
	Result    *cel.Type
	// TimeDependent is set on a function whose value can change while the
	// contact does not: it reads the clock. The runtime re-checks the
	// conditions that call one (docs/runtime.md, "Time-dependent
	// conditions").
	TimeDependent bool
	// Cost is the most one call costs, in cel-go's cost units (about one
	// simple operation each, as CEL counts `a == b` on numbers): 1 for a
	// lookup or a date sum, more for a scan. The checker adds it to a
	// condition's estimated cost (docs/stdlib.md, "Cost").
	Cost uint64
	// ResultSize is the most characters of a string result; 0 for a
	// result that is no string.
	ResultSize uint64
	// Filter is set on a function that takes, after Args, an optional
	// condition over the fields of the event its first argument names:
	// count("page_viewed", 7d, event.path == "/pricing"). The compiler
	// checks the condition on its own and passes the function its index
	// among the condition's filters, an int (see FilterArg).
	Filter bool
}

// FilterArg is the type of the argument a Filter function receives in
// place of the condition written: its index among the filters of the
// condition that calls it.
var FilterArg = cel.IntType

// The sizes the costs of the scanning functions assume: count reads the
// contact's event history, which the runtime keeps to the last year and
// at most 1,000 events; has_tag reads the tags, a list, which the checker
// takes to hold at most 100 elements like any list.
const (
	historySize = 1000
	tagsSize    = 100
)

// HistorySize is the most events of the contact's history count reads:
// a count's filter is evaluated for each of them.
const HistorySize = historySize

// Functions is the journey function library, in documentation order.
// docs/stdlib.md describes each function with examples.
var Functions = []Function{
	{
		Name: "days_since", Signature: "days_since(timestamp) -> int",
		Doc:  "Whole days (24 hours) from the timestamp to now, negative when it is ahead: days_since(last_login) >= 14.",
		Args: []*cel.Type{cel.TimestampType}, Result: cel.IntType, TimeDependent: true, Cost: 1,
	},
	{
		Name: "hours_since", Signature: "hours_since(timestamp) -> int",
		Doc:  "Whole hours from the timestamp to now, negative when it is ahead: hours_since(last_opened) < 24.",
		Args: []*cel.Type{cel.TimestampType}, Result: cel.IntType, TimeDependent: true, Cost: 1,
	},
	{
		Name: "days_until", Signature: "days_until(timestamp) -> int",
		Doc:  "Whole days (24 hours) from now to the timestamp, negative when it is past: days_until(renewal_date) <= 90.",
		Args: []*cel.Type{cel.TimestampType}, Result: cel.IntType, TimeDependent: true, Cost: 1,
	},
	{
		Name: "hours_until", Signature: "hours_until(timestamp) -> int",
		Doc:  "Whole hours from now to the timestamp, negative when it is past: hours_until(trial_ends) <= 24.",
		Args: []*cel.Type{cel.TimestampType}, Result: cel.IntType, TimeDependent: true, Cost: 1,
	},
	{
		Name: "business_days_since", Signature: "business_days_since(timestamp) -> int",
		Doc:  "Whole Monday-to-Friday days from the timestamp to now, in the contact's time zone: business_days_since(last_clicked) >= 2.",
		Args: []*cel.Type{cel.TimestampType}, Result: cel.IntType, TimeDependent: true, Cost: 2,
	},
	{
		Name: "local_hour", Signature: "local_hour() -> int",
		Doc:  "The hour now, 0 to 23, in the contact's time zone: local_hour() >= 9 && local_hour() < 17.",
		Args: []*cel.Type{}, Result: cel.IntType, TimeDependent: true, Cost: 2,
	},
	{
		Name: "local_weekday", Signature: "local_weekday() -> string",
		Doc:  "The day of the week now in the contact's time zone, \"mon\" to \"sun\": local_weekday() in [\"tue\", \"wed\", \"thu\"].",
		Args: []*cel.Type{}, Result: cel.StringType, TimeDependent: true, Cost: 2, ResultSize: 3,
	},
	{
		Name: "is_weekend", Signature: "is_weekend() -> bool",
		Doc:  "Whether it is Saturday or Sunday now in the contact's time zone: !is_weekend().",
		Args: []*cel.Type{}, Result: cel.BoolType, TimeDependent: true, Cost: 2,
	},
	{
		Name: "opened", Signature: "opened(string) -> bool",
		Doc:  "Whether the contact opened an email sent from the template: opened(\"proposal\").",
		Args: []*cel.Type{cel.StringType}, Result: cel.BoolType, Cost: 1,
	},
	{
		Name: "clicked", Signature: "clicked(string) -> bool",
		Doc:  "Whether the contact clicked a link in an email sent from the template: clicked(\"roi-guide\").",
		Args: []*cel.Type{cel.StringType}, Result: cel.BoolType, Cost: 1,
	},
	{
		Name: "count", Signature: "count(string, duration[, condition]) -> int",
		Doc:  "How many events of the named kind the contact had within the window up to now, those for which the condition over the event holds if one is given: count(\"page_viewed\", 7d) >= 2, count(\"page_viewed\", 30d, event.path == \"/pricing\") >= 2.",
		Args: []*cel.Type{cel.StringType, cel.DurationType}, Result: cel.IntType, TimeDependent: true, Cost: historySize, Filter: true,
	},
	{
		Name: "has_tag", Signature: "has_tag(string) -> bool",
		Doc:  "Whether the contact carries the tag: has_tag(\"vip\").",
		Args: []*cel.Type{cel.StringType}, Result: cel.BoolType, Cost: tagsSize,
	},
	{
		Name: "in_stage", Signature: "in_stage(string, string) -> bool",
		Doc:  "Whether the contact is in the named stage of the named journey: in_stage(\"onboarding\", \"Activated\").",
		Args: []*cel.Type{cel.StringType, cel.StringType}, Result: cel.BoolType, Cost: 1,
	},
	{
		Name: "subscribed", Signature: "subscribed(string) -> bool",
		Doc:  "Whether the contact is subscribed on the channel, \"email\" or \"sms\" (not unsubscribed, bounced or complained): subscribed(\"email\").",
		Args: []*cel.Type{cel.StringType}, Result: cel.BoolType, Cost: 1,
	},
}

// Lookup returns the library function called name.
func Lookup(name string) (Function, bool) {
	for _, f := range Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}

// TimeDependent reports whether name is a library function that reads the
// clock, so that a condition calling it can change with no change to the
// contact.
func TimeDependent(name string) bool {
	f, ok := Lookup(name)
	return ok && f.TimeDependent
}

// Declarations returns the library's declarations for a CEL environment:
// each function as authors call it, its hidden form taking ContextVar with
// its implementation, and the variable itself.
func Declarations() []cel.EnvOption {
	out := []cel.EnvOption{cel.Variable(ContextVar, ContextType)}
	for _, f := range Functions {
		opts := []cel.FunctionOpt{
			cel.Overload("journey_"+f.Name, f.Args, f.Result),
			cel.Overload(HiddenOverload("journey_"+f.Name), append([]*cel.Type{ContextType}, f.Args...), f.Result, binding(f.Name)),
			cel.FunctionDocs(f.Doc),
		}
		if f.Filter {
			args := append(slices.Clone(f.Args), FilterArg)
			opts = append(opts,
				cel.Overload("journey_"+f.Name+"_filtered", args, f.Result),
				cel.Overload(HiddenOverload("journey_"+f.Name+"_filtered"), append([]*cel.Type{ContextType}, args...), f.Result, binding(f.Name)))
		}
		out = append(out, cel.Function(f.Name, opts...))
	}
	return out
}

// ContextRewriter is the cel-go optimizer that rewrites a checked
// condition's library calls into their hidden forms.
type ContextRewriter struct{}

// Optimize rewrites f(args) into f(ContextVar, args) for every library
// function f called as authors write it.
func (ContextRewriter) Optimize(ctx *cel.OptimizerContext, a *celast.AST) *celast.AST {
	// One walk finds them all: a condition is walked once, not once per
	// function of the library.
	library := func(e celast.NavigableExpr) bool { return IsLibraryCall(e) }
	for _, call := range celast.MatchDescendants(celast.NavigateAST(a), library) {
		c := call.AsCall()
		args := append([]celast.Expr{ctx.NewIdent(ContextVar)}, c.Args()...)
		ctx.UpdateExpr(call, ctx.NewCall(c.FunctionName(), args...))
	}
	return a
}

// IsLibraryCall reports whether e calls a library function as authors
// write it, and so is rewritten to its hidden form.
func IsLibraryCall(e celast.Expr) bool {
	if e.Kind() != celast.CallKind {
		return false
	}
	c := e.AsCall()
	f, ok := Lookup(c.FunctionName())
	n := len(c.Args()) // a filtered count passes its filter's index after the rest
	return ok && !c.IsMemberFunction() && (n == len(f.Args) || f.Filter && n == len(f.Args)+1)
}

// HiddenOverload names the overload of a function's hidden form that
// takes the place of the overload named id (Declarations).
func HiddenOverload(id string) string { return id + "_ctx" }
