package stdlib

// Business days on the calendar: what `after 2bd`, `due 2bd` and
// `within 2bd` in a journey wait for, counted as business_days_since
// counts them, so that a step after 2bd runs when
// business_days_since(the block's start) reaches 2.

import "time"

// AddBusinessDays returns the instant n business days after t, in the zone
// loc, as business_days_since counts them: n Mondays to Fridays after t,
// at t's local time of day, when business_days_since of t is n (it turns
// n then, but at Monday 00:00, which it reaches with the weekend before:
// a step never runs on a weekend). From Friday 17:00, 1 business day is
// Monday 17:00; from a Saturday or a Sunday, which count as the Monday
// 00:00 after them, 1 business day is Tuesday 00:00. A local time the zone's clocks skip that
// day is taken as time.Date takes it, the length of the gap later. n of 0
// or less returns t.
func AddBusinessDays(t time.Time, n int, loc *time.Location) time.Time {
	if n <= 0 {
		return t
	}
	day, clock := businessClock(t.In(loc))
	target := day + int64(n)
	week := floorDiv(target, 5)
	wd := target - 5*week
	// Day 0 of the weekday-only calendar is Monday 5 January 1970.
	y, m, d := time.Date(1970, 1, 5+int(7*week+wd), 0, 0, 0, 0, time.UTC).Date()
	u := time.Date(y, m, d, int(clock/time.Hour), int(clock%time.Hour/time.Minute),
		int(clock%time.Minute/time.Second), int(clock%time.Second), loc)
	if u.Before(t) { // a zone's clocks set back: never before t
		return t
	}
	return u
}
