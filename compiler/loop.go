package compiler

// Zero-delay loops: a `goto` or `next` that leads, with nothing on the way
// waiting, back to the stage it leaves. A contact caught in one would run
// its steps again and again within one instant, for ever.
//
// The analysis is a graph over the stages of a journey. Stage S has an
// edge to T for each jump — `goto T`, or `next` with T the stage after S —
// that a path through S's body reaches without waiting. Entering a stage
// by a jump starts its body at once, whatever its trigger, so only the
// bodies matter. A path waits when a step on it is due later than the
// block it is in starts: offsets count from the block's start and never
// decrease, so once a step of a block has an `after` above zero, every
// later step of that block, and everything nested in them, waits. The body
// of a `wait for` runs when an event arrives and its `timeout` at a
// deadline above zero: both wait. The arms of an `if` or a `split` are
// alternatives, each followed on its own: one arm that reaches a jump
// without waiting is enough for an edge. A path ends at `exit` and at a
// jump; an `if` with an `else`, or a split, whose every arm ends so at
// once ends its block too, since an arm's steps run before the steps after
// the `if` due at the same instant. A body that ends without a jump
// leaves the contact in its stage: no edge.
//
// Each cycle of the graph is reported once. The jumps are taken in written
// order; a jump on a cycle is reported with the shortest cycle through it,
// unless those very jumps were reported already for a jump written before
// it. The diagnostic is at the jump, and names the stages of the cycle
// from the jump's own stage round to it again.
//
// A move by a stage's trigger (after a `set` or `tag` changes the
// contact) is not an edge: whether the trigger then holds is a question
// of values the checker cannot answer. The engine's bound on a run covers
// such a loop.

import (
	"slices"
	"strconv"
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// jump is an edge of the loop graph: a `goto` or `next` reached without
// waiting.
type jump struct {
	from, to int      // stage indices
	word     string   // "goto Hot" or "next", for the message
	span     pos.Span // the step, without any `after` prefix
}

// loopGraph collects the jumps of one journey's stages.
type loopGraph struct {
	stages []*ast.Stage
	index  map[string]int // a stage's name → its first index
	jumps  []jump
	out    [][]int // by stage index: the jumps leaving it, in written order
}

// loops reports the zero-delay cycles of a journey's stages.
func (c *checker) loops(file string, stages []*ast.Stage) {
	g := &loopGraph{stages: stages, index: map[string]int{}}
	for i, s := range stages {
		if _, dup := g.index[s.Name.Name]; !dup {
			g.index[s.Name.Name] = i
		}
	}
	for i, s := range stages {
		g.block(i, s.Body)
	}
	g.out = make([][]int, len(stages))
	for k, j := range g.jumps {
		g.out[j.from] = append(g.out[j.from], k)
	}
	reported := map[string]bool{}
	for k, j := range g.jumps {
		cycle := g.cycle(k)
		if cycle == nil {
			continue
		}
		key := cycleKey(cycle)
		if reported[key] {
			continue
		}
		reported[key] = true
		names := []string{stages[j.from].Name.Name}
		for _, e := range cycle {
			names = append(names, stages[g.jumps[e].to].Name.Name)
		}
		c.report(errZeroDelayLoop(file, j.span, j.word, names))
	}
}

// block adds the jumps that the steps of b reach without waiting, in
// stage from. It reports whether every path through b ends, at a jump or
// an exit, without waiting.
func (g *loopGraph) block(from int, b *ast.Block) bool {
	if b == nil {
		return false
	}
	for _, st := range b.Steps {
		if a := st.Delay(); a != nil && a.Delay != nil && a.Delay.Value > 0 {
			return false // this step waits, and so does every one after it
		}
		switch st := st.(type) {
		case *ast.Goto:
			if st.Stage == nil {
				continue
			}
			to, ok := g.index[st.Stage.Name]
			if !ok {
				continue // an unknown stage, reported: the engine goes on
			}
			g.jumps = append(g.jumps, jump{from: from, to: to, word: "goto " + st.Stage.Name, span: pos.Join(st.Keyword, st.Stage.Pos)})
			return true
		case *ast.Next:
			if from+1 >= len(g.stages) {
				continue // `next` in the last stage, reported: the engine goes on
			}
			g.jumps = append(g.jumps, jump{from: from, to: from + 1, word: "next", span: st.Keyword})
			return true
		case *ast.ExitStep:
			return true
		case *ast.If:
			ends, hasElse := true, false
			for n := st; n != nil; n = n.ElseIf {
				ends = g.block(from, n.Then) && ends
				if n.Else != nil {
					hasElse = true
					ends = g.block(from, n.Else) && ends
				}
			}
			if ends && hasElse {
				return true
			}
		case *ast.Split:
			ends := len(st.Arms) > 0
			for _, a := range st.Arms {
				ends = g.block(from, a.Body) && ends
			}
			if ends {
				return true
			}
		case *ast.Wait:
			// Its body waits for the event, its timeout for the deadline;
			// the steps after it do not wait for either.
		}
	}
	return false
}

// cycle returns the jumps of the shortest cycle through jump k, k first,
// or nil when k is on no cycle. Ties go to the jumps written first.
func (g *loopGraph) cycle(k int) []int {
	start, goal := g.jumps[k].to, g.jumps[k].from
	// Breadth first from the jump's target back to its stage; via[s] is
	// the jump that first reached stage s.
	via := make([]int, len(g.stages))
	for i := range via {
		via[i] = -1
	}
	seen := make([]bool, len(g.stages))
	seen[start] = true
	queue := []int{start}
	for len(queue) > 0 && !seen[goal] {
		s := queue[0]
		queue = queue[1:]
		for _, e := range g.out[s] {
			if to := g.jumps[e].to; !seen[to] {
				seen[to], via[to] = true, e
				queue = append(queue, to)
			}
		}
	}
	if !seen[goal] {
		return nil
	}
	var back []int
	for s := goal; s != start; s = g.jumps[via[s]].from {
		back = append(back, via[s])
	}
	slices.Reverse(back)
	return append([]int{k}, back...)
}

// cycleKey names a cycle by its jumps, whichever it starts from.
func cycleKey(cycle []int) string {
	sorted := slices.Clone(cycle)
	slices.Sort(sorted)
	var b strings.Builder
	for _, e := range sorted {
		b.WriteString(strconv.Itoa(e))
		b.WriteByte(',')
	}
	return b.String()
}
