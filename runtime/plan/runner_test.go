package plan_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/plan"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/postgres/pgtest"
	"github.com/journeylang/journey/runtime/store/sqlite"
	"github.com/journeylang/journey/runtime/worker"
)

// The plan against the runner: contacts run on a first version on a real
// store, a second version is planned, then deployed as a runner deploys
// it (its versions recorded, the contacts on another version woken, the
// work due run by the runner's worker), and the plan must count exactly
// what the runner then recorded and wrote to the outbox, case by case.

const runnerSchema = "contact {\n  score: int\n  signed_up_at: timestamp\n}\n\nevent signed_up\n"

// runnerV1 is the first version of every scenario: a welcome, and a
// second send far ahead.
const runnerV1 = `journey j

entry on signed_up

stage A {
  send "a1"
  after 10d send "a2"
}
`

// signUp is a contact of a scenario: its score, and when it signs up,
// from the scenario's start.
type signUp struct {
	id    string
	score int
	at    time.Duration
}

var runnerScenarios = []struct {
	name  string
	v2    map[string]string // the second version's journey files
	ahead time.Duration     // how long before the deploy it is planned
	want  map[string]plan.Totals
	cases map[string][]string // by journey: cases the plan must have, as caseLine writes them
}{
	{
		name: "a new exit that already holds",
		v2:   map[string]string{"j.journey": replace(runnerV1, "entry on signed_up\n", "entry on signed_up\nexit when score >= 50\n")},
		want: map[string]plan.Totals{"j": {Migrated: 4, Exited: 2}},
		cases: map[string][]string{"j": {
			"A exited →exit [hi1 hi2]",
		}},
	},
	{
		name: "a new goal that already holds",
		v2:   map[string]string{"j.journey": replace(runnerV1, "entry on signed_up\n", "entry on signed_up\ngoal big when score >= 50\n")},
		want: map[string]plan.Totals{"j": {Migrated: 4, Goals: 2, Exited: 2}},
		cases: map[string][]string{"j": {
			"A goal →big [hi1 hi2]",
			"A exited →goal big [hi1 hi2]",
		}},
	},
	{
		name: "a new time-dependent stage trigger that already holds",
		v2:   map[string]string{"j.journey": runnerV1 + "\nstage B when days_since(signed_up_at) >= 3 {\n  send \"b1\"\n  after 1d send \"b2\"\n}\n"},
		want: map[string]plan.Totals{"j": {Migrated: 4, Moved: 3, Actions: 3, Sends: 3}},
		cases: map[string][]string{"j": {
			"A stage →B [hi1 hi2 lo]",
			"A sent B/send:b1#1 [hi1 hi2 lo]",
		}},
	},
	{
		name: "a step moved to a time that has passed",
		v2:   map[string]string{"j.journey": replace(runnerV1, "after 10d", "after 2d")},
		want: map[string]plan.Totals{"j": {Migrated: 4, Actions: 3, Sends: 3}},
		cases: map[string][]string{"j": {
			"A rescheduled A/send:a2#1 [hi1 hi2 late lo]",
			"A sent A/send:a2#1 [hi1 hi2 lo]",
		}},
	},
	{
		name:  "planned ahead: a step removed that the first version runs before the deploy",
		v2:    map[string]string{"j.journey": replace(runnerV1, "  after 10d send \"a2\"\n", "")},
		ahead: 6 * 24 * time.Hour, // planned at 5 days, deployed at 11
		want:  map[string]plan.Totals{"j": {Migrated: 4}},
		cases: map[string][]string{"j": {
			"A cancelled A/send:a2#1 [late]",
		}},
	},
	{
		name: "a new journey whose entry holds, for the contacts woken",
		v2: map[string]string{
			"j.journey": replace(runnerV1, "entry on signed_up\n", "entry on signed_up\nexit when score >= 70\n"),
			"k.journey": "journey k\n\nentry when score >= 50\n\nstage K {\n  send \"k1\"\n}\n",
		},
		want: map[string]plan.Totals{"j": {Migrated: 4, Exited: 1}, "k": {Entered: 2, Moved: 2, Actions: 2, Sends: 2}},
		cases: map[string][]string{
			"j": {"A exited →exit [hi2]"},
			"k": {" enrolled [hi1 hi2]", " sent K/send:k1#1 [hi1 hi2]"},
		},
	},
}

// The contacts of every scenario: lo, hi1 and hi2 signed up at the start,
// late four days in; out (score 90) never signed up, and is in no
// journey. The plan is five days in.
var (
	runnerContacts = []signUp{{"lo", 10, 0}, {"hi1", 60, 0}, {"hi2", 80, 0}, {"late", 30, 4 * 24 * time.Hour}}
	runnerPlan     = 5 * 24 * time.Hour
)

// replace edits a version: the scenarios' totals fail when old is not
// in s.
func replace(s, old, new string) string { return strings.Replace(s, old, new, 1) }

func TestPlanIsTheRunnerAtTheDeploy(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		for _, sc := range runnerScenarios {
			t.Run(kind+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				st := openStore(t, kind)
				files := map[string][]byte{"schema.journey": []byte(runnerSchema), "j.journey": []byte(runnerV1)}
				v1 := deploymentOf(t, files, runnerTemplates)
				files = map[string][]byte{"schema.journey": []byte(runnerSchema)}
				for name, text := range sc.v2 {
					files[name] = []byte(text)
				}
				v2 := deploymentOf(t, files, runnerTemplates)
				comparePlan(t, st, v1, v2, sc.ahead, sc.want, sc.cases)
			})
		}
	}
}

var runnerTemplates = map[string][]byte{
	"a1.md": []byte("subject: a1\n"), "a2.md": []byte("subject: a2\n"),
	"b1.md": []byte("subject: b1\n"), "b2.md": []byte("subject: b2\n"), "k1.md": []byte("subject: k1\n"),
}

func openStore(t testing.TB, kind string) store.Store {
	t.Helper()
	ctx := context.Background()
	var st store.Store
	var err error
	if kind == "postgres" {
		_, dsn := pgtest.Schema(t)
		st, err = postgres.Open(ctx, dsn)
	} else {
		st, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// comparePlan runs v1 on st, plans v2 for a deploy ahead, runs v1 to the
// deploy, deploys v2 as a runner does, and compares.
func comparePlan(t *testing.T, st store.Store, v1, v2 *runtime.Deployment, ahead time.Duration, want map[string]plan.Totals, cases map[string][]string) {
	ctx := context.Background()
	sim := signUps(t, st, v1)
	start := sim.Now.Add(-runnerPlan)

	ids := []string{"lo", "hi1", "hi2", "late", "out"}
	at := start.Add(runnerPlan + ahead)
	planned := snapshot(t, st, ids)
	p, err := plan.Make(ctx, plan.Options{Store: st, Deployment: v2, Now: at, Examples: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(planned, snapshot(t, st, ids), cmp.Comparer(func(a, b stored) bool { return a.JSON == b.JSON })); diff != "" {
		t.Fatalf("the plan changed the store (-before +after):\n%s", diff)
	}
	if p.Woken != 4 {
		t.Errorf("the plan wakes %d contacts; want the 4 enrolled in j", p.Woken)
	}

	// The runner runs v1 until the deploy.
	if err := sim.Advance(ctx, at.Add(-time.Nanosecond)); err != nil {
		t.Fatal(err)
	}
	sim.Now = at
	before := snapshot(t, st, ids)
	stages := map[string]map[string]string{} // by journey, by contact: the stage before the deploy
	seen := map[string]int{}
	for _, id := range ids {
		for _, en := range before[id].State.Enrollments {
			if en.Status == runtime.StatusActive {
				if stages[en.Journey] == nil {
					stages[en.Journey] = map[string]string{}
				}
				stages[en.Journey][id] = en.Stage
			}
		}
		seen[id] = len(history(t, st, id))
	}
	boxed := outbox(t, st)
	deploy(t, st, sim, v2)
	var recs []runtime.Record
	for _, id := range ids {
		recs = append(recs, history(t, st, id)[seen[id]:]...)
	}
	acts := outbox(t, st)[len(boxed):]

	got := map[string]plan.Totals{}
	for _, jp := range p.Journeys {
		did := plan.Tally(v2.Journey(jp.Journey).Journey, recs, acts, stages[jp.Journey], -1)
		if diff := cmp.Diff(caseLines(did.Cases), caseLines(jp.Cases)); diff != "" {
			t.Errorf("journey %s: the runner (-) and the plan (+) differ:\n%s", jp.Journey, diff)
		}
		if diff := cmp.Diff(did.Actions, jp.Actions); diff != "" {
			t.Errorf("journey %s: the runner's outbox (-) and the plan's (+) differ:\n%s", jp.Journey, diff)
		}
		if did.Totals != jp.Totals {
			t.Errorf("journey %s: the runner did %+v; the plan says %+v", jp.Journey, did.Totals, jp.Totals)
		}
		got[jp.Journey] = jp.Totals
		lines := caseLines(jp.Cases)
		for _, c := range cases[jp.Journey] {
			if !slices.Contains(lines, c) {
				t.Errorf("journey %s: no case %q in the plan:\n%s", jp.Journey, c, strings.Join(lines, "\n"))
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the plan's totals (-want +got):\n%s", diff)
	}
}

// signUps deploys v1 on st, signs up the scenarios' contacts and runs
// them to the time of the plan, and returns the runner's simulation, its
// clock then.
func signUps(t testing.TB, st store.Store, v1 *runtime.Deployment) *worker.Sim {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim := worker.NewSim(v1, st, start)
	deploy(t, st, sim, v1)
	for _, c := range runnerContacts {
		if err := sim.Advance(ctx, start.Add(c.at)); err != nil {
			t.Fatal(err)
		}
		at := start.Add(c.at)
		signUpAt(t, st, c.id, map[string]any{"score": c.score, "signed_up_at": at.Format(time.RFC3339)}, at)
	}
	if err := st.PutContact(ctx, &store.PutContactParams{ID: "out", Attrs: map[string]any{"score": 90, "signed_up_at": start.Format(time.RFC3339)}, At: start}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(ctx, start.Add(runnerPlan)); err != nil {
		t.Fatal(err)
	}
	return sim
}

// deploy puts d in force as a runner does: deployed to the store, its
// versions recorded, the earlier ones read, the contacts on another
// version woken, and the work due run.
func deploy(t testing.TB, st store.Store, sim *worker.Sim, d *runtime.Deployment) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := st.Deploy(ctx, &store.DeployParams{Bundle: d.Bundle, By: "test", At: sim.Now}); err != nil {
		t.Fatal(err)
	}
	wake(t, st, sim, d)
	if err := sim.Advance(ctx, sim.Now); err != nil {
		t.Fatal(err)
	}
}

// wake records d's versions, gives the runner d with the earlier ones,
// and wakes the contacts on another version, as a runner does when it
// puts d in force, and reports how many it woke.
func wake(t testing.TB, st store.Store, sim *worker.Sim, d *runtime.Deployment) int {
	t.Helper()
	ctx := context.Background()
	vs, err := runtime.DeployedVersions(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveVersions(ctx, &store.SaveVersionsParams{Versions: vs, Now: sim.Now}); err != nil {
		t.Fatal(err)
	}
	recorded, err := store.RecordedVersions(ctx, st, d)
	if err != nil {
		t.Fatal(err)
	}
	full, err := d.WithVersions(recorded)
	if err != nil {
		t.Log(err) // as a runner warns: those versions' contacts migrate
	}
	sim.Worker.Engine.Deployment = full
	n, err := store.WakeStale(ctx, st, full, sim.Now, 500)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// stored is a contact as the store has it: its state and history, as
// JSON, and its state.
type stored struct {
	JSON  string
	State *runtime.ContactState
}

func snapshot(t *testing.T, st store.Store, ids []string) map[string]stored {
	t.Helper()
	out := map[string]stored{}
	for _, id := range ids {
		s, err := st.Contact(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(struct {
			State   *runtime.ContactState
			History []runtime.Record
		}{s, history(t, st, id)})
		if err != nil {
			t.Fatal(err)
		}
		out[id] = stored{JSON: string(b), State: s}
	}
	return out
}

func history(t testing.TB, st store.Store, id string) []runtime.Record {
	t.Helper()
	recs, err := st.History(context.Background(), &store.HistoryParams{Contact: id})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func outbox(t *testing.T, st store.Store) []runtime.Action {
	t.Helper()
	acts, err := st.Outbox(context.Background(), &store.OutboxParams{})
	if err != nil {
		t.Fatal(err)
	}
	return acts
}

// caseLines writes cases one a line (Case.String).
func caseLines(cases []*plan.Case) []string {
	var out []string
	for _, c := range cases {
		out = append(out, c.String())
	}
	return out
}

// TestPlanTextOfTheRuns checks the text a person reads of a deploy whose
// runs do more than migrate: an exit, a stage move and its send in a
// changed journey, and entries with their sends in a new one.
func TestPlanTextOfTheRuns(t *testing.T) {
	st := openStore(t, "sqlite")
	v1 := deploymentOf(t, map[string][]byte{"schema.journey": []byte(runnerSchema), "j.journey": []byte(runnerV1)}, runnerTemplates)
	v2 := deploymentOf(t, map[string][]byte{
		"schema.journey": []byte(runnerSchema),
		"j.journey": []byte(replace(runnerV1, "entry on signed_up\n", "entry on signed_up\nexit when score >= 70\n") +
			"\nstage B when days_since(signed_up_at) >= 3 {\n  send \"b1\"\n}\n"),
		"k.journey": []byte("journey k\n\nentry when score >= 50\n\nstage K {\n  send \"k1\"\n}\n"),
	}, runnerTemplates)
	sim := signUps(t, st, v1)
	p, err := plan.Make(context.Background(), plan.Options{Store: st, Deployment: v2, Now: sim.Now, Examples: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := "journey j → version " + v2.Journey("j").Version + " (on change migrate)\n" +
		"  from version " + v1.Journey("j").Version + ": 4 contacts\n" +
		"    + exit when score >= 70 (added)\n" +
		"    + stage B (added)\n" +
		"  contacts in stage A:\n" +
		"         4  migrate to the new version  (hi1, hi2, …)\n" +
		"         2  move to stage B  (hi1, lo)\n" +
		"         1  exit: an exit condition holds  (hi2)\n" +
		"         2  run step B/send:b1#1: sent  (hi1, lo)\n" +
		"  written to the outbox:\n" +
		"         2  send b1 (step B/send:b1#1)  (hi1, lo)\n" +
		"  in all: 4 migrate, 2 move stage, 1 exit, 2 actions, 2 sends\n" +
		"\n" +
		"journey k → version " + v2.Journey("k").Version + " (on change migrate)\n" +
		"  new: no contact is in it yet\n" +
		"  contacts not in the journey:\n" +
		"         2  enter the journey  (hi1, hi2)\n" +
		"         2  move to stage K  (hi1, hi2)\n" +
		"         2  run step K/send:k1#1: sent  (hi1, hi2)\n" +
		"  written to the outbox:\n" +
		"         2  send k1 (step K/send:k1#1)  (hi1, hi2)\n" +
		"  in all: 2 enter, 2 move stage, 2 actions, 2 sends\n" +
		"\n" +
		"The deploy wakes and runs 4 contacts; the counts are what their runs at 2026-01-10T09:00:00Z do.\n"
	if diff := cmp.Diff(want, text(t, p)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}
