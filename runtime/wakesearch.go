package runtime

// The wake-up search: for one contact at the end of a run, the next
// instant at which each condition the engine re-checks can change, from
// its analysis (wake.go). A candidate instant is always confirmed by
// evaluating the condition's parts there, with the contact as it is: the
// wake-up is an instant at which the condition has changed, not a guess —
// but for a part only re-checked, or a search that reached its bounds,
// whose wake-up is when to look again.

import (
	"hash/fnv"
	"time"

	"github.com/journeylang/journey/compiler"
)

// maxSearch bounds the candidate instants one node of a condition tries
// before the search stops and wakes the contact at the last one (where
// it goes on): a local hour compared every hour for weeks, say. maxEvals
// bounds the evaluations of one run's whole search the same way, however
// the nodes nest.
const (
	maxSearch = 512
	maxEvals  = 4096
)

// change is when a condition can next change.
type change struct {
	at    time.Time // zero: never, with no input
	exact bool      // at is when it changes; else only when to look again
}

// never is the change of a condition that only an input can change.
var never = change{exact: true}

// waker searches for one contact at the end of a run.
type waker struct {
	r        *run
	now      time.Time
	fallback time.Duration      // how soon a condition that cannot be solved is looked at again
	consts   map[subProgram]any // see constant
	act      *activation        // see eval
	ctx      *runCtx
	match    func(int, EventMark) bool // the filters of the condition searched (runCtx.match)
	left     int                       // evaluations left (maxEvals)
}

func (r *run) waker(now time.Time) *waker {
	recheck := r.e.Recheck
	if recheck <= 0 {
		recheck = DefaultRecheck
	}
	return &waker{r: r, now: now, fallback: jitter(recheck, r.s.ID), left: maxEvals}
}

// DefaultRecheck is Engine.Recheck when unset.
const DefaultRecheck = time.Hour

// jitter spreads the periodic re-checks of contacts over time: the
// interval give or take an eighth, the same for a contact every time
// (rule 8) and spread over contacts.
func jitter(every time.Duration, contact string) time.Duration {
	spread := every / 4
	if spread <= 0 {
		return every
	}
	h := fnv.New64a()
	h.Write([]byte(contact))
	return every - every/8 + time.Duration(h.Sum64()%uint64(spread))
}

// when is the next change of one of the journey's conditions after the
// run's time; never for one that does not depend on time.
func (w *waker) when(j *Journey, c *compiler.Cond) change {
	n := j.wakes[c]
	if n == nil {
		return never
	}
	w.match = w.r.matcher(j, c, w.now)
	return w.next(n, w.now)
}

// value is a node's value at t; one that cannot be evaluated is false.
func (w *waker) value(n *wakeNode, t time.Time) bool {
	switch n.kind {
	case wakeAnd:
		for _, k := range n.kids {
			if !w.value(k, t) {
				return false
			}
		}
		return true
	case wakeOr:
		for _, k := range n.kids {
			if w.value(k, t) {
				return true
			}
		}
		return false
	case wakeNot:
		return !w.value(n.kids[0], t)
	case wakeStatic:
		v, _ := w.constant(n.prg, t).(bool)
		return v
	}
	v, _ := w.eval(n.prg, t).(bool)
	return v
}

// next is the first instant after t at which a node's value differs from
// its value at t.
func (w *waker) next(n *wakeNode, t time.Time) change {
	switch n.kind {
	case wakeStatic:
		return never
	case wakeNot:
		return w.next(n.kids[0], t)
	case wakeAnd:
		return w.junction(n, t, true)
	case wakeOr:
		return w.junction(n, t, false)
	case wakeFallback:
		return change{at: t.Add(w.fallback)}
	}
	v := w.value(n, t)
	cur := t
	for range maxSearch {
		if w.left <= 0 {
			return w.lookAgain(cur)
		}
		var next time.Time
		for i := range n.forms {
			if at, ok := w.formNext(&n.forms[i], cur); ok && (next.IsZero() || at.Before(next)) {
				next = at
			}
		}
		if next.IsZero() {
			return never
		}
		if w.value(n, next) != v {
			return change{at: next, exact: true}
		}
		if periodic(n) && next.Sub(t) > clockPeriod {
			return never
		}
		cur = next
	}
	return w.lookAgain(cur)
}

// clockPeriod is how far a search goes through the local hours of a
// part that reads only local_hour, local_weekday and is_weekend before it
// concludes that the part never changes: its value is one of the wall
// clock's weekday and hour, and two weeks see every pair that exists, a
// change of clocks in one of them included.
const clockPeriod = 15 * 24 * time.Hour

// periodic reports whether a node's value depends on time only through
// the local wall clock's weekday and hour.
func periodic(n *wakeNode) bool {
	switch n.kind {
	case wakeStatic:
		return true
	case wakeAnd, wakeOr, wakeNot:
		for _, k := range n.kids {
			if !periodic(k) {
				return false
			}
		}
		return true
	case wakeForms:
		for _, f := range n.forms {
			switch f.fn {
			case "local_hour", "local_weekday", "is_weekend":
			default:
				return false
			}
		}
		return true
	}
	return false
}

// lookAgain is the change of a search that stopped at cur: no change is
// known before cur, so the contact looks again then — or, when the
// search made no headway, as for a condition that cannot be solved.
func (w *waker) lookAgain(cur time.Time) change {
	if cur.After(w.now) {
		return change{at: cur}
	}
	return change{at: w.now.Add(w.fallback)}
}

// junction is next for `&&` (and) or `||`. With unit the value that, in
// all operands, gives it (true for `&&`, false for `||`): while it holds,
// it changes when the first operand does; else only once every operand
// has unit at once, which the search finds by moving to the latest next
// change of the operands that lack it, until they all have it.
func (w *waker) junction(n *wakeNode, t time.Time, unit bool) change {
	if w.all(n, t, unit) {
		first := never
		for _, k := range n.kids {
			if c := w.next(k, t); !c.at.IsZero() && (first.at.IsZero() || c.at.Before(first.at)) {
				first = c
			}
		}
		return first
	}
	cur := t
	for range maxSearch {
		if w.left <= 0 {
			return w.lookAgain(cur)
		}
		var latest, look time.Time // the latest exact change, the earliest look
		for _, k := range n.kids {
			if w.value(k, cur) == unit {
				continue
			}
			c := w.next(k, cur)
			switch {
			case c.at.IsZero():
				return never // that operand keeps its value
			case c.exact && c.at.After(latest):
				latest = c.at
			case !c.exact && (look.IsZero() || c.at.Before(look)):
				look = c.at
			}
		}
		if !look.IsZero() {
			// An operand that cannot be solved: nothing changes before
			// the exact changes, and the operand is looked at then.
			if latest.After(look) {
				look = latest
			}
			return change{at: look}
		}
		if w.all(n, latest, unit) {
			return change{at: latest, exact: true}
		}
		if periodic(n) && latest.Sub(t) > clockPeriod {
			return never
		}
		cur = latest
	}
	return w.lookAgain(cur)
}

// all reports whether every operand of a junction has the value unit at t.
func (w *waker) all(n *wakeNode, t time.Time, unit bool) bool {
	for _, k := range n.kids {
		if w.value(k, t) != unit {
			return false
		}
	}
	return true
}

// timedConds are the conditions that depend on time among those the end
// of a run checks for an enrollment: its journey's goals and exits, and
// the triggers of the stages after the one it is in.
func (j *Journey) timedConds(en *Enrollment) []*compiler.Cond {
	var out []*compiler.Cond
	for _, g := range j.Goals {
		if j.wakes[g.When] != nil {
			out = append(out, g.When)
		}
	}
	for _, c := range j.Exits {
		if j.wakes[c] != nil {
			out = append(out, c)
		}
	}
	_, cur := j.Stage(en.Stage)
	for k := cur + 1; k < len(j.Stages); k++ {
		if j.timedStage[k] {
			out = append(out, j.Stages[k].When)
		}
	}
	return out
}
