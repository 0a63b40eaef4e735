package runtime

// When a step is due: its offset from the start of its block, in calendar
// time (after 1d) or in business days (after 2bd, counted as the library's
// business_days_since counts them), then, with `at HH:MM`, the first
// instant at or after that offset when the contact's local time is HH:MM.
// A task's due time and a wait's deadline count business days the same
// way. All of it is read in the contact's time zone at the time of the
// run, and every instant it gives is a timer: exact, with nothing to
// re-check. A `window` applies after: a send due at 07:00 by its `at` in
// a window that opens at 09:00 is held until 09:00, so the stricter wins.

import (
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/stdlib"
)

// later is the instant a span written in a journey (d, or bd business
// days) ends, from t.
func (r *run) later(t time.Time, d compiler.Duration, bd int) time.Time {
	if bd > 0 {
		return stdlib.AddBusinessDays(t, bd, r.location())
	}
	return t.Add(time.Duration(d))
}

// stepDue is when step st is due in a block that started at start.
func (r *run) stepDue(st *compiler.Step, start time.Time) time.Time {
	t := r.later(start, st.After, st.AfterBD)
	if m, ok := st.AtMinutes(); ok {
		t = nextClock(t, m, r.location())
	}
	return t
}

// nextClock is the first instant at or after t when the local time in loc
// is minutes after midnight: that day or the next. On a day the clocks
// skip that time, it is the first instant after the gap.
func nextClock(t time.Time, minutes int, loc *time.Location) time.Time {
	local := t.In(loc)
	for d := 0; d <= 2; d++ {
		day := time.Date(local.Year(), local.Month(), local.Day()+d, 0, 0, 0, 0, loc)
		if at := wallTime(day, minutes, loc); !at.Before(t) {
			return at
		}
	}
	return t // never reached: a wall time recurs within two days
}
