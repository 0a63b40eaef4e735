package runtime

import (
	"sync"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/stdlib"
)

// Send windows are read in the contact's time zone. A window such as
// 09:00-18:00 mon-fri is open from 09:00 to 18:00 local time on those
// days; one that runs past midnight (22:00-06:00 fri) belongs to the day
// it opens on, so it is open from Friday 22:00 to Saturday 06:00. Local
// times follow the zone's daylight-saving rules: an opening that falls in
// the hour a clock skips happens at the first instant after it.

// weekday is Monday 0 … Sunday 6.
func weekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

func dayOn(w *compiler.Window, day int) bool {
	return len(w.Days) == 0 || w.Days[(day+7)%7]
}

// windowOpen reports whether the window is open at t.
func windowOpen(w *compiler.Window, t time.Time, loc *time.Location) bool {
	local := t.In(loc)
	m := local.Hour()*60 + local.Minute()
	day := weekday(local)
	if w.From < w.To {
		return dayOn(w, day) && w.From <= m && m < w.To
	}
	return (m >= w.From && dayOn(w, day)) || (m < w.To && dayOn(w, day-1))
}

// nextOpening returns the first instant at or after t when the window is
// open.
func nextOpening(w *compiler.Window, t time.Time, loc *time.Location) time.Time {
	if windowOpen(w, t, loc) {
		return t
	}
	local := t.In(loc)
	for d := 0; d <= 8; d++ {
		day := time.Date(local.Year(), local.Month(), local.Day()+d, 0, 0, 0, 0, loc)
		open := wallTime(day, w.From, loc)
		if !open.Before(t) && dayOn(w, weekday(day)) {
			return open
		}
	}
	return t // a window with no day open: never reached, the checker requires one
}

// wallTime is the instant of day's date at minutes after midnight, local
// time in loc. Where that wall time does not exist that day (clocks
// skipped it), it is the first instant after the gap.
func wallTime(day time.Time, minutes int, loc *time.Location) time.Time {
	at := time.Date(day.Year(), day.Month(), day.Day(), minutes/60, minutes%60, 0, 0, loc)
	if l := at.In(loc); l.Hour()*60+l.Minute() != minutes {
		// Depending on the zone, the time is normalised before or after
		// the gap; either way the gap's end is a bound of its period.
		start, end := at.ZoneBounds()
		if l.Hour()*60+l.Minute() > minutes {
			at = start
		} else if !end.IsZero() {
			at = end
		}
	}
	return at
}

var locations sync.Map // name → *time.Location

func loadLocation(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}

// When a step is due: its offset from the start of its block, in calendar
// time (after 1d) or in business days (after 2bd, counted as the library's
// business_days_since counts them), then, with `at HH:MM`, the first
// instant at or after that offset when the contact's local time is HH:MM.
// A task's due time and a wait's deadline count business days the same
// way. All of it is read in the contact's time zone at the time of the
// run, and every instant it gives is a timer: exact, with nothing to
// re-check. A `window` applies after: a send due at 07:00 by its `at` in
// a window that opens at 09:00 is held until 09:00, so the stricter wins.

// later is the instant a span written in a journey (d, or bd business
// days) ends, from t.
func (r *run) later(t time.Time, d compiler.Duration, bd int) time.Time {
	if bd > 0 {
		return stdlib.AddBusinessDays(t, bd, r.location(), r.e.Deployment.holidays)
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
