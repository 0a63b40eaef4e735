package stdlib

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestEveryFunctionBound checks the declarations and the implementations
// name the same functions: a function declared without a binding would
// check, then fail at run time.
func TestEveryFunctionBound(t *testing.T) {
	for _, f := range Functions {
		if bindings[f.Name] == nil {
			t.Errorf("%s is declared but has no binding", f.Name)
		}
	}
	for name := range bindings {
		if _, ok := Lookup(name); !ok {
			t.Errorf("%s has a binding but is not declared", name)
		}
	}
}

// wall is a local time as the wall clock reads it, comparable in order.
type wall struct {
	y, d  int // year, day of year
	clock time.Duration
}

func wallOf(t time.Time) wall {
	h, m, s := t.Clock()
	return wall{y: t.Year(), d: t.YearDay(),
		clock: time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(t.Nanosecond())}
}

func (a wall) after(b wall) bool {
	if a.y != b.y {
		return a.y > b.y
	}
	if a.d != b.d {
		return a.d > b.d
	}
	return a.clock > b.clock
}

func weekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

// slowBusinessDays is businessDays by walking the calendar, for from not
// after to: a weekend instant is moved to the Monday 00:00 after it, then
// the business day count is how many times stepping to the same wall-clock
// time on the next weekday stays at or before to.
func slowBusinessDays(from, to time.Time) int64 {
	loc := from.Location()
	mondayAfter := func(t time.Time) time.Time {
		for weekend(t) {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		}
		return t
	}
	from, to = mondayAfter(from), mondayAfter(to)
	h, m, s := from.Clock()
	var n int64
	for day := 1; ; day++ {
		next := time.Date(from.Year(), from.Month(), from.Day()+day, 0, 0, 0, 0, loc)
		if weekend(next) {
			continue
		}
		// The same wall-clock time on that day, compared as wall times so
		// that a time a DST change skips still counts where it would be.
		w := wallOf(next)
		w.clock = time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(from.Nanosecond())
		if w.after(wallOf(to)) {
			return n
		}
		n++
	}
}

// TestBusinessDaysAgainstWalk compares the wall-clock count with a walk
// over the calendar for random pairs of instants within five weeks of each
// other, in zones with and without daylight saving time (Cairo's changes
// fall on weekdays), and checks the floor's antisymmetry: from a to b and
// from b to a add up to 0 when the two are whole business days apart and
// to -1 otherwise. businessDays itself keeps the sign of the elapsed time.
func TestBusinessDaysAgainstWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, name := range []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Pacific/Auckland", "Africa/Cairo"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, base := range []time.Time{
			time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC),  // the March and April changes
			time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC),  // the September to November ones
			time.Date(1969, 11, 20, 0, 0, 0, 0, time.UTC), // across the Unix epoch
		} {
			for range 3000 {
				a := base.Add(time.Duration(r.Int64N(int64(60 * 24 * time.Hour)))).Truncate(time.Minute).In(loc)
				b := a.Add(time.Duration(r.Int64N(int64(35 * 24 * time.Hour)))).Truncate(time.Minute).In(loc)
				if r.IntN(4) == 0 { // the same wall-clock time some days later: the boundary
					b = time.Date(a.Year(), a.Month(), a.Day()+r.IntN(30), a.Hour(), a.Minute(), 0, 0, loc)
				}
				if b.Before(a) {
					continue
				}
				want := slowBusinessDays(a, b)
				if got := wallBusinessDays(a, b, nil); got != want {
					t.Fatalf("%s: wallBusinessDays(%s, %s) = %d, the walk gives %d", name, a.Format(time.RFC1123Z), b.Format(time.RFC1123Z), got, want)
				}
				back := wallBusinessDays(b, a, nil)
				_, ca := businessClock(a, nil)
				_, cb := businessClock(b, nil)
				if ca == cb && back != -want || ca != cb && back != -want-1 {
					t.Fatalf("%s: wallBusinessDays(%s, %s) = %d but backwards %d", name, a.Format(time.RFC1123Z), b.Format(time.RFC1123Z), want, back)
				}
				if got := businessDays(a, b, nil); got != max(want, 0) {
					t.Fatalf("%s: businessDays(%s, %s, nil) = %d, want %d", name, a.Format(time.RFC1123Z), b.Format(time.RFC1123Z), got, max(want, 0))
				}
				if got := businessDays(b, a, nil); a.Equal(b) && got != 0 || !a.Equal(b) && got != min(back, -1) {
					t.Fatalf("%s: businessDays(%s, %s, nil) = %d, want %d", name, b.Format(time.RFC1123Z), a.Format(time.RFC1123Z), got, min(back, -1))
				}
			}
		}
	}
}

// TestBusinessDaysRepeatedHour checks the sign is kept where the wall clock
// runs an hour twice on a weekday: Cairo sets its clocks back from 24:00 to
// 23:00 on Thursday 29 October 2026.
func TestBusinessDaysRepeatedHour(t *testing.T) {
	cairo, err := time.LoadLocation("Africa/Cairo")
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 10, 29, 20, 50, 0, 0, time.UTC).In(cairo)  // 23:50 EEST
	second := time.Date(2026, 10, 29, 21, 10, 0, 0, time.UTC).In(cairo) // 23:10 EET, 20 minutes later
	if first.Hour() != 23 || second.Hour() != 23 || second.Minute() != 10 {
		t.Fatalf("the zone data does not repeat the hour: %s, %s", first, second)
	}
	if got := wallBusinessDays(first, second, nil); got != -1 {
		t.Errorf("by the wall clock alone: %d, want -1", got)
	}
	if got := businessDays(first, second, nil); got != 0 {
		t.Errorf("businessDays 20 minutes later = %d, want 0", got)
	}
	if got := businessDays(second, first, nil); got != -1 {
		t.Errorf("businessDays 20 minutes earlier = %d, want -1", got)
	}
}

func TestElapsedFloor(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		from, to time.Time
		unit     int64
		want     int64
	}{
		{now, now, SecondsPerDay, 0},
		{now, now.Add(time.Nanosecond), SecondsPerDay, 0},
		{now.Add(time.Nanosecond), now, SecondsPerDay, -1},
		{now, now.Add(24*time.Hour - time.Nanosecond), SecondsPerDay, 0},
		{now, now.Add(24 * time.Hour), SecondsPerDay, 1},
		{now, now.Add(-24 * time.Hour), SecondsPerDay, -1},
		{now, now.Add(-24*time.Hour - time.Nanosecond), SecondsPerDay, -2},
		{now.Add(500 * time.Millisecond), now.Add(time.Hour), SecondsPerHour, 0},
		{now.Add(-500 * time.Millisecond), now.Add(time.Hour), SecondsPerHour, 1},
		{now.Add(500 * time.Millisecond), now.Add(-time.Hour), SecondsPerHour, -2},
	}
	for _, tt := range tests {
		if got := Elapsed(tt.from, tt.to, tt.unit); got != tt.want {
			t.Errorf("Elapsed(%s, %s, %d) = %d, want %d", tt.from.Format(time.RFC3339Nano), tt.to.Format(time.RFC3339Nano), tt.unit, got, tt.want)
		}
	}
}

func TestAddBusinessDaysExamples(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { return localTime(t, s, ny) }
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-02 10:00", 2, "2026-03-04 10:00"}, // Monday → Wednesday
		{"2026-03-06 17:00", 1, "2026-03-09 17:00"}, // Friday → Monday, across the DST change of 8 March
		{"2026-03-06 17:00", 5, "2026-03-13 17:00"}, // a week
		{"2026-03-07 10:00", 1, "2026-03-10 00:00"}, // Saturday counts as Monday 00:00
		{"2026-03-08 23:00", 2, "2026-03-11 00:00"}, // so does Sunday
		{"2026-03-02 10:00", 0, "2026-03-02 10:00"},
	} {
		if got := AddBusinessDays(at(c.from), c.n, ny, nil); !got.Equal(at(c.want)) {
			t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", c.from, c.n, got.In(ny), c.want)
		}
	}
}

// TestAddBusinessDaysAgreesWithSince checks, over random instants and
// zones, that business_days_since of t is n at AddBusinessDays(t, n), and
// not yet a second before.
func TestAddBusinessDaysAgreesWithSince(t *testing.T) {
	var zones []*time.Location
	for _, name := range []string{"UTC", "Europe/London", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, loc)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 5000; i++ {
		loc := zones[rng.IntN(len(zones))]
		from := base.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))).Truncate(time.Second)
		n := 1 + rng.IntN(30)
		got := AddBusinessDays(from, n, loc, nil)
		if since := businessDays(from.In(loc), got.In(loc), nil); since != int64(n) {
			t.Fatalf("%s in %s + %dbd = %s, where business_days_since is %d", from.In(loc), loc, n, got.In(loc), since)
		}
		// A second before, it is not reached yet: unless the step falls at
		// Monday 00:00, which the weekend before counts as already, or
		// just after a gap in the clock.
		before := got.Add(-time.Second)
		if _, clock := businessClock(got.In(loc), nil); clock != 0 && !isGap(got, loc) {
			if since := businessDays(from.In(loc), before.In(loc), nil); since >= int64(n) {
				t.Fatalf("%s in %s + %dbd = %s, but business_days_since is already %d a second before", from.In(loc), loc, n, got.In(loc), since)
			}
		}
	}
}

// isGap reports whether the wall clock jumped in the hour before t.
func isGap(t time.Time, loc *time.Location) bool {
	_, a := t.In(loc).Zone()
	_, b := t.Add(-time.Hour).In(loc).Zone()
	return a != b
}

// TestBusinessDaysHolidays: a holiday is skipped like a weekend day, by
// business_days_since and by AddBusinessDays alike, and a holiday on a
// weekend changes nothing.
func TestBusinessDaysHolidays(t *testing.T) {
	hol, err := ParseHolidays([]string{"2026-12-25", "2026-12-26", "2027-01-01", "2026-12-25"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hol) != 2 {
		t.Fatalf("holidays %v: want Friday 25 December and Friday 1 January, once each (26 December is a Saturday)", hol)
	}
	if _, err := ParseHolidays([]string{"2026-02-30"}); err == nil {
		t.Error("30 February parsed")
	}
	at := func(s string) time.Time { return localTime(t, s, time.UTC) }
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-12-24 10:00", 1, "2026-12-28 10:00"}, // Thursday → Monday: Friday is Christmas
		{"2026-12-24 10:00", 5, "2027-01-04 10:00"}, // over both holidays
		{"2026-12-25 10:00", 1, "2026-12-29 00:00"}, // a holiday counts as the next business day's 00:00
		{"2026-12-21 10:00", 2, "2026-12-23 10:00"}, // before them: as without holidays
	} {
		got := AddBusinessDays(at(c.from), c.n, time.UTC, hol)
		if !got.Equal(at(c.want)) {
			t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", c.from, c.n, got, c.want)
		}
		if since := businessDays(at(c.from), got, hol); since != int64(c.n) {
			t.Errorf("business_days_since(%s) at %s = %d, want %d", c.from, got, since, c.n)
		}
	}
	if got := businessDays(at("2026-12-24 10:00"), at("2026-12-28 09:59"), hol); got != 0 {
		t.Errorf("Thursday 10:00 to Monday 09:59 over Christmas: %d business days, want 0", got)
	}
}

// TestAddBusinessDaysHolidaysAgree: over random holidays and instants,
// business_days_since of t is n at AddBusinessDays(t, n), and not a second
// before but at a business day's 00:00.
func TestAddBusinessDaysHolidaysAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var dates []string
	for range 60 {
		dates = append(dates, base.AddDate(0, 0, rng.IntN(400)).Format(time.DateOnly))
	}
	hol, err := ParseHolidays(dates)
	if err != nil {
		t.Fatal(err)
	}
	for range 3000 {
		from := base.Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour)))).Truncate(time.Second)
		n := 1 + rng.IntN(20)
		got := AddBusinessDays(from, n, time.UTC, hol)
		if since := businessDays(from, got, hol); since != int64(n) {
			t.Fatalf("%s + %dbd = %s, where business_days_since is %d", from, n, got, since)
		}
		if _, clock := businessClock(got, hol); clock != 0 {
			if since := businessDays(from, got.Add(-time.Second), hol); since >= int64(n) {
				t.Fatalf("%s + %dbd = %s, but business_days_since is already %d a second before", from, n, got, since)
			}
		}
		if wd := weekdayNumber(dateNumber(got.Date())); wd >= 5 || hol.has(dateNumber(got.Date())) {
			t.Fatalf("%s + %dbd = %s, a weekend day or a holiday", from, n, got)
		}
	}
}

// localTime reads "2006-01-02 15:04" in loc.
func localTime(t *testing.T, s string, loc *time.Location) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
