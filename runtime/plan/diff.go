package plan

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/journeylang/journey/compiler"
)

// Diff lists how a journey differs between two versions: first its rules
// (entries, exits, goals, suppress rules, window, cap, re-entry), then its
// stages by name and steps by their stable identity (docs/semantics.md rule 10),
// in the order of the new version, then what the old one had alone.
func Diff(old, cur *compiler.Journey) []*Change {
	out := diffRules(old, cur)
	for _, s := range cur.Stages {
		was, _ := old.Stage(s.Name)
		if was == nil {
			out = append(out, &Change{Kind: Added, Stage: s.Name})
			continue
		}
		if was.On != s.On || condText(was.When) != condText(s.When) {
			out = append(out, &Change{Kind: Changed, Stage: s.Name})
		}
		seen := map[string]bool{}
		compiler.WalkSteps(s.Steps, func(st *compiler.Step) {
			seen[st.ID] = true
			prev := old.Step(st.ID)
			switch {
			case prev == nil:
				out = append(out, &Change{Kind: Added, Stage: s.Name, Step: st.ID, To: st.Offset()})
			case prev.Offset() != st.Offset():
				out = append(out, &Change{Kind: Moved, Stage: s.Name, Step: st.ID, From: prev.Offset(), To: st.Offset()})
			case stepText(prev) != stepText(st):
				out = append(out, &Change{Kind: Changed, Stage: s.Name, Step: st.ID})
			}
		})
		compiler.WalkSteps(was.Steps, func(st *compiler.Step) {
			if !seen[st.ID] && cur.Step(st.ID) == nil {
				out = append(out, &Change{Kind: Removed, Stage: s.Name, Step: st.ID, From: st.Offset()})
			}
		})
	}
	for _, s := range old.Stages {
		if now, _ := cur.Stage(s.Name); now == nil {
			out = append(out, &Change{Kind: Removed, Stage: s.Name})
		}
	}
	return out
}

// Rules of a journey, as Change.Rule names them.
const (
	RuleEntry    = "entry"
	RuleExit     = "exit"
	RuleGoal     = "goal"
	RuleSuppress = "suppress"
	RuleWindow   = "window"
	RuleCap      = "cap"
	RuleReenter  = "reenter"
)

// diffRules lists how a journey's rules differ: conditions by their text
// (entries also by event), goals by name, and the window, cap and
// re-entry policy as a whole.
func diffRules(old, cur *compiler.Journey) []*Change {
	var out []*Change
	entries := func(j *compiler.Journey) []string {
		var out []string
		for _, e := range j.Entries {
			out = append(out, entryText(e))
		}
		return out
	}
	out = append(out, diffTexts(RuleEntry, entries(old), entries(cur))...)
	out = append(out, diffTexts(RuleExit, condTexts(old.Exits), condTexts(cur.Exits))...)
	for _, g := range cur.Goals {
		switch was := goal(old, g.Name); {
		case was == nil:
			out = append(out, &Change{Kind: Added, Rule: RuleGoal, Name: g.Name, Cond: ruleText(g.When)})
		case ruleText(was.When) != ruleText(g.When):
			out = append(out, &Change{Kind: Changed, Rule: RuleGoal, Name: g.Name, Cond: ruleText(g.When)})
		}
	}
	for _, g := range old.Goals {
		if goal(cur, g.Name) == nil {
			out = append(out, &Change{Kind: Removed, Rule: RuleGoal, Name: g.Name, Cond: ruleText(g.When)})
		}
	}
	out = append(out, diffTexts(RuleSuppress, condTexts(old.Suppress), condTexts(cur.Suppress))...)
	for _, r := range []struct {
		rule     string
		old, cur any
	}{{RuleWindow, old.Window, cur.Window}, {RuleCap, old.Cap, cur.Cap}, {RuleReenter, old.Reenter, cur.Reenter}} {
		a, _ := json.Marshal(r.old)
		b, _ := json.Marshal(r.cur)
		if string(a) != string(b) {
			out = append(out, &Change{Kind: Changed, Rule: r.rule})
		}
	}
	return out
}

// diffTexts lists the conditions of a rule added (in cur, not in old) and
// removed.
func diffTexts(rule string, old, cur []string) []*Change {
	var out []*Change
	for _, c := range cur {
		if !slices.Contains(old, c) {
			out = append(out, &Change{Kind: Added, Rule: rule, Cond: c})
		}
	}
	for _, c := range old {
		if !slices.Contains(cur, c) {
			out = append(out, &Change{Kind: Removed, Rule: rule, Cond: c})
		}
	}
	return out
}

func goal(j *compiler.Journey, name string) *compiler.Goal {
	for _, g := range j.Goals {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// entryText writes an entry as it reads: "on EVENT when COND", either part
// alone.
func entryText(e *compiler.Entry) string {
	var parts []string
	if e.Event != "" {
		parts = append(parts, "on "+e.Event)
	}
	if e.When != nil {
		parts = append(parts, "when "+ruleText(e.When))
	}
	return strings.Join(parts, " ")
}

func condTexts(cs []*compiler.Cond) []string {
	var out []string
	for _, c := range cs {
		out = append(out, ruleText(c))
	}
	return out
}

// ruleText is a rule's condition on one line, its spacing as a formatter
// would leave it.
func ruleText(c *compiler.Cond) string { return strings.Join(strings.Fields(condText(c)), " ") }

func condText(c *compiler.Cond) string {
	if c == nil {
		return ""
	}
	return c.Text
}

// stepText is what a step does, without where it was written and without
// the steps nested in it (compared on their own).
func stepText(st *compiler.Step) string {
	parts := []any{st.Kind, st.Target, st.Channel, st.Text, st.For, compiler.Span(st.Due, st.DueBD), condText(st.Value), condText(st.When), compiler.Span(st.Within, st.WithinBD)}
	for _, br := range st.Branches {
		parts = append(parts, condText(br.When))
	}
	for _, a := range st.Arms {
		parts = append(parts, a.Name, a.Weight)
	}
	b, _ := json.Marshal(parts)
	return string(b)
}
