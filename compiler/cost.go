package compiler

// The cost of a condition. cel-go estimates, from a checked expression,
// the most its evaluation can cost, in its cost units (about one simple
// operation each: `score > 50` costs 3). What it cannot know it asks of an
// estimator: how large a list, map or string of the contact or the event
// may be, and what a call of a library function costs. Ours answers with
// fixed sizes, since the schema declares none, and with the costs the
// library declares (stdlib.Function.Cost). A condition whose estimate is
// above the limit is refused: a loop over a list inside a loop over a list
// multiplies their sizes, and a few such nestings run for seconds on one
// contact. The runtime stops an evaluation at the same limit, counted as
// it goes (cel.CostLimit), so a condition that passed the check but meets
// larger values than estimated still ends.

import (
	"math"
	"strconv"

	celchecker "github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/types"

	"github.com/journeylang/journey/stdlib"
)

// CostLimit is the most a condition or value may cost to evaluate, in
// cel-go's cost units: the checker refuses one whose estimated cost is
// above it (ExpensiveCondition), and the runtime gives it to
// cel.CostLimit. With the sizes below, `score > 50` costs 2, has_tag 100,
// count 1,000, a loop over a list (tags.exists(t, t == "vip")) some
// hundreds; two loops over lists, one inside the other, from about ten
// thousand to a million, as what the inner one does is cheap or not (each
// element of the one meets every element of the other); three, tens of
// millions and more. It is the figure Kubernetes allows one CEL
// evaluation at run time. The runtime counts cost as it evaluates, and
// counting is slow on lists far longer than the estimate assumed: there, an
// evaluation stopped at this limit took about 1.4 s (see
// docs/performance.md, "Cost limit"), a fraction of a worker's lease.
const CostLimit uint64 = 1_000_000

// The sizes the estimate assumes, since the schema declares none: the
// elements of a list or map (a contact's tags, say), and the characters
// of a string or bytes (a tag, an email address, a page path).
const (
	listSize   = 100
	stringSize = 100
)

// Options adjust the checker.
type Options struct {
	// CostLimit replaces the package's CostLimit when above 0. A test
	// raises it to build a bundle holding a condition the runtime must
	// stop.
	CostLimit uint64
	// plan is set by CompileWith: the checker plans each condition a
	// journey or a rule holds as soon as it is done with it (settle).
	plan bool
}

func (o Options) costLimit() uint64 {
	if o.CostLimit > 0 {
		return o.CostLimit
	}
	return CostLimit
}

// costEstimator answers cel-go's questions about sizes and calls.
type costEstimator struct{}

// EstimateSize gives every list, map and string the assumed size; cel-go
// asks only of values whose size it does not know from the expression.
func (costEstimator) EstimateSize(n celchecker.AstNode) *celchecker.SizeEstimate {
	t := n.Type()
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case types.ListKind, types.MapKind:
		return &celchecker.SizeEstimate{Min: 0, Max: listSize}
	case types.StringKind, types.BytesKind:
		return &celchecker.SizeEstimate{Min: 0, Max: stringSize}
	}
	return nil
}

// EstimateCallCost gives a library function's declared cost, in the form
// authors write and in the hidden form the runtime evaluates.
func (costEstimator) EstimateCallCost(function, overloadID string, _ *celchecker.AstNode, _ []celchecker.AstNode) *celchecker.CallEstimate {
	f, ok := stdlib.Lookup(function)
	if !ok || (overloadID != "journey_"+function && overloadID != "journey_"+function+"_ctx") {
		return nil
	}
	est := &celchecker.CallEstimate{CostEstimate: celchecker.FixedCostEstimate(f.Cost)}
	if f.ResultSize > 0 {
		est.ResultSize = &celchecker.SizeEstimate{Min: 0, Max: f.ResultSize}
	}
	return est
}

// cost reports a condition whose estimated cost is above the limit.
func (c *checker) cost(cond *Condition) {
	if !cond.compiled.costed {
		est, err := c.envs.env(cond.Event).EstimateCost(cond.AST, costEstimator{})
		if err != nil {
			return // no estimate: cel-go fails only on options it was not given
		}
		cond.compiled.cost, cond.compiled.costed = est.Max, true
	}
	// A filter is evaluated once for each event of the history.
	cond.cost = cond.compiled.cost
	for _, f := range cond.Filters {
		cond.cost = addCost(cond.cost, mulCost(stdlib.HistorySize, f.cost))
	}
	if cond.cost > c.costLimit {
		c.report(errExpensive(cond.File, cond.Expr.Pos, cond.cost, c.costLimit))
	}
}

// thousands writes n with a comma between groups of three digits.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// addCost and mulCost add and multiply costs, stopping at the largest.
func addCost(a, b uint64) uint64 {
	if a+b < a {
		return math.MaxUint64
	}
	return a + b
}

func mulCost(a, b uint64) uint64 {
	if a != 0 && b > math.MaxUint64/a {
		return math.MaxUint64
	}
	return a * b
}
