package compiler

// The workspace's send budget (docs/semantics.md rule 11): `budget N sends per D`
// or `budget off`, a declaration any file of the workspace may hold, once.
// The checker judges its words and reports a second one; the lowerer turns
// the first into the Program's Budget, which the bundle carries to the
// runtime. A workspace without one gets the runtime's default.

import (
	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// budgets checks every budget declaration of the workspace, reports each
// after the first (in file-name order) as a duplicate, and returns the
// first, or nil.
func (c *checker) budgets() *ast.BudgetDecl {
	var first *ast.BudgetDecl
	var firstFile string
	for _, f := range c.ws.Files {
		for _, d := range f.Decls {
			b, ok := d.(*ast.BudgetDecl)
			if !ok {
				continue
			}
			if first == nil {
				first, firstFile = b, f.Name
			} else {
				c.report(errDuplicateBudget(f.Name, b.Keyword, firstFile, first.Keyword))
			}
			c.budget(f.Name, b)
		}
	}
	return first
}

// budget checks `budget N sends per D` or `budget off`.
func (c *checker) budget(file string, b *ast.BudgetDecl) {
	switch {
	case b.Word != nil:
		if b.Word.Name != "off" {
			c.report(errBudgetWord(file, b.Word))
		}
	case b.Count.Value < 1 && c.readable(file, b.Count):
		c.report(errBudgetCount(file, pos.Join(b.Count.Pos, b.Per.Pos), b.Count.Value))
	case b.Unit.Name != "sends" && b.Unit.Name != "send":
		c.report(errBudgetUnit(file, b.Unit))
	case !c.calendar(file, b.Per, "the period of a budget"):
	case b.Per.Value <= 0 && c.readable(file, b.Per):
		c.report(errZeroDuration(file, b.Per, "the period of a budget"))
	}
}

// lowerBudget is the Budget a checked declaration sets; nil for none.
func lowerBudget(b *ast.BudgetDecl) *Budget {
	switch {
	case b == nil:
		return nil
	case b.Word != nil:
		return &Budget{Off: true}
	}
	return &Budget{Sends: int(b.Count.Value), Per: Duration(b.Per.Value)}
}

// valid reports whether b is a budget a checked workspace can declare: nil,
// off, or at least one send over a period above 0. A bundle's budget must
// be.
func (b *Budget) valid() bool {
	switch {
	case b == nil:
		return true
	case b.Off:
		return b.Sends == 0 && b.Per == 0
	}
	return b.Sends >= 1 && b.Per > 0
}
