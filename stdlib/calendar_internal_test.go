package stdlib

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestAddBusinessDaysExamples(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
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
		if got := AddBusinessDays(at(c.from), c.n, ny); !got.Equal(at(c.want)) {
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
		got := AddBusinessDays(from, n, loc)
		if since := businessDays(from.In(loc), got.In(loc)); since != int64(n) {
			t.Fatalf("%s in %s + %dbd = %s, where business_days_since is %d", from.In(loc), loc, n, got.In(loc), since)
		}
		// A second before, it is not reached yet: unless the step falls at
		// Monday 00:00, which the weekend before counts as already, or
		// just after a gap in the clock.
		before := got.Add(-time.Second)
		if _, clock := businessClock(got.In(loc)); clock != 0 && !isGap(got, loc) {
			if since := businessDays(from.In(loc), before.In(loc)); since >= int64(n) {
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
