package stdlib_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"

	"github.com/journeylang/journey/stdlib"
)

// history is a Context over a fixed contact history. Its Count reads the
// window as the runtime does (runtime/eval.go): from now-within to now,
// both ends included.
type history struct {
	now      time.Time
	loc      *time.Location // nil: UTC
	opened   map[string]bool
	clicked  map[string]bool
	events   map[string][]time.Time
	tags     map[string]bool
	stages   map[string]string // journey → stage
	consent  map[string]string // channel → state other than subscribed
	holidays stdlib.Holidays
}

func (h history) Now() time.Time            { return h.now }
func (h history) Location() *time.Location  { return h.loc }
func (h history) Opened(t string) bool      { return h.opened[t] }
func (h history) Clicked(t string) bool     { return h.clicked[t] }
func (h history) HasTag(t string) bool      { return h.tags[t] }
func (h history) InStage(j, s string) bool  { return h.stages[j] == s }
func (h history) Subscribed(ch string) bool { return h.consent[ch] == "" }
func (h history) Holidays() stdlib.Holidays { return h.holidays }

// Count counts every event of the kind: the stdlib's own tests compile no
// filter (the compiler's and the runtime's tests do).
func (h history) Count(e string, within time.Duration, _ int) int {
	n := 0
	for _, at := range h.events[e] {
		if !at.Before(h.now.Add(-within)) && !at.After(h.now) {
			n++
		}
	}
	return n
}

var (
	newYork = mustLoad("America/New_York")
	berlin  = mustLoad("Europe/Berlin")
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// env is a CEL environment as the checker builds it, with a few variables
// for the tests: timestamps t and last_login, and a list of tags.
func env(t *testing.T) *cel.Env {
	t.Helper()
	e, err := cel.NewEnv(append(stdlib.Declarations(),
		cel.Variable("t", cel.TimestampType),
		cel.Variable("last_login", cel.TimestampType),
		cel.Variable("wanted", cel.ListType(cel.StringType)))...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// rewrite compiles a condition as the checker does: checked, then its
// library calls rewritten to take the hidden context.
func rewrite(t *testing.T, e *cel.Env, src string) *cel.Ast {
	t.Helper()
	ast, iss := e.Compile(src)
	if iss.Err() != nil {
		t.Fatalf("%s: %v", src, iss.Err())
	}
	opt, err := cel.NewStaticOptimizer(stdlib.ContextRewriter{})
	if err != nil {
		t.Fatal(err)
	}
	ast, iss = opt.Optimize(e, ast)
	if iss.Err() != nil {
		t.Fatalf("%s: %v", src, iss.Err())
	}
	return ast
}

// plan rewrites a condition and plans it.
func plan(t *testing.T, e *cel.Env, src string) cel.Program {
	t.Helper()
	prg, err := e.Program(rewrite(t, e, src))
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return prg
}

// eval evaluates src against the history, with vars besides the context.
func eval(t *testing.T, e *cel.Env, h stdlib.Context, vars map[string]any, src string) ref.Val {
	t.Helper()
	act := map[string]any{stdlib.ContextVar: stdlib.NewContextValue(h)}
	for k, v := range vars {
		act[k] = v
	}
	out, _, err := plan(t, e, src).Eval(act)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return out
}

// TestFunctions compiles conditions as the checker does (library calls
// rewritten to take the hidden context) and evaluates them.
func TestFunctions(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := history{
		now:     now,
		opened:  map[string]bool{"welcome": true},
		clicked: map[string]bool{"roi-guide": true},
		events: map[string][]time.Time{"page_viewed": {
			now.Add(-1 * time.Hour), now.Add(-6 * 24 * time.Hour), now.Add(-8 * 24 * time.Hour),
		}},
		tags:   map[string]bool{"vip": true},
		stages: map[string]string{"onboarding": "Activated"},
	}
	e := env(t)
	vars := map[string]any{
		"last_login": now.Add(-(14*24 + 5) * time.Hour),
		"t":          now.Add(-(14*24 + 5) * time.Hour),
		"wanted":     []string{"churned", "vip"},
	}
	tests := map[string]bool{
		`days_since(last_login) == 14`:                   true,
		`hours_since(last_login) == 341`:                 true,
		`days_until(last_login) == -15`:                  true,
		`hours_until(last_login) == -341`:                true,
		`business_days_since(last_login) == 10`:          true,
		`local_hour() == 9 && local_weekday() == "mon"`:  true,
		`is_weekend()`:                                   false,
		`opened("welcome") && !opened("roi-guide")`:      true,
		`clicked("roi-guide") && !clicked("welcome")`:    true,
		`count("page_viewed", duration("168h")) == 2`:    true,
		`count("page_viewed", duration("240h")) == 3`:    true,
		`count("form_submitted", duration("240h")) == 0`: true,
		`has_tag("vip") && !has_tag("churned")`:          true,
		`in_stage("onboarding", "Activated")`:            true,
		`in_stage("onboarding", "Trial")`:                false,
		// Library calls inside macros, as arguments of one another, and
		// beside the hidden variable's other uses.
		`wanted.exists(x, has_tag(x))`:                                                          true,
		`wanted.all(x, has_tag(x))`:                                                             false,
		`[1, 2].map(n, local_hour() + n) == [10, 11]`:                                           true,
		`days_since(last_login) > local_hour() && !is_weekend()`:                                true,
		`business_days_since(t) == days_since(t) - 4`:                                           true,
		`local_weekday() in ["mon", "tue"] ? count("page_viewed", duration("1h")) == 1 : false`: true,
	}
	for src, want := range tests {
		if out := eval(t, e, h, vars, src); out.Value() != want {
			t.Errorf("%s = %v, want %v", src, out.Value(), want)
		}
	}
}

// intCase is one evaluation of an int-valued call of t.
type intCase struct {
	name string
	now  time.Time
	loc  *time.Location
	t    time.Time
	want int64
}

func runInt(t *testing.T, call string, cases []intCase) {
	t.Helper()
	e := env(t)
	prg := plan(t, e, call)
	for _, c := range cases {
		out, _, err := prg.Eval(map[string]any{
			stdlib.ContextVar: stdlib.NewContextValue(history{now: c.now, loc: c.loc}),
			"t":               c.t,
		})
		if err != nil {
			t.Errorf("%s: %s: %v", c.name, call, err)
			continue
		}
		if got := out.Value(); got != c.want {
			t.Errorf("%s: %s = %v, want %d (t = %s, now = %s)", c.name, call, got, c.want,
				c.t.Format(time.RFC3339Nano), c.now.Format(time.RFC3339Nano))
		}
	}
}

// elapsedCase gives the same pair of instants to days_since, hours_since,
// days_until and hours_until.
type elapsedCase struct {
	name                   string
	t, now                 time.Time
	days, hours, dUnt, hUn int64
}

// TestElapsed checks days_since, hours_since, days_until and hours_until:
// whole 24-hour days and whole hours, the floor of the elapsed time, so
// negative on the other side of now; the time zone plays no part, and a
// day across a change of the clocks is still 24 hours.
func TestElapsed(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	cases := []elapsedCase{
		{"now", now, now, 0, 0, 0, 0},
		{"a day ago", now.Add(-day), now, 1, 24, -1, -24},
		{"a nanosecond short of a day ago", now.Add(-day + 1), now, 0, 23, -1, -24},
		{"a nanosecond ago", now.Add(-1), now, 0, 0, -1, -1},
		{"an hour ago: past, so days_until is negative", now.Add(-time.Hour), now, 0, 1, -1, -1},
		{"a nanosecond ahead", now.Add(1), now, -1, -1, 0, 0},
		{"a day ahead", now.Add(day), now, -1, -24, 1, 24},
		{"a nanosecond short of a day ahead", now.Add(day - 1), now, -1, -24, 0, 23},
		{"renewal in 90 days and 23 hours", now.Add(90*day + 23*time.Hour), now, -91, -2183, 90, 2183},
		{"renewal in 91 days", now.Add(91 * day), now, -91, -2184, 91, 2184},
		{"half a second short of an hour", now.Add(-time.Hour + 500*time.Millisecond), now, 0, 0, -1, -1},
		{"half a second past an hour", now.Add(-time.Hour - 500*time.Millisecond), now, 0, 1, -1, -2},
		{"14 days ago", now.Add(-14 * day), now, 14, 336, -14, -336},
		// New York springs forward on Sunday 8 March 2026: noon to noon is 23 hours.
		{"New York, across spring forward",
			time.Date(2026, 3, 7, 12, 0, 0, 0, newYork), time.Date(2026, 3, 8, 12, 0, 0, 0, newYork), 0, 23, -1, -23},
		// Berlin falls back on Sunday 25 October 2026: noon to noon is 25 hours.
		{"Berlin, across fall back",
			time.Date(2026, 10, 24, 12, 0, 0, 0, berlin), time.Date(2026, 10, 25, 12, 0, 0, 0, berlin), 1, 25, -2, -25},
		// Far apart, past what a time.Duration holds (292 years).
		{"year 1", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
			739676, 739676 * 24, -739676, -739676 * 24},
		{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), now,
			-2912383, -69897183, 2912382, 69897182},
	}
	var since, hours, until, hUntil []intCase
	for _, c := range cases {
		for _, loc := range []*time.Location{nil, newYork, berlin} { // the zone changes nothing
			since = append(since, intCase{c.name, c.now, loc, c.t, c.days})
			hours = append(hours, intCase{c.name, c.now, loc, c.t, c.hours})
			until = append(until, intCase{c.name, c.now, loc, c.t, c.dUnt})
			hUntil = append(hUntil, intCase{c.name, c.now, loc, c.t, c.hUn})
		}
	}
	runInt(t, "days_since(t)", since)
	runInt(t, "hours_since(t)", hours)
	runInt(t, "days_until(t)", until)
	runInt(t, "hours_until(t)", hUntil)
}

// TestBusinessDaysSince checks whole Monday-to-Friday days, counted on the
// contact's wall clock: the weekend is skipped, a timestamp on a weekend
// counts from Monday 00:00, and a whole business day has passed when the
// clock reaches the timestamp's local time of day on a later weekday.
func TestBusinessDaysSince(t *testing.T) {
	// March 2026: Monday 2 … Friday 6, Saturday 7, Sunday 8, Monday 9.
	at := func(day, hour, min int, loc *time.Location) time.Time {
		if loc == nil {
			loc = time.UTC
		}
		return time.Date(2026, 3, day, hour, min, 0, 0, loc)
	}
	utc := func(name string, from, now time.Time, want int64) intCase {
		return intCase{name, now, nil, from, want}
	}
	cases := []intCase{
		utc("the same instant", at(2, 10, 0, nil), at(2, 10, 0, nil), 0),
		utc("later the same day", at(2, 10, 0, nil), at(2, 17, 0, nil), 0),
		utc("a minute short of a day", at(2, 10, 0, nil), at(3, 9, 59, nil), 0),
		utc("exactly a day", at(2, 10, 0, nil), at(3, 10, 0, nil), 1),
		utc("Monday to Friday", at(2, 10, 0, nil), at(6, 10, 0, nil), 4),
		utc("a week", at(2, 10, 0, nil), at(9, 10, 0, nil), 5),
		utc("two weeks and a day", at(2, 10, 0, nil), at(17, 10, 0, nil), 11),
		utc("Friday evening to Monday a minute before", at(6, 17, 0, nil), at(9, 16, 59, nil), 0),
		utc("Friday evening to Monday the same time", at(6, 17, 0, nil), at(9, 17, 0, nil), 1),
		utc("Friday evening to Saturday", at(6, 17, 0, nil), at(7, 12, 0, nil), 0),
		utc("Friday evening to late Sunday", at(6, 17, 0, nil), at(8, 23, 59, nil), 0),
		utc("all of Friday", at(6, 0, 0, nil), at(7, 0, 0, nil), 1),
		utc("all of Friday, seen on Sunday", at(6, 0, 0, nil), at(8, 18, 0, nil), 1),
		utc("Saturday to Sunday", at(7, 12, 0, nil), at(8, 12, 0, nil), 0),
		utc("Saturday to Monday 00:00", at(7, 12, 0, nil), at(9, 0, 0, nil), 0),
		utc("Saturday to late Monday", at(7, 12, 0, nil), at(9, 23, 59, nil), 0),
		utc("Saturday to Tuesday 00:00", at(7, 12, 0, nil), at(10, 0, 0, nil), 1),
		utc("Saturday to the next Saturday", at(7, 12, 0, nil), at(14, 12, 0, nil), 5),
		utc("Sunday to the next Sunday", at(8, 12, 0, nil), at(15, 1, 0, nil), 5),
		// A timestamp ahead of now: the floor, so negative.
		utc("a minute ahead", at(2, 10, 1, nil), at(2, 10, 0, nil), -1),
		utc("a day ahead", at(3, 10, 0, nil), at(2, 10, 0, nil), -1),
		utc("a day and a minute ahead", at(3, 10, 1, nil), at(2, 10, 0, nil), -2),
		utc("Monday ahead of Friday", at(9, 10, 0, nil), at(6, 10, 0, nil), -1),
		utc("Saturday ahead of Friday noon", at(7, 10, 0, nil), at(6, 12, 0, nil), -1),
		utc("Sunday ahead of Saturday: still ahead", at(8, 10, 0, nil), at(7, 10, 0, nil), -1),
		utc("Sunday to the Saturday after it", at(8, 10, 0, nil), at(14, 10, 0, nil), 5),
		// The year 2026 starts and ends on a Thursday: 261 weekdays.
		{"all of 2026", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 261},
		{"across the Unix epoch", time.Date(1970, 1, 5, 10, 0, 0, 0, time.UTC), nil, time.Date(1969, 12, 29, 10, 0, 0, 0, time.UTC), 5},
		// The contact's time zone. Friday 20:00 UTC is Friday 15:00 in
		// New York (EST) and Friday 21:00 in Berlin; Monday 19:30 UTC is
		// 15:30 in New York (EDT since Sunday) and 20:30 in Berlin.
		{"UTC", at(9, 19, 30, nil), nil, at(6, 20, 0, nil), 0},
		{"New York, across spring forward: by the wall clock", at(9, 19, 30, nil), newYork, at(6, 20, 0, nil), 1},
		{"Berlin", at(9, 19, 30, nil), berlin, at(6, 20, 0, nil), 0},
		// Saturday 03:00 UTC is Friday 22:00 in New York, Saturday 04:00
		// in Berlin; Monday 23:00 UTC is 19:00 in New York, Tuesday 00:00
		// in Berlin.
		{"UTC: a Saturday timestamp", at(9, 23, 0, nil), nil, at(7, 3, 0, nil), 0},
		{"New York: the same instant is Friday night", at(9, 23, 0, nil), newYork, at(7, 3, 0, nil), 0},
		{"Berlin: now is Tuesday", at(9, 23, 0, nil), berlin, at(7, 3, 0, nil), 1},
		{"New York: now is still Sunday", at(9, 3, 0, nil), newYork, at(6, 20, 0, nil), 0},
		// Berlin springs forward on Sunday 29 March 2026: Friday 10:00 to
		// Monday 10:00 is 71 hours and one business day.
		{"Berlin, spring forward", time.Date(2026, 3, 30, 10, 0, 0, 0, berlin), berlin, time.Date(2026, 3, 27, 10, 0, 0, 0, berlin), 1},
		{"Berlin, spring forward, a minute short", time.Date(2026, 3, 30, 9, 59, 0, 0, berlin), berlin, time.Date(2026, 3, 27, 10, 0, 0, 0, berlin), 0},
		// And falls back on Sunday 25 October: 73 hours, one business day.
		{"Berlin, fall back", time.Date(2026, 10, 26, 10, 0, 0, 0, berlin), berlin, time.Date(2026, 10, 23, 10, 0, 0, 0, berlin), 1},
		{"Berlin, fall back, a minute short", time.Date(2026, 10, 26, 9, 59, 0, 0, berlin), berlin, time.Date(2026, 10, 23, 10, 0, 0, 0, berlin), 0},
		// New York falls back on Sunday 1 November 2026.
		{"New York, fall back", time.Date(2026, 11, 2, 9, 0, 0, 0, newYork), newYork, time.Date(2026, 10, 30, 9, 0, 0, 0, newYork), 1},
		{"New York, fall back, a minute short", time.Date(2026, 11, 2, 8, 59, 0, 0, newYork), newYork, time.Date(2026, 10, 30, 9, 0, 0, 0, newYork), 0},
	}
	runInt(t, "business_days_since(t)", cases)
}

// TestLocalTime checks local_hour, local_weekday and is_weekend in the
// contact's time zone, at the edges of days and of daylight saving time.
func TestLocalTime(t *testing.T) {
	e := env(t)
	prg := plan(t, e, `[local_hour(), local_weekday(), is_weekend()]`)
	type localCase struct {
		name    string
		now     time.Time
		loc     *time.Location
		hour    int64
		weekday string
		weekend bool
	}
	tests := []localCase{
		// Saturday 7 March 2026, 03:30 UTC.
		{"UTC", time.Date(2026, 3, 7, 3, 30, 0, 0, time.UTC), time.UTC, 3, "sat", true},
		{"no zone is UTC", time.Date(2026, 3, 7, 3, 30, 0, 0, time.UTC), nil, 3, "sat", true},
		{"New York is still Friday", time.Date(2026, 3, 7, 3, 30, 0, 0, time.UTC), newYork, 22, "fri", false},
		{"Berlin", time.Date(2026, 3, 7, 3, 30, 0, 0, time.UTC), berlin, 4, "sat", true},
		// Sunday 8 March 2026, 23:30 UTC.
		{"New York, Sunday evening", time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC), newYork, 19, "sun", true},
		{"Berlin is already Monday", time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC), berlin, 0, "mon", false},
		// The edges of the weekend, local time.
		{"Friday's last nanosecond", time.Date(2026, 3, 6, 23, 59, 59, 999999999, berlin), berlin, 23, "fri", false},
		{"Saturday 00:00", time.Date(2026, 3, 7, 0, 0, 0, 0, berlin), berlin, 0, "sat", true},
		{"Sunday's last nanosecond", time.Date(2026, 3, 8, 23, 59, 59, 999999999, newYork), newYork, 23, "sun", true},
		{"Monday 00:00", time.Date(2026, 3, 9, 0, 0, 0, 0, newYork), newYork, 0, "mon", false},
		// New York springs forward at 02:00 on 8 March: there is no hour 2.
		{"New York, before spring forward", time.Date(2026, 3, 8, 6, 59, 59, 0, time.UTC), newYork, 1, "sun", true},
		{"New York, after spring forward", time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC), newYork, 3, "sun", true},
		// It falls back at 02:00 on 1 November: hour 1 comes twice.
		{"New York, first 01:30", time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC), newYork, 1, "sun", true},
		{"New York, second 01:30", time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), newYork, 1, "sun", true},
		{"New York, after fall back", time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC), newYork, 2, "sun", true},
		// Berlin springs forward at 02:00 on 29 March and falls back at
		// 03:00 on 25 October.
		{"Berlin, before spring forward", time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC), berlin, 1, "sun", true},
		{"Berlin, after spring forward", time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), berlin, 3, "sun", true},
		{"Berlin, first 02:30", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), berlin, 2, "sun", true},
		{"Berlin, second 02:30", time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), berlin, 2, "sun", true},
		{"Berlin, Monday after fall back", time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC), berlin, 0, "mon", false},
	}
	// Every day of a week, at noon in Berlin.
	for i, name := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		tests = append(tests, localCase{"noon on " + name, time.Date(2026, 3, 2+i, 12, 0, 0, 0, berlin), berlin, 12, name, i >= 5})
	}
	for _, tt := range tests {
		out, _, err := prg.Eval(map[string]any{stdlib.ContextVar: stdlib.NewContextValue(history{now: tt.now, loc: tt.loc})})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := fmt.Sprint(out.Value())
		if want := fmt.Sprint([]any{tt.hour, tt.weekday, tt.weekend}); got != want {
			t.Errorf("%s: [local_hour(), local_weekday(), is_weekend()] = %s, want %s", tt.name, got, want)
		}
	}
}

// TestCount checks count's window: from now-window to now, both ends
// included, events of the named kind only.
func TestCount(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	week := 7 * 24 * time.Hour
	h := history{now: now, events: map[string][]time.Time{
		"page_viewed": {
			now,                        // now: counts
			now.Add(-week),             // exactly now-window: counts in a 7-day window
			now.Add(-week - 1),         // a nanosecond before it: does not
			now.Add(time.Nanosecond),   // after now (its time is ahead of the clock): does not
			now.Add(-30 * time.Minute), // inside
		},
		"form_submitted": {now.Add(-time.Minute)},
	}}
	e := env(t)
	tests := map[string]int64{
		`count("page_viewed", duration("168h"))`:    3,
		`count("page_viewed", duration("168h1ns"))`: 4,
		`count("page_viewed", duration("167h"))`:    2,
		`count("page_viewed", duration("0s"))`:      1,
		`count("page_viewed", duration("-1h"))`:     0,
		`count("form_submitted", duration("1m"))`:   1,
		`count("form_submitted", duration("59s"))`:  0,
		`count("Page_Viewed", duration("168h"))`:    0,
		`count("email_opened", duration("8760h"))`:  0,
	}
	for src, want := range tests {
		if out := eval(t, e, h, nil, src); out.Value() != want {
			t.Errorf("%s = %v, want %d", src, out.Value(), want)
		}
	}
}

// TestContactFacts checks opened, clicked, has_tag and in_stage: exact,
// case-sensitive names, false for anything the contact does not have.
func TestContactFacts(t *testing.T) {
	h := history{
		now:     time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		opened:  map[string]bool{"welcome": true, "proposal": true},
		clicked: map[string]bool{"roi-guide": true},
		tags:    map[string]bool{"vip": true, "": true},
		stages:  map[string]string{"onboarding": "Activated", "lead_nurture": "Decision"},
		consent: map[string]string{"email": "bounced"},
	}
	e := env(t)
	tests := map[string]bool{
		`opened("welcome")`:                    true,
		`opened("proposal")`:                   true,
		`opened("Welcome")`:                    false,
		`opened("roi-guide")`:                  false, // clicked, not opened: the two are separate
		`opened("")`:                           false,
		`clicked("roi-guide")`:                 true,
		`clicked("welcome")`:                   false,
		`has_tag("vip")`:                       true,
		`has_tag("VIP")`:                       false,
		`has_tag("")`:                          true,
		`in_stage("onboarding", "Activated")`:  true,
		`in_stage("onboarding", "activated")`:  false,
		`in_stage("lead_nurture", "Decision")`: true,
		`in_stage("Decision", "lead_nurture")`: false,
		`in_stage("renewal", "Decision")`:      false,
		`subscribed("email")`:                  false,
		`subscribed("sms")`:                    true,
	}
	for src, want := range tests {
		if out := eval(t, e, h, nil, src); out.Value() != want {
			t.Errorf("%s = %v, want %v", src, out.Value(), want)
		}
	}
	if out := eval(t, e, history{}, nil, `!opened("welcome") && !clicked("welcome") && !has_tag("vip") && !in_stage("onboarding", "Activated") && subscribed("email")`); out.Value() != true {
		t.Errorf("an empty history has something: %v", out.Value())
	}
}

// TestNoContext checks a library call fails, rather than answering, when
// the evaluation carries no context, or when the condition was not
// rewritten to take it.
func TestNoContext(t *testing.T) {
	e := env(t)
	for _, src := range []string{`local_hour() > 3`, `has_tag("vip")`, `days_since(t) > 3`} {
		prg := plan(t, e, src)
		for name, act := range map[string]map[string]any{
			"no variable":   {"t": time.Now()},
			"a nil context": {"t": time.Now(), stdlib.ContextVar: stdlib.NewContextValue(nil)},
		} {
			if out, _, err := prg.Eval(act); err == nil {
				t.Errorf("%s with %s = %v, want an error", src, name, out)
			}
		}
		ast, iss := e.Compile(src)
		if iss.Err() != nil {
			t.Fatal(iss.Err())
		}
		unrewritten, err := e.Program(ast)
		if err != nil {
			continue // refusing to plan is as good
		}
		if out, _, err := unrewritten.Eval(map[string]any{"t": time.Now(), stdlib.ContextVar: stdlib.NewContextValue(history{})}); err == nil {
			t.Errorf("%s, not rewritten, = %v, want an error", src, out)
		}
	}
}

// TestRewriter checks every library call, zero-argument ones included,
// takes the hidden variable first once rewritten, and only once.
func TestRewriter(t *testing.T) {
	e := env(t)
	var calls []string
	for _, f := range stdlib.Functions {
		args := make([]string, len(f.Args))
		for i, a := range f.Args {
			switch a {
			case cel.TimestampType:
				args[i] = "t"
			case cel.DurationType:
				args[i] = `duration("1h")`
			default:
				args[i] = `"x"`
			}
		}
		calls = append(calls, fmt.Sprintf("string(%s(%s))", f.Name, strings.Join(args, ", ")))
	}
	ast := rewrite(t, e, strings.Join(calls, " + "))
	got, err := cel.AstToString(ast)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range stdlib.Functions {
		want := strings.Replace(calls[i], f.Name+"(", f.Name+"("+stdlib.ContextVar, 1)
		if len(f.Args) > 0 {
			want = strings.Replace(want, stdlib.ContextVar, stdlib.ContextVar+", ", 1)
		}
		if !strings.Contains(got, want) {
			t.Errorf("the rewritten condition has no %s:\n%s", want, got)
		}
	}
	if n := strings.Count(got, stdlib.ContextVar); n != len(stdlib.Functions) {
		t.Errorf("%d uses of %s for %d calls:\n%s", n, stdlib.ContextVar, len(stdlib.Functions), got)
	}
	// The rewritten form evaluates.
	prg, err := e.Program(ast)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := prg.Eval(map[string]any{"t": time.Now(), stdlib.ContextVar: stdlib.NewContextValue(history{now: time.Now()})}); err != nil {
		t.Error(err)
	}
}

// TestDeclarations checks the table the checker reads: names unique and
// found by Lookup, each signature written from its types, each doc with an
// example call, and the functions that read the clock marked so.
func TestDeclarations(t *testing.T) {
	typeName := map[*cel.Type]string{
		cel.TimestampType: "timestamp", cel.DurationType: "duration",
		cel.StringType: "string", cel.IntType: "int", cel.BoolType: "bool",
	}
	timeDependent := map[string]bool{
		"days_since": true, "hours_since": true, "days_until": true, "hours_until": true,
		"business_days_since": true, "local_hour": true, "local_weekday": true, "is_weekend": true,
		"count": true,
	}
	seen := map[string]bool{}
	for _, f := range stdlib.Functions {
		if seen[f.Name] {
			t.Errorf("%s is declared twice", f.Name)
		}
		seen[f.Name] = true
		if g, ok := stdlib.Lookup(f.Name); !ok || g.Signature != f.Signature {
			t.Errorf("Lookup(%q) = %v, %v", f.Name, g, ok)
		}
		var args []string
		for _, a := range f.Args {
			args = append(args, typeName[a])
		}
		optional := ""
		if f.Filter {
			optional = "[, condition]"
		}
		if want := fmt.Sprintf("%s(%s%s) -> %s", f.Name, strings.Join(args, ", "), optional, typeName[f.Result]); f.Signature != want {
			t.Errorf("%s: signature %q, its types say %q", f.Name, f.Signature, want)
		}
		if !strings.Contains(f.Doc, ": "+f.Name+"(") && !strings.Contains(f.Doc, ": !"+f.Name+"(") {
			t.Errorf("%s: the doc has no example: %q", f.Name, f.Doc)
		}
		if f.TimeDependent != timeDependent[f.Name] || stdlib.TimeDependent(f.Name) != timeDependent[f.Name] {
			t.Errorf("%s: TimeDependent = %v, want %v", f.Name, f.TimeDependent, timeDependent[f.Name])
		}
	}
	for name := range timeDependent {
		if !seen[name] {
			t.Errorf("%s is not declared", name)
		}
	}
	if _, ok := stdlib.Lookup("now"); ok || stdlib.TimeDependent("now") {
		t.Error(`"now" is a variable, not a library function`)
	}
}
