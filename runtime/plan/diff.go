package plan

import (
	"encoding/json"

	"github.com/journeylang/journey/compiler"
)

// Diff lists how a journey's stages and steps differ between two versions:
// stages by name, steps by their stable identity (DESIGN.md rule 10), in
// the order of the new version, then what the old one had alone.
func Diff(old, cur *compiler.Journey) []*Change {
	var out []*Change
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
				out = append(out, &Change{Kind: Added, Stage: s.Name, Step: st.ID, To: st.After.String()})
			case prev.After != st.After:
				out = append(out, &Change{Kind: Moved, Stage: s.Name, Step: st.ID, From: prev.After.String(), To: st.After.String()})
			case stepText(prev) != stepText(st):
				out = append(out, &Change{Kind: Changed, Stage: s.Name, Step: st.ID})
			}
		})
		compiler.WalkSteps(was.Steps, func(st *compiler.Step) {
			if !seen[st.ID] && cur.Step(st.ID) == nil {
				out = append(out, &Change{Kind: Removed, Stage: s.Name, Step: st.ID, From: st.After.String()})
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

func condText(c *compiler.Cond) string {
	if c == nil {
		return ""
	}
	return c.Text
}

// stepText is what a step does, without where it was written and without
// the steps nested in it (compared on their own).
func stepText(st *compiler.Step) string {
	parts := []any{st.Kind, st.Target, st.Channel, st.Text, st.For, st.Due, condText(st.Value), condText(st.When), st.Within}
	for _, br := range st.Branches {
		parts = append(parts, condText(br.When))
	}
	for _, a := range st.Arms {
		parts = append(parts, a.Name, a.Weight)
	}
	b, _ := json.Marshal(parts)
	return string(b)
}
