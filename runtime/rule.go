package runtime

// Workspace rules (docs/semantics.md rule 13): reactions that are no
// journey. They run inside a run, before the journeys see a change:
//
//   - on an event, once the event is in the contact's history, every rule
//     on that event, in written order, whose `when` holds for it (the
//     contact as the rules above left it), runs its steps; each event
//     counts, even two at the same instant;
//   - after every change (an event, once its rules ran, an update, a
//     journey's `set` or `tag`) and at the end of each run, every rule on
//     a condition, in written order, runs when its condition holds and did
//     not at its last check — the first check included — and, with
//     `every D`, again each D after it last ran while it keeps holding.
//     The state keeps, for each, whether it held and when it last ran.
//
// A rule's steps change the contact: `set`, `tag` and `untag`. Each run of a
// rule, and each of its steps, is recorded in the contact's history under
// no journey. When time alone can make a rule's condition true, the wake-up
// analysis gives the instant, as for a journey's conditions; `every` gives
// a timer.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/cel-go/cel"

	"github.com/journeylang/journey/compiler"
)

// RecRule is the record of a rule that ran: its name in Step, and the
// event it ran on in Detail ("" for a rule on a condition).
const RecRule = "rule"

// RuleState is what the state keeps of a rule on a condition.
type RuleState struct {
	Held bool      `json:"held,omitempty"` // its condition held at its last check
	Ran  time.Time `json:"ran"`            // when it last ran; zero for never
}

// planRules plans the conditions and values of the workspace's rules, as
// a journey without a name holds them.
func planRules(p *compiler.Program) (*Journey, error) {
	j := &Journey{Journey: &compiler.Journey{}, programs: map[*compiler.Cond]cel.Program{}, costLimit: compiler.CostLimit,
		wakes: map[*compiler.Cond]*wakeNode{}}
	var conds []*compiler.Cond
	add := func(c *compiler.Cond) {
		if c != nil {
			conds = append(conds, c)
			conds = append(conds, c.Filters...)
		}
	}
	for _, rl := range p.Rules {
		add(rl.When)
		for _, st := range rl.Steps {
			add(st.Value)
		}
	}
	if err := j.planConds(p, conds, map[*compiler.Cond]bool{}); err != nil {
		return nil, err
	}
	// The rules' version: a halt of the rules ends when it changes.
	b, err := json.Marshal(p.Rules)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	j.Version = hex.EncodeToString(sum[:10])
	return j, nil
}

// RulesVersion names the workspace's rules as deployed: a digest of
// them, which changes when a rule does; that of no rules for none.
func (d *Deployment) RulesVersion() string {
	if d.rules == nil {
		return ""
	}
	return d.rules.Version
}

// eventRules runs the rules on the event ev at t, in written order. It
// reports whether one changed the contact.
func (r *run) eventRules(t time.Time, ev *Input) bool {
	rules := r.e.Deployment.rules
	changed := false
	for _, rl := range r.e.Deployment.Program.Rules {
		if rl.On == "" || !compiler.HasEvent(rl.On, ev.Name) || r.halted(rules) {
			continue
		}
		event := eventIn(ev)
		if rl.When != nil && !r.holds(rules, rl.When, t, event) {
			continue
		}
		r.record(rules, nil, t, RecRule, rl.Name, ev.Name)
		changed = r.ruleSteps(rl, t, event) || changed
	}
	return changed
}

// conditionRules checks the rules on a condition at t, in written order,
// and runs those whose condition became true, or whose `every` came round
// while it holds. It reports whether one changed the contact.
func (r *run) conditionRules(t time.Time) bool {
	rules := r.e.Deployment.rules
	changed := false
	for _, rl := range r.e.Deployment.Program.Rules {
		if rl.On != "" || rl.When == nil || r.halted(rules) {
			continue
		}
		st := r.s.Rules[rl.Name]
		if st == nil {
			st = &RuleState{}
		}
		holds := r.holds(rules, rl.When, t, nil)
		again := st.Held && rl.Every > 0 && !t.Before(st.Ran.Add(time.Duration(rl.Every)))
		run := holds && (!st.Held || again)
		st.Held = holds
		if run {
			st.Ran = t
		}
		if r.s.Rules == nil {
			r.s.Rules = map[string]*RuleState{}
		}
		r.s.Rules[rl.Name] = st
		if run {
			r.record(rules, nil, t, RecRule, rl.Name, "")
			changed = r.ruleSteps(rl, t, nil) || changed
		}
	}
	return changed
}

// ruleSteps runs a rule's steps at t; event is the event in scope, if any.
// It reports whether the contact changed.
func (r *run) ruleSteps(rl *compiler.Rule, t time.Time, event *EventIn) bool {
	rules := r.e.Deployment.rules
	changed := false
	for _, st := range rl.Steps {
		switch st.Kind {
		case compiler.StepSet:
			v, err := r.value(rules, st.Value, t, event)
			if errors.Is(err, errHalted) {
				return changed
			}
			if err != nil {
				r.record(rules, nil, t, RecFailed, st.ID, err.Error())
				continue
			}
			setPath(r.s.Attrs, st.Target, v)
			r.record(rules, nil, t, RecSet, st.ID, st.Target)
		case compiler.StepTag, compiler.StepUntag:
			r.record(rules, nil, t, r.retag(st), st.ID, st.Target)
		default:
			continue
		}
		r.contact, r.loc = nil, nil // the next condition sees the change
		changed = true
	}
	return changed
}

// ruleWake is the earliest instant after now at which a rule on a
// condition may run with no input: its condition turning true, or its
// `every` coming round while it holds; zero for none.
func (r *run) ruleWake(w *waker, now time.Time) time.Time {
	var next time.Time
	earlier := func(t time.Time) {
		if !t.IsZero() && t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	rules := r.e.Deployment.rules
	if rules == nil || r.halted(rules) {
		return next
	}
	for _, rl := range r.e.Deployment.Program.Rules {
		if rl.On != "" || rl.When == nil {
			continue
		}
		st := r.s.Rules[rl.Name]
		if st != nil && st.Held && rl.Every > 0 {
			earlier(st.Ran.Add(time.Duration(rl.Every)))
		}
		earlier(w.when(rules, rl.When).at)
	}
	return next
}
