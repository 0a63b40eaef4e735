package runtime

// The instants at which the forms of the wake-up analysis (wake.go) can
// next change, for one contact: the closed-form solutions of comparisons,
// and the next step of each clock function, in the contact's time zone
// where it matters.

import (
	"math"
	"time"

	"github.com/journeylang/journey/stdlib"
)

// maxSpan bounds, in seconds, the time from a timestamp to an instant
// solved from it: beyond CEL's timestamps (years 1 to 9999) there is
// nothing to wake for.
const maxSpan = 400_000_000_000

// formNext returns the first instant after t at which the form can
// change, or false when it cannot.
func (w *waker) formNext(f *wakeForm, t time.Time) (time.Time, bool) {
	if f.fn == "now" {
		at, ok := w.timestamp(f.bound, t)
		if !ok {
			return time.Time{}, false
		}
		return firstAfter(t, at, at.Add(time.Nanosecond))
	}
	if u, ok := unitFunctions[f.fn]; ok {
		x, ok := w.timestamp(f.args[0], t)
		if !ok {
			return time.Time{}, false
		}
		if f.bound != nil {
			k, ok := w.integer(f.bound, t)
			if !ok {
				return time.Time{}, false
			}
			// The count is k from the first instant to the second, and
			// k+1 (since) or k-1 (until) after: a comparison with k can
			// flip only there.
			if u.since {
				return firstAfter(t, addUnits(x, k, u.unit), addUnits(x, k+1, u.unit))
			}
			return firstAfter(t, justAfter(addUnits(x, -k-1, u.unit)), justAfter(addUnits(x, -k, u.unit)))
		}
		if u.since {
			return firstAfter(t, addUnits(x, stdlib.Elapsed(x, t, u.unit)+1, u.unit))
		}
		return firstAfter(t, justAfter(addUnits(x, -stdlib.Elapsed(t, x, u.unit), u.unit)))
	}
	loc := w.r.location()
	switch f.fn {
	case "local_hour":
		return localHour(t, loc), true
	case "local_weekday", "is_weekend":
		return localMidnight(t, loc), true
	case "business_days_since":
		// The count turns at a local midnight, or when the wall clock
		// reads the argument's time of day.
		x, ok := w.timestamp(f.args[0], t)
		if !ok {
			return time.Time{}, false
		}
		next := localMidnight(t, loc)
		lt, lx := t.In(loc), x.In(loc)
		h, m, s := lx.Clock()
		for d := 0; d < 2; d++ {
			at := time.Date(lt.Year(), lt.Month(), lt.Day()+d, h, m, s, lx.Nanosecond(), loc)
			if at.After(t) {
				if at.Before(next) {
					next = at
				}
				break
			}
		}
		return next, true
	case "count":
		name, ok1 := w.constant(f.args[0], t).(string)
		within, ok2 := w.constant(f.args[1], t).(time.Duration)
		if !ok1 || !ok2 {
			return time.Time{}, false
		}
		filter := int64(-1) // a filtered count's filter: only the events it matches count
		if len(f.args) > 2 {
			if filter, ok1 = w.constant(f.args[2], t).(int64); !ok1 {
				return time.Time{}, false
			}
		}
		// An event is counted from its time to its time plus the window.
		var ats []time.Time
		for _, e := range w.r.s.Events {
			if e.Name == name && (filter < 0 || w.match != nil && w.match(int(filter), e)) {
				ats = append(ats, e.At, e.At.Add(within).Add(time.Nanosecond))
			}
		}
		return firstAfter(t, ats...)
	}
	return time.Time{}, false
}

// localHour is the next instant after t at which the hour changes on the
// wall clock of loc: the next whole local hour, or a change of the zone's
// offset before it.
func localHour(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	into := time.Duration(lt.Minute())*time.Minute + time.Duration(lt.Second())*time.Second + time.Duration(lt.Nanosecond())
	return zoneChange(lt, t.Add(time.Hour-into))
}

// localMidnight is the next instant after t at which the date changes on
// the wall clock of loc: the next local midnight, or a change of the
// zone's offset before it (where the clocks skip midnight, the change).
func localMidnight(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	next := time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, loc)
	if !next.After(t) { // a midnight the clocks went back over
		next = time.Date(lt.Year(), lt.Month(), lt.Day()+2, 0, 0, 0, 0, loc)
	}
	return zoneChange(lt, next)
}

// zoneChange is next, or the end of lt's zone period when that comes
// first: a change of offset moves the wall clock.
func zoneChange(lt, next time.Time) time.Time {
	if _, end := lt.ZoneBounds(); !end.IsZero() && end.After(lt) && end.Before(next) {
		return end
	}
	return next
}

// addUnits returns x plus n units of unit seconds, or the zero time when
// that is beyond any timestamp.
func addUnits(x time.Time, n, unit int64) time.Time {
	if n > maxSpan/unit || n < -maxSpan/unit {
		return time.Time{}
	}
	return time.Unix(x.Unix()+n*unit, int64(x.Nanosecond())).In(x.Location())
}

// justAfter is the nanosecond after x: where a count of time down to x
// turns (it is a floor); the zero time stays zero.
func justAfter(x time.Time) time.Time {
	if x.IsZero() {
		return x
	}
	return x.Add(time.Nanosecond)
}

// firstAfter returns the earliest of ats after t; false when none is.
// Zero times are none.
func firstAfter(t time.Time, ats ...time.Time) (time.Time, bool) {
	var best time.Time
	for _, at := range ats {
		if !at.IsZero() && at.After(t) && (best.IsZero() || at.Before(best)) {
			best = at
		}
	}
	return best, !best.IsZero()
}

// eval evaluates a sub-expression at t as a plain Go value; nil when it
// cannot be evaluated.
func (w *waker) eval(prg subProgram, t time.Time) any {
	if prg == nil {
		return nil
	}
	w.left--
	if w.act == nil {
		// One activation for the whole search, moved from instant to
		// instant: the contact does not change meanwhile.
		w.ctx = w.r.ctx(t)
		w.act = w.r.vars(t, nil)
		w.act.ctx = stdlib.NewContextValue(w.ctx)
	}
	w.ctx.match = w.match
	w.act.now, w.ctx.now = t, t
	out, _, err := prg.Eval(w.act)
	if err != nil {
		return nil
	}
	return out.Value()
}

// timestamp and integer evaluate a form's argument or bound, which does
// not depend on time: once per run.
func (w *waker) timestamp(prg subProgram, t time.Time) (time.Time, bool) {
	x, ok := w.constant(prg, t).(time.Time)
	return x, ok
}

func (w *waker) integer(prg subProgram, t time.Time) (int64, bool) {
	switch k := w.constant(prg, t).(type) {
	case int64:
		return k, true
	case uint64:
		return int64(min(k, uint64(maxSpan))), true
	case float64:
		// Between two whole counts the comparison cannot flip: its
		// floor's boundaries are the same.
		if k != k || k > maxSpan || k < -maxSpan {
			return 0, false
		}
		return int64(math.Floor(k)), true
	}
	return 0, false
}

// constant is eval for a sub-expression that does not depend on time,
// kept for the rest of the run's search.
func (w *waker) constant(prg subProgram, t time.Time) any {
	if v, ok := w.consts[prg]; ok {
		return v
	}
	v := w.eval(prg, t)
	if w.consts == nil {
		w.consts = map[subProgram]any{}
	}
	w.consts[prg] = v
	return v
}
