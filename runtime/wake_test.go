package runtime_test

import (
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/storetest"
)

const wakeSchema = `
contact {
  email:      string
  plan:       string?
  timezone:   string?
  last_login: timestamp?
  renews_at:  timestamp?
}
event page_viewed
`

var wakeTemplates = map[string][]byte{"nudge.md": []byte("subject: Nudge\n\nHello\n")}

// wakeEngine deploys one journey entered by a condition.
func wakeEngine(t *testing.T, cond string) *runtime.Engine {
	t.Helper()
	src := "journey j\n\nentry when " + cond + "\n\nstage S {\n  send \"nudge\"\n}\n"
	d := storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(wakeSchema), "j.journey": []byte(src)}, wakeTemplates)
	return &runtime.Engine{Deployment: d}
}

// wakeCase is a contact, a condition entry and the instant it turns true.
type wakeCase struct {
	name   string
	cond   string
	attrs  map[string]any
	events []time.Time // page views
	now    time.Time   // the run whose wake-up is asked for
	want   time.Time   // the wake-up: the instant the entry turns true
}

// state is the contact of a case, as stored before a run.
func (c wakeCase) state() *runtime.ContactState {
	s := &runtime.ContactState{ID: "c1", Attrs: map[string]any{"email": "a@example.com"}}
	for k, v := range c.attrs {
		s.Attrs[k] = v
	}
	for _, at := range c.events {
		s.Events = append(s.Events, runtime.EventMark{Name: "page_viewed", At: at})
	}
	return s
}

// enrolled reports whether a first run of the case's contact at t enrolls it.
func enrolled(e *runtime.Engine, c wakeCase, t time.Time) bool {
	for _, r := range e.Run(c.state(), nil, t).Records {
		if r.Kind == runtime.RecEnrolled {
			return true
		}
	}
	return false
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestWakeExact: for each solvable form, the wake-up is the instant the
// condition turns true — a run a microsecond (the stores' resolution)
// earlier does not enroll the contact, a run at it does.
func TestWakeExact(t *testing.T) {
	ny := map[string]any{"timezone": "America/New_York"}
	with := func(m map[string]any, k string, v any) map[string]any {
		out := map[string]any{k: v}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	cases := []wakeCase{
		{name: "days_since", cond: "days_since(last_login) >= 14", attrs: map[string]any{"last_login": "2025-12-26T09:17:23.5Z"},
			now: t0, want: ts("2026-01-09T09:17:23.5Z")},
		{name: "days_since reversed", cond: "14 < days_since(last_login)", attrs: map[string]any{"last_login": "2025-12-26T09:00:00Z"},
			now: t0, want: ts("2026-01-10T09:00:00Z")},
		{name: "hours_since", cond: "hours_since(last_login) > 30", attrs: map[string]any{"last_login": "2026-01-05T08:10:00Z"},
			now: t0, want: ts("2026-01-06T15:10:00Z")},
		{name: "days_until, a floor", cond: "days_until(renews_at) <= 2", attrs: map[string]any{"renews_at": "2026-01-10T15:00:00Z"},
			now: t0, want: ts("2026-01-07T15:00:00.000001Z")},
		{name: "hours_until", cond: "hours_until(renews_at) < 5", attrs: map[string]any{"renews_at": "2026-01-06T15:00:00Z"},
			now: t0, want: ts("2026-01-06T10:00:00.000001Z")},
		{name: "now after t minus d", cond: "now >= renews_at - duration(\"90m\")", attrs: map[string]any{"renews_at": "2026-01-06T12:00:00Z"},
			now: t0, want: ts("2026-01-06T10:30:00Z")},
		{name: "now before", cond: "!(renews_at > now)", attrs: map[string]any{"renews_at": "2026-01-06T12:00:00Z"},
			now: t0, want: ts("2026-01-06T12:00:00Z")},
		{name: "count leaves the window", cond: "count(\"page_viewed\", duration(\"24h\")) < 2", events: []time.Time{t0.Add(-2 * time.Hour), t0.Add(-time.Hour)},
			now: t0, want: t0.Add(22*time.Hour + time.Microsecond)},
		{name: "count of a later event", cond: "count(\"page_viewed\", duration(\"24h\")) >= 1", events: []time.Time{t0.Add(3 * time.Hour)},
			now: t0, want: t0.Add(3 * time.Hour)},
		{name: "local_hour in New York", cond: "local_hour() >= 9 && local_hour() < 17", attrs: ny,
			now: t0, want: ts("2026-01-05T14:00:00Z")},
		{name: "local_hour, clocks forward", cond: "local_hour() == 3", attrs: ny,
			now: ts("2026-03-07T12:00:00Z"), want: ts("2026-03-08T07:00:00Z")},
		{name: "local_hour, clocks back", cond: "local_hour() == 2", attrs: ny,
			now: ts("2026-10-31T12:00:00Z"), want: ts("2026-11-01T07:00:00Z")},
		{name: "local_hour, half-hour zone", cond: "local_hour() == 10", attrs: map[string]any{"timezone": "Asia/Kolkata"},
			now: t0, want: ts("2026-01-06T04:30:00Z")},
		{name: "local_weekday in Tokyo", cond: "local_weekday() == \"sat\"", attrs: map[string]any{"timezone": "Asia/Tokyo"},
			now: t0, want: ts("2026-01-09T15:00:00Z")},
		{name: "local_weekday, a midnight the clocks skip", cond: "local_weekday() == \"sun\"", attrs: map[string]any{"timezone": "America/Santiago"},
			now: ts("2026-09-05T12:00:00Z"), want: ts("2026-09-06T04:00:00Z")},
		{name: "local_weekday, list", cond: "local_weekday() in [\"wed\", \"thu\"]", attrs: ny,
			now: t0, want: ts("2026-01-07T05:00:00Z")},
		{name: "business days over a weekend", cond: "business_days_since(last_login) >= 2", attrs: with(ny, "last_login", "2026-01-09T22:00:00Z"),
			now: t0, want: ts("2026-01-13T22:00:00Z")},
		{name: "and, not", cond: "days_since(last_login) >= 14 && !is_weekend()", attrs: map[string]any{"last_login": "2025-12-27T10:00:00Z"},
			now: t0, want: ts("2026-01-12T00:00:00Z")},
		{name: "or", cond: "hours_since(last_login) >= 50 || now >= renews_at", attrs: map[string]any{"last_login": "2026-01-05T09:00:00Z", "renews_at": "2026-01-06T16:00:00Z"},
			now: t0, want: ts("2026-01-06T16:00:00Z")},
		{name: "and with a time-independent part", cond: "plan == \"pro\" && days_since(last_login) >= 1", attrs: map[string]any{"plan": "pro", "last_login": "2026-01-05T00:00:00Z"},
			now: t0, want: ts("2026-01-06T00:00:00Z")},
		{name: "a window of hours, the next day", cond: "days_since(last_login) >= 1 && local_hour() >= 9 && local_hour() < 10", attrs: map[string]any{"last_login": "2026-01-05T12:00:00Z"},
			now: t0, want: ts("2026-01-07T09:00:00Z")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := wakeEngine(t, c.cond)
			out := e.Run(c.state(), nil, c.now)
			if !out.Wake.Equal(c.want) {
				t.Errorf("wake-up %s, want %s", out.Wake.Format(time.RFC3339Nano), c.want.Format(time.RFC3339Nano))
			}
			if enrolled(e, c, c.now) {
				t.Errorf("enrolled at %s already", c.now)
			}
			if enrolled(e, c, c.want.Add(-time.Microsecond)) {
				t.Errorf("enrolled a microsecond before %s", c.want.Format(time.RFC3339Nano))
			}
			if !enrolled(e, c, c.want) {
				t.Errorf("not enrolled at %s", c.want.Format(time.RFC3339Nano))
			}
		})
	}
}

// TestWakeNever: a contact whose conditions cannot turn true with no
// input gets no wake-up.
func TestWakeNever(t *testing.T) {
	cases := []wakeCase{
		{name: "a time-independent part false", cond: "plan == \"pro\" && days_since(last_login) >= 14", attrs: map[string]any{"plan": "free", "last_login": "2026-01-01T00:00:00Z"}},
		{name: "no value to count from", cond: "days_since(last_login) >= 14"},
		{name: "past the last flip", cond: "days_since(last_login) < 3", attrs: map[string]any{"last_login": "2025-01-01T00:00:00Z"}},
		{name: "unsolvable, behind a false part", cond: "plan == \"pro\" && now.getMinutes() >= 30", attrs: map[string]any{"plan": "free"}},
		{name: "no events to count", cond: "count(\"page_viewed\", duration(\"24h\")) >= 1"},
		{name: "a local hour that never comes", cond: "local_hour() < 0", attrs: map[string]any{"timezone": "America/New_York"}},
		{name: "a local day that never comes", cond: "local_weekday() == \"mon\" && is_weekend()"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := wakeEngine(t, c.cond).Run(c.state(), nil, t0)
			if !out.Wake.IsZero() {
				t.Errorf("wake-up %s, want none", out.Wake.Format(time.RFC3339Nano))
			}
		})
	}
}

// TestWakeFallback: a condition the analysis cannot solve is re-checked
// about every Engine.Recheck, give or take an eighth, at the same
// instant for the same contact, spread over contacts.
func TestWakeFallback(t *testing.T) {
	e := wakeEngine(t, "plan == \"pro\" && now.getMinutes() >= 30")
	e.Recheck = 40 * time.Minute
	seen := map[time.Time]bool{}
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		s := &runtime.ContactState{ID: id, Attrs: map[string]any{"email": "a@example.com", "plan": "pro"}}
		w := e.Run(s, nil, t0).Wake
		if d := w.Sub(t0); d < 35*time.Minute || d >= 45*time.Minute {
			t.Errorf("contact %s: re-checked after %s, want 40m give or take 5m", id, d)
		}
		again := e.Run(&runtime.ContactState{ID: id, Attrs: s.Attrs}, nil, t0).Wake
		if !again.Equal(w) {
			t.Errorf("contact %s: re-checked at %s, then %s: want the same", id, w, again)
		}
		seen[w] = true
	}
	if len(seen) < 2 {
		t.Errorf("six contacts all re-checked at the same instant")
	}
}

// TestWakeSearchBounded: a condition whose next change takes more
// candidate instants than a search tries wakes the contact at the last
// one tried, when the condition still has not changed, and the search
// goes on from there.
func TestWakeSearchBounded(t *testing.T) {
	c := wakeCase{cond: "local_hour() * 0 + days_since(last_login) >= 1000", attrs: map[string]any{"last_login": "2026-01-05T09:00:00Z"}}
	e := wakeEngine(t, c.cond)
	s := c.state()
	out := e.Run(s, nil, t0)
	if want := t0.Add(512 * time.Hour); !out.Wake.Equal(want) {
		t.Fatalf("wake-up %s, want %s (512 hours on)", out.Wake, want)
	}
	next := e.Run(s, nil, out.Wake)
	if len(next.Records) != 0 {
		t.Errorf("records %+v at %s, want none", next.Records, out.Wake)
	}
	if !next.Wake.After(out.Wake) {
		t.Errorf("then wake-up %s, want after %s", next.Wake, out.Wake)
	}
}

// TestWakeNotForReentry: a contact who left a journey it may not re-enter
// is not woken for its entry.
func TestWakeNotForReentry(t *testing.T) {
	e := wakeEngine(t, "days_since(last_login) >= 14")
	s := &runtime.ContactState{ID: "c1", Attrs: map[string]any{"email": "a@example.com", "last_login": "2026-01-01T00:00:00Z"},
		Enrollments: []*runtime.Enrollment{{Journey: "j", Entry: 1, Status: runtime.StatusExited, ExitedAt: t0.Add(-time.Hour)}}}
	if w := e.Run(s, nil, t0).Wake; !w.IsZero() {
		t.Errorf("wake-up %s, want none", w)
	}
}

// TestExplainWake: what --explain says of each form names the instant
// the tests above find.
func TestExplainWake(t *testing.T) {
	cases := []struct{ cond, want string }{
		{"days_since(last_login) >= 14", "days_since(last_login) >= 14: at last_login + 14 × 24h"},
		{"days_since(last_login) > 14", "days_since(last_login) > 14: at last_login + (14 + 1) × 24h"},
		{"14 < days_since(last_login)", "14 < days_since(last_login): at last_login + (14 + 1) × 24h"},
		{"days_until(renews_at) <= 2", "days_until(renews_at) <= 2: just after renews_at − (2 + 1) × 24h"},
		{"hours_until(renews_at) < 5", "hours_until(renews_at) < 5: just after renews_at − 5 × 1h"},
		{"hours_since(last_login) == 3", "hours_since(last_login) == 3: at last_login + 3 × 1h, and at last_login + (3 + 1) × 1h"},
		{"now >= renews_at - 90m", "now >= renews_at - 1h30m: at renews_at - 1h30m"},
		{"now > renews_at", "now > renews_at: just after renews_at"},
		{"local_hour() >= 9", "local_hour() >= 9: local_hour changes at the next hour in the contact's time zone"},
	}
	for _, c := range cases {
		xs := wakeEngine(t, c.cond).Deployment.ExplainWake()
		if len(xs) != 1 || !xs[0].Timed || !xs[0].Exact || len(xs[0].Forms) != 1 || xs[0].Forms[0] != c.want {
			t.Errorf("%s: explained %+v, want exact %q", c.cond, xs, c.want)
		}
	}
	xs := wakeEngine(t, "plan == \"pro\" && now.getHours() >= 10").Deployment.ExplainWake()
	if len(xs) != 1 || xs[0].Exact || len(xs[0].Reasons) != 1 || xs[0].Reasons[0] != "now.getHours() >= 10: it reads `now` other than compared with a time" {
		t.Errorf("explained %+v, want a fallback for now.getHours() >= 10", xs)
	}
}

const filterSchema = `
contact {
  email: string
}
event page_viewed { path: string }
`

// filterEngine deploys one journey entered when a filtered count holds.
func filterEngine(t *testing.T, cond string) *runtime.Engine {
	t.Helper()
	src := "journey j\n\nentry when " + cond + "\n\nstage S {\n  send \"nudge\"\n}\n"
	d := storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(filterSchema), "j.journey": []byte(src)}, wakeTemplates)
	return &runtime.Engine{Deployment: d}
}

// viewed is a contact that viewed the paths at the times, in order.
func viewed(views map[time.Time]string, order ...time.Time) *runtime.ContactState {
	s := &runtime.ContactState{ID: "c1", Attrs: map[string]any{"email": "a@example.com"}}
	for _, at := range order {
		s.Events = append(s.Events, runtime.EventMark{Name: "page_viewed", At: at, Payload: map[string]any{"path": views[at]}})
	}
	return s
}

// TestFilteredCountWake: a filtered count turns when its last matching
// event leaves the window, whatever other events of the kind do; the
// wake-up is that instant, and it is explained with the filter as written.
func TestFilteredCountWake(t *testing.T) {
	e := filterEngine(t, `count("page_viewed", 1d, event.path == "/pricing") == 0`)
	pricing, blog := t0.Add(-2*time.Hour), t0.Add(-time.Hour)
	views := map[time.Time]string{pricing: "/pricing", blog: "/blog"}
	out := e.Run(viewed(views, pricing, blog), nil, t0)
	if len(out.Records) != 0 {
		t.Fatalf("records %v, want none while /pricing is in the window", out.Records)
	}
	want := pricing.Add(24*time.Hour + time.Microsecond)
	if !out.Wake.Equal(want) {
		t.Errorf("wake-up %s, want %s", out.Wake, want)
	}
	if got := e.Run(viewed(views, pricing, blog), nil, want.Add(-time.Microsecond)).Records; len(got) != 0 {
		t.Errorf("enrolled a microsecond early: %v", got)
	}
	if got := e.Run(viewed(views, pricing, blog), nil, want).Records; len(got) == 0 || got[0].Kind != runtime.RecEnrolled {
		t.Errorf("records %v at the wake-up, want the enrollment", got)
	}
	xs := e.Deployment.ExplainWake()
	if len(xs) != 1 || !xs[0].Exact || len(xs[0].Forms) != 1 ||
		xs[0].Forms[0] != `count("page_viewed", 1d, event.path == "/pricing") == 0: count changes when a counted event leaves the window, or a later one enters it` {
		t.Errorf("explained %+v", xs)
	}
}

// TestFilteredCountKeepsPayload: the history keeps the fields of an event
// a deployed filter counts, and of no other.
func TestFilteredCountKeepsPayload(t *testing.T) {
	e := filterEngine(t, `count("page_viewed", 1d, event.path == "/pricing") >= 2`)
	if !e.Deployment.KeepsPayload("page_viewed") || e.Deployment.KeepsPayload("login") {
		t.Fatalf("KeepsPayload: page_viewed %v, login %v", e.Deployment.KeepsPayload("page_viewed"), e.Deployment.KeepsPayload("login"))
	}
	s := &runtime.ContactState{ID: "c1", Attrs: map[string]any{"email": "a@example.com"}}
	in := []runtime.Input{
		{Seq: 1, Kind: runtime.InputEvent, Name: "page_viewed", At: t0, Payload: map[string]any{"path": "/pricing"}},
		{Seq: 2, Kind: runtime.InputEvent, Name: "page_viewed", At: t0.Add(time.Hour), Payload: map[string]any{"path": "/blog"}},
	}
	out := e.Run(s, in, t0.Add(time.Hour))
	if len(s.Events) != 2 || s.Events[1].Payload["path"] != "/blog" {
		t.Fatalf("history %v, want both views with their paths", s.Events)
	}
	if len(out.Records) != 0 {
		t.Errorf("records %v: one view of /pricing is not two", out.Records)
	}
	in = []runtime.Input{{Seq: 3, Kind: runtime.InputEvent, Name: "page_viewed", At: t0.Add(2 * time.Hour), Payload: map[string]any{"path": "/pricing"}}}
	if out := e.Run(s, in, t0.Add(2*time.Hour)); len(out.Records) == 0 || out.Records[0].Kind != runtime.RecEnrolled {
		t.Errorf("records %v, want the enrollment on the second view of /pricing", out.Records)
	}
}

// TestExplainWakeRules: a rule on a condition is explained after the
// journeys, under no journey, and a run of a contact it will run for
// wakes at the instant its condition turns true.
func TestExplainWakeRules(t *testing.T) {
	d := storetest.Deploy(t, map[string][]byte{
		"schema.journey": []byte(wakeSchema),
		"rules.journey":  []byte("rule decay when days_since(last_login) >= 30 every 30d {\n  set plan = \"idle\"\n}\n"),
	}, nil)
	xs := d.ExplainWake()
	if len(xs) != 1 || xs[0].Journey != "" || xs[0].Role != "rule decay" || !xs[0].Exact ||
		len(xs[0].Forms) != 1 || xs[0].Forms[0] != "days_since(last_login) >= 30: at last_login + 30 × 24h" {
		t.Errorf("explained %+v", xs)
	}
	s := &runtime.ContactState{ID: "c1", Attrs: map[string]any{"email": "a@example.com", "last_login": "2025-12-07T09:00:00Z"}}
	if out := (&runtime.Engine{Deployment: d}).Run(s, nil, t0); !out.Wake.Equal(ts("2026-01-06T09:00:00Z")) {
		t.Errorf("wake-up %s, want the 30th day since the last login", out.Wake)
	}
	if st := s.Rules["decay"]; st == nil || st.Held {
		t.Fatalf("the rule's state %+v, want kept, not holding yet", st)
	}
	// A deployment without the rule forgets its state.
	none := storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(wakeSchema)}, nil)
	(&runtime.Engine{Deployment: none}).Run(s, nil, t0.Add(1))
	if len(s.Rules) != 0 {
		t.Errorf("the state of a rule no longer deployed is kept: %+v", s.Rules)
	}
}
