package runtime_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// wakeConditions are entry conditions mixing the solvable forms, with
// %d, %d taking two small numbers.
var wakeConditions = []string{
	"days_since(last_login) >= %d && local_hour() >= %d",
	"hours_until(renews_at) < %d || local_weekday() == \"tue\" && local_hour() == %d",
	"!(hours_since(last_login) > %d) && local_hour() != %d",
	"business_days_since(last_login) >= %d && local_hour() < %d",
	"count(\"page_viewed\", duration(\"%dh\")) >= 2 && !is_weekend() && local_hour() >= %d",
	"now >= renews_at - duration(\"%dh\") && days_until(renews_at) != %d",
	"local_hour() * 2 >= %d * 4 && days_since(last_login) == %d",
}

var wakeZones = []string{"UTC", "America/New_York", "Asia/Kolkata", "America/Santiago", "Australia/Lord_Howe", "Asia/Tokyo"}

// TestWakeNoChangeBefore checks, for random contacts, conditions and
// times, what a wake-up promises: the condition has the same value at
// every instant tried between the run and the wake-up (the microsecond
// before it among them), and another value at the wake-up itself. The
// entry does not hold at the run, and every condition here is solved
// within the search's bounds: a wake-up is when it turns true.
func TestWakeNoChangeBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	checked := 0
	at := func(base time.Time, span time.Duration) time.Time {
		return base.Add(time.Duration(rng.Int64N(int64(2*span))) - span).Truncate(time.Minute)
	}
	for i := range 200 {
		cond := fmt.Sprintf(wakeConditions[i%len(wakeConditions)], 1+rng.IntN(5), rng.IntN(24))
		now := at(t0.Add(180*24*time.Hour), 180*24*time.Hour)
		c := wakeCase{cond: cond, now: now, attrs: map[string]any{
			"timezone":   wakeZones[rng.IntN(len(wakeZones))],
			"last_login": at(now, 5*24*time.Hour).Format(time.RFC3339),
			"renews_at":  at(now, 5*24*time.Hour).Format(time.RFC3339),
		}}
		for range 3 {
			c.events = append(c.events, at(now, 12*time.Hour))
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			e := wakeEngine(t, c.cond)
			if enrolled(e, c, now) {
				return // the entry holds already: the contact's next run is its first step's
			}
			checked++
			wake := e.Run(c.state(), nil, c.now).Wake
			if wake.IsZero() {
				wake = now.Add(30 * 24 * time.Hour) // never: try a month
			} else if !wake.After(now) {
				t.Fatalf("%s, %v at %s: wake-up %s, not after the run", c.cond, c.attrs, now, wake)
			}
			tries := []time.Time{wake.Add(-time.Microsecond)}
			for range 40 {
				tries = append(tries, now.Add(time.Duration(rng.Int64N(int64(wake.Sub(now))))).Truncate(time.Microsecond))
			}
			for _, tr := range tries {
				if tr.After(now) && enrolled(e, c, tr) {
					t.Fatalf("%s, %v, %v: false at %s, true at %s, before the wake-up %s",
						c.cond, c.attrs, c.events, now, tr, wake)
				}
			}
			if exact := wake.Before(now.Add(30 * 24 * time.Hour)); exact && !enrolled(e, c, wake) {
				t.Errorf("%s, %v, %v: false at %s and at the wake-up %s",
					c.cond, c.attrs, c.events, now, wake)
			}
		})
	}
	if checked < 60 {
		t.Errorf("%d cases where the entry does not hold at the run, want 60 or more", checked)
	}
}

// TestWakeExitNoChangeBefore is TestWakeNoChangeBefore for an enrolled
// contact and an exit: no exit before the wake-up, the exit at it.
func TestWakeExitNoChangeBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	at := func(base time.Time, span time.Duration) time.Time {
		return base.Add(time.Duration(rng.Int64N(int64(2*span))) - span).Truncate(time.Minute)
	}
	checked, timed := 0, 0
	for i := range 100 {
		cond := fmt.Sprintf(wakeConditions[i%len(wakeConditions)], 1+rng.IntN(5), rng.IntN(24))
		src := "journey j\n\nentry on page_viewed\nexit when " + cond + "\n\nstage S {\n  after 400d send \"nudge\"\n}\n"
		e := &runtime.Engine{Deployment: storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(wakeSchema), "j.journey": []byte(src)}, wakeTemplates)}
		now := at(t0.Add(180*24*time.Hour), 180*24*time.Hour)
		attrs := map[string]any{
			"email":      "a@example.com",
			"timezone":   wakeZones[rng.IntN(len(wakeZones))],
			"last_login": at(now, 5*24*time.Hour).Format(time.RFC3339),
			"renews_at":  at(now, 5*24*time.Hour).Format(time.RFC3339),
		}
		// exited runs the contact from its enrollment at now to t.
		exited := func(to time.Time) (bool, time.Time) {
			s := &runtime.ContactState{ID: "c1", Attrs: attrs}
			out := e.Run(s, []runtime.Input{{Seq: 1, Kind: runtime.InputEvent, ID: "v", Name: "page_viewed", At: now}}, now)
			wake := out.Wake
			if !to.IsZero() {
				out = e.Run(s, nil, to)
			}
			for _, r := range out.Records {
				if r.Kind == runtime.RecExited {
					return true, wake
				}
			}
			return false, wake
		}
		gone, wake := exited(time.Time{})
		if gone {
			continue // the exit holds at the enrollment
		}
		checked++
		if !wake.After(now) || !wake.Before(now.Add(400*24*time.Hour)) {
			continue // no change before the step: nothing to check
		}
		timed++
		for range 30 {
			tr := now.Add(time.Duration(rng.Int64N(int64(wake.Sub(now))))).Truncate(time.Microsecond)
			if gone, _ := exited(tr); gone && tr.After(now) {
				t.Fatalf("%s, %v: exited at %s, before the wake-up %s", cond, attrs, tr, wake)
			}
		}
		if gone, _ := exited(wake.Add(-time.Microsecond)); gone {
			t.Fatalf("%s, %v: exited a microsecond before the wake-up %s", cond, attrs, wake)
		}
		if gone, _ := exited(wake); !gone {
			t.Errorf("%s, %v: not exited at the wake-up %s", cond, attrs, wake)
		}
	}
	if checked < 40 || timed < 20 {
		t.Errorf("%d cases where the exit does not hold at the enrollment, %d of them woken for it: want 40 and 20 or more", checked, timed)
	}
}
