package runtime

// Running the steps of a timeline: one due cursor at a time.

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/journeylang/journey/compiler"
)

// fire runs the due move of a cursor at time t: a wait's deadline, or the
// cursor's next step.
func (r *run) fire(en *Enrollment, c *Cursor, t time.Time) {
	j := r.journeyOf(r.e.Deployment.Journey(en.Journey), en)
	if r.checkEnd(j, en, t) || r.halted(j) {
		return
	}
	if c.Wait != "" {
		w := j.Step(c.Wait)
		r.record(j, en, t, RecTimedOut, w.ID, w.Target)
		r.removeCursor(en, c)
		r.startBlock(j, en, w.ID+"/timeout", c.Until, c.Event)
		return
	}
	st := j.Step(c.Next)
	if st.Kind == compiler.StepSend && !r.sendable(j, en, c, st, t) {
		return // skipped, or held for the window by a cursor of its own
	}
	r.advance(j, en, c)
	r.exec(j, en, c, st, t)
}

// advance moves a cursor past its next step, run or skipped, which it
// marks done: to the first step after it in its block not done already
// (a migration may have skipped some), or the cursor ends with the block.
// A held send's cursor ends with its send.
func (r *run) advance(j *Journey, en *Enrollment, c *Cursor) {
	if c.Held {
		r.removeCursor(en, c)
		return
	}
	steps := j.blocks[c.Block]
	i := slices.IndexFunc(steps, func(s *compiler.Step) bool { return s.ID == c.Next })
	if i < 0 {
		r.removeCursor(en, c)
		return
	}
	c.Done = append(c.Done, c.Next)
	for _, st := range steps[i+1:] {
		if !slices.Contains(c.Done, st.ID) {
			c.Next = st.ID
			return
		}
	}
	r.removeCursor(en, c)
}

func (r *run) removeCursor(en *Enrollment, c *Cursor) {
	en.Cursors = slices.DeleteFunc(en.Cursors, func(x *Cursor) bool { return x == c })
}

// sendable applies consent, suppression, the window, the cap and the send
// budget to a due send. It reports false when the send is held for the
// window (or its journey halted while suppression was checked); an
// unsubscribed, suppressed, capped or over-budget send is recorded, and
// the cursor moves on past it. A send held for the window gets a cursor
// of its own (see hold), and its block's cursor moves on: the window
// holds the send and nothing else (rules 3 and 5). A send it lets
// through counts towards the cap and the budget.
func (r *run) sendable(j *Journey, en *Enrollment, c *Cursor, st *compiler.Step, t time.Time) bool {
	if !r.sendConsent(j, en, c, st, t) {
		return false
	}
	for _, s := range j.Suppress {
		if r.holds(j, s, t, nil) {
			r.record(j, en, t, RecSuppressed, st.ID, st.Target)
			r.advance(j, en, c)
			return false
		}
	}
	if r.halted(j) {
		return false
	}
	if w := j.Window; w != nil {
		loc := r.location()
		if !windowOpen(w, t, loc) {
			open := nextOpening(w, t, loc)
			if c.Held {
				c.Hold = open // checked again at the opening, and still closed
				return false
			}
			r.record(j, en, t, RecHeld, st.ID, st.Target+" until "+open.UTC().Format(time.RFC3339))
			r.hold(j, en, c, open)
			return false
		}
	}
	if k := j.Cap; k != nil {
		if r.s.Sends == nil {
			r.s.Sends = map[string][]time.Time{}
		}
		r.s.Sends[j.Name] = since(r.s.Sends[j.Name], t.Add(-time.Duration(k.Per)))
		if len(r.s.Sends[j.Name]) >= k.Count {
			r.record(j, en, t, RecCapped, st.ID, st.Target)
			r.advance(j, en, c)
			return false
		}
	}
	if b := r.e.Deployment.Budget; b.Sends > 0 {
		r.s.Budget = since(r.s.Budget, t.Add(-b.Per))
		if len(r.s.Budget) >= b.Sends {
			r.record(j, en, t, RecOverBudget, st.ID, st.Target)
			r.advance(j, en, c)
			return false
		}
		r.s.Budget = append(r.s.Budget, t)
	}
	if j.Cap != nil {
		r.s.Sends[j.Name] = append(r.s.Sends[j.Name], t)
	}
	return true
}

// hold gives a cursor's next step, a send, a cursor of its own, due at
// open, and moves the cursor on past it: the steps after the send keep
// their own offsets from the block's start. The held send's cursor keeps
// the block, its start and the event in scope, and ends with the send.
func (r *run) hold(j *Journey, en *Enrollment, c *Cursor, open time.Time) {
	en.Cursors = append(en.Cursors, &Cursor{Block: c.Block, Start: c.Start, Next: c.Next, Held: true, Hold: open, Event: c.Event})
	r.advance(j, en, c)
}

// uncount takes back the send that sendable counted last, towards the
// journey's cap and the send budget: it did not go.
func (r *run) uncount(j *Journey) {
	if r.e.Deployment.Budget.Sends > 0 && len(r.s.Budget) > 0 {
		r.s.Budget = r.s.Budget[:len(r.s.Budget)-1]
	}
	if s := r.s.Sends[j.Name]; j.Cap != nil && len(s) > 0 {
		r.s.Sends[j.Name] = s[:len(s)-1]
	}
}

// since returns the times after from, in a new slice.
func since(times []time.Time, from time.Time) []time.Time {
	var kept []time.Time
	for _, at := range times {
		if at.After(from) {
			kept = append(kept, at)
		}
	}
	return kept
}

// exec runs one step.
func (r *run) exec(j *Journey, en *Enrollment, c *Cursor, st *compiler.Step, t time.Time) {
	event := c.Event
	switch st.Kind {
	case compiler.StepSend:
		p, err := r.message(st)
		if err != nil {
			r.uncount(j)
			r.record(j, en, t, RecFailed, st.ID, fmt.Sprintf("send %q: %v", st.Target, err))
			return
		}
		r.act(j, en, st, t, p)
		r.record(j, en, t, RecSent, st.ID, st.Target)
	case compiler.StepNotify:
		text, err := r.e.Deployment.renderText("notify", st.Text, r.renderData())
		if err != nil {
			r.record(j, en, t, RecFailed, st.ID, fmt.Sprintf("notify %s: %v", st.Target, err))
			return
		}
		r.act(j, en, st, t, map[string]any{"team": r.owner(st.Target), "text": text})
		r.record(j, en, t, RecNotified, st.ID, st.Target)
	case compiler.StepTask:
		title, err := r.e.Deployment.renderText("task", st.Target, r.renderData())
		if err != nil {
			r.record(j, en, t, RecFailed, st.ID, fmt.Sprintf("task %q: %v", st.Target, err))
			return
		}
		p := map[string]any{"title": title}
		if st.For != "" {
			p["for"] = r.owner(st.For)
		}
		if st.Due != 0 || st.DueBD != 0 {
			p["due"] = r.later(t, st.Due, st.DueBD).UTC().Format(time.RFC3339)
		}
		r.act(j, en, st, t, p)
		r.record(j, en, t, RecTask, st.ID, st.Target)
	case compiler.StepWebhook:
		r.act(j, en, st, t, map[string]any{"webhook": st.Target, "journey": j.Name, "stage": en.Stage})
		r.record(j, en, t, RecWebhook, st.ID, st.Target)
	case compiler.StepSet:
		v, err := r.value(j, st.Value, t, event)
		if errors.Is(err, errHalted) {
			return
		}
		if err != nil {
			r.record(j, en, t, RecFailed, st.ID, err.Error())
			return
		}
		setPath(r.s.Attrs, st.Target, v)
		r.record(j, en, t, RecSet, st.ID, st.Target)
		r.change(t, nil)
	case compiler.StepTag, compiler.StepUntag:
		r.record(j, en, t, r.retag(st), st.ID, st.Target)
		r.change(t, nil)
	case compiler.StepGoto:
		if s, _ := j.Stage(st.Target); s != nil {
			r.enterStage(j, en, s, t, st.ID)
		}
	case compiler.StepNext:
		if _, i := j.Stage(en.Stage); i >= 0 && i+1 < len(j.Stages) {
			r.enterStage(j, en, j.Stages[i+1], t, st.ID)
		}
	case compiler.StepExit:
		reason := "exit"
		if st.Target != "" {
			reason = "exit: " + st.Target
		}
		r.end(j, en, t, StatusExited, reason, st.ID)
	case compiler.StepIf:
		for i, b := range st.Branches {
			if b.When != nil && !r.holds(j, b.When, t, event) {
				if r.halted(j) {
					return
				}
				continue
			}
			name := compiler.BranchName(st, i)
			r.record(j, en, t, RecBranch, st.ID, name)
			r.startBlock(j, en, st.ID+"/"+name, t, event)
			return
		}
		// No branch held and there is no else: the implicit else is taken,
		// and recorded as one, with no block to start.
		r.record(j, en, t, RecBranch, st.ID, compiler.ImplicitElse)
	case compiler.StepSplit:
		arm := pickArm(r.s.ID, j.Name, st)
		r.record(j, en, t, RecArm, st.ID, arm.Name)
		r.startBlock(j, en, st.ID+"/"+arm.Name, t, event)
	case compiler.StepWait:
		r.record(j, en, t, RecWaiting, st.ID, st.Target)
		en.Cursors = append(en.Cursors, &Cursor{Block: st.ID + "/body", Wait: st.ID, Since: t, Until: r.later(t, st.Within, st.WithinBD), Event: event})
	}
}

// matchWaits resolves the waits in progress that the event satisfies: it
// arrived at or after the wait started and no later than its deadline, and
// the wait's condition holds for it.
func (r *run) matchWaits(j *Journey, en *Enrollment, t time.Time, ev *Input) {
	event := eventIn(ev)
	for _, c := range slices.Clone(en.Cursors) {
		if c.Wait == "" {
			continue
		}
		w := j.Step(c.Wait)
		if !compiler.HasEvent(w.Target, ev.Name) || t.Before(c.Since) || t.After(c.Until) {
			continue
		}
		if w.When != nil && !r.holds(j, w.When, t, event) {
			continue
		}
		r.record(j, en, t, RecMatched, w.ID, ev.Name)
		r.removeCursor(en, c)
		r.startBlock(j, en, w.ID+"/body", t, event)
	}
}

// pickArm assigns an arm by a stable hash of the contact, the journey and
// the split: the same contact always lands in the same arm (rule 7).
func pickArm(contact, journey string, st *compiler.Step) *compiler.Arm {
	name := st.Target
	if name == "" {
		name = st.ID
	}
	h := fnv.New64a()
	h.Write([]byte(contact + "\x00" + journey + "\x00" + name))
	point := float64(h.Sum64()%1000000) / 10000 // 0 ≤ point < 100
	acc := 0.0
	for _, a := range st.Arms {
		acc += a.Weight
		if point < acc {
			return a
		}
	}
	return st.Arms[len(st.Arms)-1]
}

// retag runs a `tag` or `untag` step on the contact's tags, and returns
// the kind of its record.
func (r *run) retag(st *compiler.Step) string {
	tags := tagList(r.s.Attrs["tags"])
	has := slices.Contains(tags, st.Target)
	if st.Kind == compiler.StepTag && !has {
		tags = append(tags, st.Target)
	}
	if st.Kind == compiler.StepUntag && has {
		tags = slices.DeleteFunc(tags, func(x string) bool { return x == st.Target })
	}
	list := make([]any, len(tags))
	for i, x := range tags {
		list[i] = x
	}
	r.s.Attrs["tags"] = list
	if st.Kind == compiler.StepUntag {
		return RecUntagged
	}
	return RecTagged
}

// setPath sets a dotted attribute path, making the objects on the way.
func setPath(attrs map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	m := attrs
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	if v == nil {
		delete(m, parts[len(parts)-1])
		return
	}
	m[parts[len(parts)-1]] = v
}

func tagList(v any) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	case []string:
		out = append(out, l...)
	}
	return out
}
