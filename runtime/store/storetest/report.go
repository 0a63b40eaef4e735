package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/report"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// The report test's journey: a welcome, then a day later a split between
// a holdout and a discount; a score of 50 moves a contact to Engaged
// (a nudge, and a reminder two days later); a paid plan is the goal, a
// negative score an exit.
const reportJourney = `journey promo

entry on signed_up
goal  bought when plan == "paid"
exit  when score < 0

stage Welcome {
  send "welcome"
  after 1d split offer {
    50% holdout {
      tag "holdout"
    }
    50% discount {
      send "offer"
    }
  }
}

stage Engaged when score >= 50 {
  send "nudge"
  after 2d send "reminder"
}
`

const reportSchema = `contact {
  email: string?
  score: int
  plan:  string?
  tags:  list<string>?
}

event signed_up
`

// ReportHistory writes the report test's history into s: ten sign-ups
// (c01–c08 an hour apart from t0, a Monday; c09 at +7d, c10 at +8d20h),
// c01 and c02 move to Engaged two hours in, c01 buys at +3d and c03 at
// +2d, c04 exits at +1d12h, c05 unsubscribes from email at +5h (an hour
// after its welcome, which the withdrawal cancels in the outbox, and
// before the split's offer, which it records unsubscribed); the
// simulation runs to +10d. Then it delivers
// the first outbox row and parks the second. It returns the time the
// simulation reached, and the journey's version.
func ReportHistory(t testing.TB, s store.Store) (time.Time, string) {
	t.Helper()
	ctx := context.Background()
	d := reportDeployment(t)
	type input struct {
		at      time.Time
		contact string
		attrs   map[string]any // an update; nil for the sign-up
		consent string         // a channel the contact unsubscribes from
	}
	var inputs []input
	signup := map[string]time.Time{}
	for i := 1; i <= 8; i++ {
		signup[fmt.Sprintf("c%02d", i)] = t0.Add(time.Duration(i-1) * time.Hour)
	}
	signup["c09"] = t0.Add(7 * 24 * time.Hour)
	signup["c10"] = t0.Add(8*24*time.Hour + 20*time.Hour)
	for id, at := range signup {
		inputs = append(inputs, input{at: at, contact: id})
	}
	inputs = append(inputs,
		input{signup["c01"].Add(2 * time.Hour), "c01", map[string]any{"score": 60}, ""},
		input{signup["c02"].Add(2 * time.Hour), "c02", map[string]any{"score": 60}, ""},
		input{t0.Add(3 * 24 * time.Hour), "c01", map[string]any{"plan": "paid"}, ""},
		input{t0.Add(2 * 24 * time.Hour), "c03", map[string]any{"plan": "paid"}, ""},
		input{t0.Add(36 * time.Hour), "c04", map[string]any{"score": -1}, ""},
		input{at: t0.Add(5 * time.Hour), contact: "c05", consent: "email"},
	)
	sort.SliceStable(inputs, func(i, j int) bool { return inputs[i].at.Before(inputs[j].at) })
	sim := worker.NewSim(d, s, t0)
	for _, in := range inputs {
		noErr(t, sim.Advance(ctx, in.at))
		if in.consent != "" {
			noErr(t, s.Consent(ctx, &store.ConsentParams{Contact: in.contact, Channel: in.consent, State: runtime.ConsentUnsubscribed, At: in.at}))
			continue
		}
		if in.attrs != nil {
			noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: in.contact, Attrs: in.attrs, At: in.at}))
			continue
		}
		noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: in.contact, Attrs: map[string]any{"score": 10}, At: in.at}))
		if _, err := s.AddEvent(ctx, &store.AddEventParams{Contact: in.contact, ID: "signup-" + in.contact, Name: "signed_up", At: in.at}); err != nil {
			t.Fatal(err)
		}
	}
	end := t0.Add(10 * 24 * time.Hour)
	noErr(t, sim.Advance(ctx, end))

	rows, err := s.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: end, Limit: 2, Worker: "d", Lease: time.Minute})
	noErr(t, err)
	if len(rows) != 2 {
		t.Fatalf("leased %d rows, want 2", len(rows))
	}
	_, err = s.MarkOutbox(ctx, &store.MarkOutboxParams{Worker: "d", Now: end, Results: []store.OutboxMark{
		{Key: rows[0].Key, Status: store.OutboxSent, Attempts: 1},
		{Key: rows[1].Key, Status: store.OutboxParked, Attempts: 1, Error: "refused"},
	}})
	noErr(t, err)
	return end, d.Journey("promo").Version
}

// ReportJourneys are the journeys of ReportHistory, compiled.
func ReportJourneys(t testing.TB) []*compiler.Journey {
	t.Helper()
	return reportDeployment(t).Program.Journeys
}

func reportDeployment(t testing.TB) *runtime.Deployment {
	t.Helper()
	return Deploy(t,
		map[string][]byte{"promo.journey": []byte(reportJourney), "schema.journey": []byte(reportSchema)},
		map[string][]byte{
			"welcome.md":  []byte("subject: Welcome\n"),
			"offer.md":    []byte("subject: An offer\n"),
			"nudge.md":    []byte("subject: A nudge\n"),
			"reminder.md": []byte("subject: A reminder\n"),
		})
}

// testReport checks every figure of a report of ReportHistory on every
// store, and the scopes of a report by journey and by time.
func testReport(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	end, version := ReportHistory(t, s)
	read := func(p *store.ReportParams) any {
		t.Helper()
		c, err := s.Report(ctx, p)
		noErr(t, err)
		b, err := json.Marshal(report.Build(c, report.Options{Since: p.Since, Until: p.Until}))
		noErr(t, err)
		var out any
		noErr(t, json.Unmarshal(b, &out))
		// The version is the journey's content address: VERSION, once
		// checked to be the deployment's.
		for _, j := range out.(map[string]any)["journeys"].([]any) {
			for _, v := range j.(map[string]any)["versions"].([]any) {
				v := v.(map[string]any)
				if v["version"] != version {
					t.Errorf("version %v, want %s", v["version"], version)
				}
				v["version"] = "VERSION"
			}
		}
		return out
	}
	want := func(s string) any {
		t.Helper()
		var out any
		noErr(t, json.Unmarshal([]byte(s), &out))
		versionsLikeJourney(out)
		return out
	}

	if diff := cmp.Diff(want(reportWant), read(&store.ReportParams{Now: end})); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want(reportWant), read(&store.ReportParams{Journey: "promo", Now: end})); diff != "" {
		t.Errorf("report of promo (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want(`{"since": null, "until": null, "journeys": []}`), read(&store.ReportParams{Journey: "other", Now: end})); diff != "" {
		t.Errorf("report of a journey with no enrollments (-want +got):\n%s", diff)
	}
	// The second week alone: c09 and c10, and the outbox rows due then.
	since := t0.Add(7 * 24 * time.Hour)
	if diff := cmp.Diff(want(reportWantWeek2), read(&store.ReportParams{Since: since, Until: end, Now: end})); diff != "" {
		t.Errorf("report of the second week (-want +got):\n%s", diff)
	}
}

// versionsLikeJourney gives each version of each journey of a wanted
// report (of ReportHistory, whose enrollments and outbox rows are all of
// one version) the journey's stages, messages, goals and splits: with one
// version, its figures are the journey's.
func versionsLikeJourney(r any) {
	for _, j := range r.(map[string]any)["journeys"].([]any) {
		j := j.(map[string]any)
		for _, v := range j["versions"].([]any) {
			v := v.(map[string]any)
			v["stages"], v["messages"], v["goals"], v["splits"] = j["stages"], j["messages"], j["goals"], j["splits"]
		}
	}
}

// A journey a contact goes round: A, a day later B, a day later A again.
const reentryJourney = `journey loop

entry on signed_up

stage A {
  after 1d goto B
}

stage B {
  after 1d goto A
}
`

// testReportReentry checks that a stage entered again counts its
// enrollment once among the entries and each ended visit among the
// times: ada is in A from t0, in B from +1d, in A again from +2d; at
// +2d12h A and B were each entered once, and each has one ended visit of
// a day (the second visit to A goes on).
func testReportReentry(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	d := Deploy(t, map[string][]byte{"loop.journey": []byte(reentryJourney), "schema.journey": []byte(reportSchema)}, nil)
	s := newStore(t)
	sim := worker.NewSim(d, s, t0)
	noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: "ada", Attrs: map[string]any{"score": 10}, At: t0}))
	signUp(t, s, "ada", t0)
	end := t0.Add(60 * time.Hour)
	noErr(t, sim.Advance(ctx, end))
	c, err := s.Report(ctx, &store.ReportParams{Now: end})
	noErr(t, err)
	type stage struct {
		Stage                    string
		Entered, Current, Visits int
		P50, P90                 float64
	}
	var got []stage
	for _, st := range c.Stages {
		got = append(got, stage{st.Stage, st.Entered, st.Current, st.Visits, st.P50, st.P90})
	}
	want := []stage{{"A", 1, 1, 1, 86400, 86400}, {"B", 1, 0, 1, 86400, 86400}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
}

// reportVersionsJourney is the journey of testReportVersions: a webhook
// on entering A, the split a day into A, and B after b in A.
func reportVersionsJourney(drain string, b string) string {
	return "journey j\n\n" + drain + "entry on signed_up\ngoal done when score >= 100\nexit when score < 0\n\n" +
		"stage A {\n  webhook crm\n  after 1d split s {\n    50% x {\n      tag \"x\"\n    }\n    50% y {\n      tag \"y\"\n    }\n  }\n  after " + b + " goto B\n}\n\nstage B\n"
}

// testReportVersions reads a report of a journey with two versions, the
// second deployed 36h in and draining the first (B two days into A, not
// one): old enters at t0 under the first, is placed by the split and
// goes to B at 24h, and reaches the goal at 60h (score 100; 36h in B);
// new and gone enter at the deploy under the second: gone exits at 42h
// (score −1, 6h in A), new is placed at 60h and goes to B at 84h (48h in
// A). Each version has its own stages, exits, goals and arms, and its
// own percentiles: A's visits are 24h under the first, 6h and 48h under
// the second (p50 27h, p90 43.8h); the journey's are the three (p50 24h,
// p90 43.2h, 0.8 of the way from 24h to 48h).
func testReportVersions(t *testing.T, newStore Open) {
	t.Parallel()
	v1 := reconcileDeployment(t, reportVersionsJourney("", "1d"))
	v2 := withEarlier(t, reconcileDeployment(t, reportVersionsJourney("on change drain\n\n", "2d")), v1)
	ctx := context.Background()
	db := newStore(t)
	sim, inForce := versionSim(v1, db, t0)
	score := func(id string, n int, at time.Time) {
		t.Helper()
		noErr(t, sim.Advance(ctx, at))
		noErr(t, db.PutContact(ctx, &store.PutContactParams{ID: id, Attrs: map[string]any{"score": n}, At: at}))
	}
	score("old", 10, t0)
	signUp(t, db, "old", t0)
	deploy := t0.Add(36 * time.Hour)
	noErr(t, sim.Advance(ctx, deploy))
	inForce.Store(v2)
	for _, id := range []string{"new", "gone"} {
		score(id, 10, deploy)
		signUp(t, db, id, deploy)
	}
	score("gone", -1, t0.Add(42*time.Hour))
	score("old", 100, t0.Add(60*time.Hour))
	end := t0.Add(5 * 24 * time.Hour)
	noErr(t, sim.Advance(ctx, end))
	c, err := db.Report(ctx, &store.ReportParams{Now: end})
	noErr(t, err)
	r := report.Build(c, report.Options{}).Journey("j")
	if r == nil {
		t.Fatal("no journey j in the report")
	}
	type stage struct {
		Stage                              string
		Entered, Current, Converted, Exits int
		Visits                             int
		P50, P90                           float64
	}
	type figures struct {
		Enrolled       int
		Stages         []stage
		Goals          []string // name conversions p50
		Placed, Bought int      // in the split's arms
		Pending        int      // the webhooks' outbox rows, undelivered
	}
	read := func(enrolled int, sts []*report.Stage, goals []*report.Goal, splits []*report.Split, msgs []*report.Message) figures {
		f := figures{Enrolled: enrolled}
		for _, m := range msgs {
			f.Pending += m.Pending
		}
		for _, st := range sts {
			n := 0
			for _, k := range st.Exited {
				n += k
			}
			f.Stages = append(f.Stages, stage{st.Stage, st.Entered, st.Current, st.Converted, n, st.TimeInStage.Count, st.TimeInStage.P50, st.TimeInStage.P90})
		}
		for _, g := range goals {
			f.Goals = append(f.Goals, fmt.Sprintf("%s %d %g", g.Goal, g.Conversions, g.TimeToConvert.P50))
		}
		for _, sp := range splits {
			for _, a := range sp.Arms {
				f.Placed += a.Contacts
				f.Bought += a.Converted
			}
		}
		return f
	}
	got := map[string]figures{"journey": read(r.Enrolled, r.Stages, r.Goals, r.Splits, r.Messages)}
	for _, v := range r.Versions {
		name := v.Version
		switch name {
		case v1.Journey("j").Version:
			name = "v1"
		case v2.Journey("j").Version:
			name = "v2"
		}
		got[name] = read(v.Enrolled, v.Stages, v.Goals, v.Splits, v.Messages)
	}
	want := map[string]figures{
		"journey": {3, []stage{{"A", 3, 0, 0, 1, 3, 86400, 155520}, {"B", 2, 1, 1, 0, 1, 129600, 129600}}, []string{"done 1 216000"}, 2, 1, 3},
		"v1":      {1, []stage{{"A", 1, 0, 0, 0, 1, 86400, 86400}, {"B", 1, 0, 1, 0, 1, 129600, 129600}}, []string{"done 1 216000"}, 1, 1, 1},
		"v2":      {2, []stage{{"A", 2, 0, 0, 1, 2, 97200, 157680}, {"B", 1, 1, 0, 0, 0, 0, 0}}, nil, 1, 0, 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("figures (-want +got):\n%s", diff)
	}
}
