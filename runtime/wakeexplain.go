package runtime

// What the wake-up analysis (wake.go) made of each condition the engine
// watches, for `journey check --explain`.

import (
	"fmt"
	"strings"

	"github.com/journeylang/journey/compiler"
)

// WakeExplanation says how the engine notices that one condition of a
// journey changed: an entry without an event, a goal, an exit or a stage
// trigger without `on`.
type WakeExplanation struct {
	Journey string
	Role    string // "entry", "goal NAME", "exit" or "stage NAME"
	Source  compiler.SourcePos
	Text    string
	Timed   bool     // it depends on time; else only an input changes it
	Exact   bool     // every time-dependent part is solved: the wake-up is the instant it changes
	Forms   []string // the solved parts: "EXPR: when it can change"
	Reasons []string // the parts that fall back to the periodic re-check: "EXPR: why"
}

// ExplainWake lists, journey by journey, the conditions the engine
// watches, in the order the journey declares them, with what the
// wake-up analysis made of each; then the workspace's rules on a
// condition, in written order, under no journey (Role "rule NAME").
func (d *Deployment) ExplainWake() []WakeExplanation {
	var out []WakeExplanation
	explain := func(j *Journey, role string, c *compiler.Cond) {
		if c == nil {
			return
		}
		x := WakeExplanation{Journey: j.Name, Role: role, Source: c.Source, Text: c.Text}
		if n := j.wakes[c]; n != nil {
			x.Timed = true
			n.explain(&x)
			x.Exact = len(x.Reasons) == 0
		}
		out = append(out, x)
	}
	for _, j := range d.order {
		add := func(role string, c *compiler.Cond) { explain(j, role, c) }
		for _, e := range j.Entries {
			if e.Event == "" {
				add("entry", e.When)
			}
		}
		for _, g := range j.Goals {
			add("goal "+g.Name, g.When)
		}
		for _, c := range j.Exits {
			add("exit", c)
		}
		for _, s := range j.Stages {
			if s.On == "" {
				add("stage "+s.Name, s.When)
			}
		}
	}
	for _, rl := range d.Program.Rules {
		if rl.On == "" && d.rules != nil {
			explain(d.rules, "rule "+rl.Name, rl.When)
		}
	}
	return out
}

// explain adds a node's solved forms and fallbacks to x.
func (n *wakeNode) explain(x *WakeExplanation) {
	switch n.kind {
	case wakeForms:
		var descs []string
		for _, f := range n.forms {
			descs = append(descs, fmt.Sprintf("%s%s", callText(f), f.desc))
		}
		x.Forms = append(x.Forms, n.text+": "+strings.Join(uniq(descs), "; "))
	case wakeFallback:
		x.Reasons = append(x.Reasons, n.text+": "+n.reason)
	default:
		for _, k := range n.kids {
			k.explain(x)
		}
	}
}

// callText names a clock function's call where a description needs it:
// the solved forms name their instant in full.
func callText(f wakeForm) string {
	if f.bound != nil {
		return ""
	}
	return f.fn + " changes "
}

// uniq drops repeated strings, keeping the first of each.
func uniq(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
