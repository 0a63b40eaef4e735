package compiler

// Planning a checked condition: the form a bundle stores and the runtime
// evaluates, each library call f(args) rewritten to its hidden form
// f(ContextVar, args) (stdlib.ContextRewriter).
//
// cel-go's StaticOptimizer does this by copying the checked AST, rewriting
// the copy, numbering its nodes afresh and checking the result again. The
// numbering is part of the stored condition, and so of its journey's
// version: a plan numbered otherwise would give every journey a new
// version, which a deploy would then migrate. Checking again gives each
// node the type and reference the checker gave it already, save the
// rewritten calls (now the hidden overloads) and the ContextVar they gain.
// So plan makes the same rewrite and the same numbering on a copy of the
// checker's AST, and carries the first check's types and references over
// to the new numbers: no second check. (The optimizer also follows the rewrite through the macro
// calls an AST may keep; the checker's environments keep none.)
// TestPlanAsOptimized compares the output with the optimizer's on every
// condition of the test workspaces.

import (
	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"google.golang.org/protobuf/proto"

	"github.com/journeylang/journey/stdlib"
)

// encodePlanned plans a checked condition and encodes it as Cond.Checked
// holds it.
func encodePlanned(env *cel.Env, a *cel.Ast) ([]byte, error) {
	var p *celast.AST
	if len(a.NativeRep().SourceInfo().MacroCalls()) == 0 {
		p = plan(a.NativeRep())
	} else {
		// The environments keep no macro calls (cel.EnableMacroCallTracking),
		// whose ids the optimizer also renumbers and follows through the
		// rewrite: should one ever, the optimizer plans.
		o, err := planned(env, a)
		if err != nil {
			return nil, err
		}
		p = o.NativeRep()
	}
	checked, err := celast.ToProto(p)
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(checked)
}

// plan returns a checked AST in its planned form, with its types and
// references renumbered. It leaves a as it was: conditions written the
// same way share it (compilecache.go). The rewrite and the renumbering
// change the nodes and the source positions, so those are copied; the
// maps of types and references are only read.
func plan(a *celast.AST) *celast.AST {
	fac := celast.NewExprFactory()
	expr, info := fac.CopyExpr(a.Expr()), celast.CopySourceInfo(a.SourceInfo())
	// What the second check would say otherwise than the first, by the ids
	// before renumbering.
	addedTypes := map[int64]*types.Type{}
	changedRefs := map[int64]*celast.ReferenceInfo{}
	// The new nodes take ids above the others; the numbering below depends
	// only on where they stand.
	var calls []celast.Expr
	celast.PostOrderVisit(expr, celast.NewExprVisitor(func(e celast.Expr) {
		if stdlib.IsLibraryCall(e) {
			calls = append(calls, e)
		}
	}))
	next := celast.MaxID(a)
	for _, call := range calls {
		c := call.AsCall()
		next++
		ctx := fac.NewIdent(next, stdlib.ContextVar)
		next++
		updated := fac.NewCall(next, c.FunctionName(), append([]celast.Expr{ctx}, c.Args()...)...)
		addedTypes[ctx.ID()] = stdlib.ContextType
		changedRefs[ctx.ID()] = celast.NewIdentReference(stdlib.ContextVar, nil)
		if r := a.ReferenceMap()[call.ID()]; r != nil {
			hidden := celast.NewFunctionReference()
			for _, id := range r.OverloadIDs {
				hidden.AddOverload(stdlib.HiddenOverload(id))
			}
			changedRefs[call.ID()] = hidden
		}
		call.SetKindCase(updated)
	}
	ids := &stableIDs{idMap: map[int64]int64{}}
	expr.RenumberIDs(ids.renumber)
	info.RenumberIDs(ids.renumber)
	return celast.NewCheckedAST(celast.NewAST(expr, info),
		renumbered(ids.idMap, a.TypeMap(), addedTypes), renumbered(ids.idMap, a.ReferenceMap(), changedRefs))
}

// renumbered returns the entries of m, those of changes in their place, by
// the new ids of idMap.
func renumbered[V any](idMap map[int64]int64, m, changes map[int64]V) map[int64]V {
	out := make(map[int64]V, len(m)+len(changes))
	for _, from := range []map[int64]V{m, changes} {
		for id, v := range from {
			if n, ok := idMap[id]; ok {
				out[n] = v
			}
		}
	}
	return out
}

// stableIDs numbers ids from 1 in the order they are first asked for, as
// cel-go's optimizer renumbers an AST (cel/optimizer.go, v0.31.0).
type stableIDs struct {
	idMap map[int64]int64
	seed  int64
}

func (g *stableIDs) renumber(id int64) int64 {
	if id == 0 {
		return 0
	}
	if n, ok := g.idMap[id]; ok {
		return n
	}
	g.seed++
	g.idMap[id] = g.seed
	return g.seed
}
