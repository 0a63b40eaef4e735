package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

const reconcileSchema = "contact {\n  email: string?\n  score: int\n}\n\nevent signed_up\n"

// reconcileDeployment compiles one journey file against reconcileSchema.
func reconcileDeployment(t *testing.T, src string) *runtime.Deployment {
	t.Helper()
	return Deploy(t, map[string][]byte{"schema.journey": []byte(reconcileSchema), "j.journey": []byte(src)}, nil)
}

// withEarlier is d holding the journeys of earlier deployments as
// earlier versions, as a runner loads them from the store.
func withEarlier(t *testing.T, d *runtime.Deployment, earlier ...*runtime.Deployment) *runtime.Deployment {
	t.Helper()
	var vs []runtime.JourneyVersion
	for _, e := range earlier {
		v, err := runtime.DeployedVersions(e)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v...)
	}
	out, err := d.WithVersions(vs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// signUp sends a contact's signed_up event at a time.
func signUp(t *testing.T, db store.Store, contact string, at time.Time) {
	t.Helper()
	if _, err := db.AddEvent(context.Background(), &store.AddEventParams{Contact: contact, ID: "signup-" + contact, Name: "signed_up", At: at}); err != nil {
		t.Fatal(err)
	}
}

// versionSim is a simulation whose worker runs the deployment in force,
// first d, which the test swaps as hot reload does.
func versionSim(d *runtime.Deployment, db store.Store, start time.Time) (*worker.Sim, *atomic.Pointer[runtime.Deployment]) {
	sim := worker.NewSim(d, db, start)
	inForce := new(atomic.Pointer[runtime.Deployment])
	inForce.Store(d)
	sim.Worker.Current = inForce.Load
	return sim, inForce
}

// testNewVersionTakesOver runs contacts under one version of a journey,
// deploys a version without a pending step and without a stage a contact
// is in, and runs on: the missing step is cancelled, a later step keeps
// its place, and the contact in the removed stage moves to the furthest
// stage whose trigger holds, or exits.
func testNewVersionTakesOver(t *testing.T, newStore Open) {
	v1 := reconcileDeployment(t, `journey j

entry on signed_up

stage Nurture {
  after 1d tag "a1"
  after 3d tag "a2"
  after 5d tag "a3"
}

stage Hot when score >= 50 {
  after 2d tag "h1"
}
`)
	// a2 is gone, a3 keeps its identity at a new offset, and Hot is gone:
	// the hot contact with score 60 moves to Warm, the one with score 90
	// to Hotter.
	v2 := withEarlier(t, reconcileDeployment(t, `journey j

entry on signed_up

stage Nurture {
  after 1d tag "a1"
  after 4d tag "a3"
}

stage Warm when score >= 50

stage Hotter when score >= 80
`), v1)
	ctx := context.Background()
	db := newStore(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim, inForce := versionSim(v1, db, start)
	for _, c := range []struct {
		id    string
		score int
	}{{"cold", 10}, {"warm", 60}, {"hot", 90}} {
		if err := db.PutContact(ctx, &store.PutContactParams{ID: c.id, Attrs: map[string]any{"score": c.score}, At: start}); err != nil {
			t.Fatal(err)
		}
		signUp(t, db, c.id, start)
	}
	if err := sim.Advance(ctx, start.Add(36*time.Hour)); err != nil {
		t.Fatal(err)
	}
	inForce.Store(v2)
	if err := sim.Advance(ctx, start.Add(10*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, id := range []string{"cold", "warm", "hot"} {
		got[id] = historyLines(t, db, id, start)
	}
	// Without WakeStale, each contact moves to the new version at
	// its next wake-up under the old one (a2 at 3d, h1 at 2d), and
	// its changes are stamped there: a2 is cancelled, a3 keeps its
	// place at 4d, the contacts in Hot move on.
	migrated := "migrated " + v1.Journey("j").Version + " → " + v2.Journey("j").Version
	want := map[string][]string{
		"cold": {"0s enrolled 1", "0s stage Nurture", "1d tagged a1", "3d " + migrated, "3d cancelled not in version " + v2.Journey("j").Version, "3d rescheduled 2026-01-09T09:00:00Z", "4d tagged a3"},
		"warm": {"0s enrolled 1", "0s stage Hot", "2d " + migrated, "2d stage Warm"},
		"hot":  {"0s enrolled 1", "0s stage Hot", "2d " + migrated, "2d stage Hotter"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("histories (-want +got):\n%s", diff)
	}
}

// testWakeStale moves a pending step earlier in a new version: the
// contacts still enrolled under the old one are woken at the deploy, so
// the step runs at its new time rather than at the wake-up the old
// version set.
func testWakeStale(t *testing.T, newStore Open) {
	v1 := reconcileDeployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  after 1d tag \"x\"\n  after 6d tag \"y\"\n}\n")
	v2 := withEarlier(t, reconcileDeployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  after 1d tag \"x\"\n  after 2d tag \"y\"\n}\n"), v1)
	ctx := context.Background()
	db := newStore(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim, inForce := versionSim(v1, db, start)
	for _, id := range []string{"c1", "c2", "c3"} {
		signUp(t, db, id, start)
	}
	deploy := start.Add(36 * time.Hour)
	if err := sim.Advance(ctx, deploy); err != nil {
		t.Fatal(err)
	}
	if n, err := store.WakeStale(ctx, db, v1, deploy, 2); n != 0 || err != nil {
		t.Fatalf("WakeStale for the version in force = %d, %v; want 0", n, err)
	}
	inForce.Store(v2)
	if n, err := store.WakeStale(ctx, db, v2, deploy, 2); n != 3 || err != nil {
		t.Fatalf("WakeStale = %d, %v; want the 3 contacts, in batches of 2", n, err)
	}
	if n, err := store.WakeStale(ctx, db, v2, deploy, 2); n != 0 || err != nil {
		t.Fatalf("WakeStale again = %d, %v; want 0: they are due already", n, err)
	}
	if err := sim.Advance(ctx, start.Add(10*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got := historyLines(t, db, "c2", start)
	migrated := "1d12h migrated " + v1.Journey("j").Version + " → " + v2.Journey("j").Version
	want := []string{"0s enrolled 1", "0s stage A", "1d tagged x", migrated, "1d12h rescheduled 2026-01-07T09:00:00Z", "2d tagged y"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if n, err := store.WakeStale(ctx, db, v2, sim.Now, 2); n != 0 || err != nil {
		t.Errorf("WakeStale after the contacts ran = %d, %v; want 0: they are on the new version", n, err)
	}
}

// testSaveVersions records the versions of two deployments of a journey:
// each once, the oldest first, with the compiled journey.
func testSaveVersions(t *testing.T, newStore Open) {
	v1 := reconcileDeployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  after 1d tag \"x\"\n}\n")
	v2 := reconcileDeployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  after 2d tag \"x\"\n}\n")
	ctx := context.Background()
	db := newStore(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	save := func(d *runtime.Deployment, at time.Time, want int) {
		t.Helper()
		vs, err := runtime.DeployedVersions(d)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := db.SaveVersions(ctx, &store.SaveVersionsParams{Versions: vs, Now: at}); n != want || err != nil {
			t.Fatalf("SaveVersions = %d, %v; want %d new", n, err, want)
		}
	}
	save(v1, start, 1)
	save(v1, start.Add(time.Hour), 0)
	save(v2, start.Add(2*time.Hour), 1)
	save(v1, start.Add(3*time.Hour), 0) // a rollback: the version is recorded already
	got, err := db.Versions(ctx, &store.VersionsParams{Journey: "j"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Version != v1.Journey("j").Version || got[1].Version != v2.Journey("j").Version ||
		!got[0].At.Equal(start) || !got[1].At.Equal(start.Add(2*time.Hour)) {
		t.Fatalf("versions %+v", got)
	}
	var ir compiler.Journey
	if err := json.Unmarshal(got[1].IR, &ir); err != nil {
		t.Fatal(err)
	}
	if ir.Name != "j" || ir.Version != v2.Journey("j").Version || time.Duration(ir.Stages[0].Steps[0].After) != 48*time.Hour {
		t.Errorf("recorded IR %+v", ir)
	}
	if none, err := db.Versions(ctx, &store.VersionsParams{Journey: "other"}); len(none) != 0 || err != nil {
		t.Errorf("versions of an unknown journey: %v, %v", none, err)
	}
}

// testMigrationCases deploys, at 2d, a version of a stage that has each
// case of rule 10 for a contact waiting for b: a step that ran and moved
// later (never again), a new step whose time is behind (skipped), a new
// step ahead (scheduled), the pending step moved earlier (rescheduled),
// and a later step unchanged.
func testMigrationCases(t *testing.T, newStore Open) {
	v1 := reconcileDeployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  after 1d tag \"a\"\n  after 5d tag \"b\"\n  after 6d tag \"c\"\n}\n")
	v2 := withEarlier(t, reconcileDeployment(t, `journey j

entry on signed_up

stage A {
  after 1d12h tag "n1"
  after 3d tag "a"
  after 3d tag "n2"
  after 4d tag "b"
  after 6d tag "c"
}
`), v1)
	ctx := context.Background()
	db := newStore(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim, inForce := versionSim(v1, db, start)
	signUp(t, db, "c", start)
	deploy := start.Add(48 * time.Hour)
	if err := sim.Advance(ctx, deploy); err != nil {
		t.Fatal(err)
	}
	inForce.Store(v2)
	if _, err := store.WakeStale(ctx, db, v2, deploy, 100); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(ctx, start.Add(10*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"0s enrolled 1", "0s stage A", "1d tagged a",
		"2d migrated " + v1.Journey("j").Version + " → " + v2.Journey("j").Version,
		"2d skipped 2026-01-06T21:00:00Z",
		"2d scheduled 2026-01-08T09:00:00Z",
		"2d rescheduled 2026-01-09T09:00:00Z",
		"3d tagged n2", "4d tagged b", "6d tagged c",
	}
	if diff := cmp.Diff(want, historyLines(t, db, "c", start)); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}

// testDrain deploys a version that drains: the contact in flight finishes
// the version it started on, a contact entering after the deploy takes the
// new one, and WakeStale wakes no one.
func testDrain(t *testing.T, newStore Open) {
	v1 := reconcileDeployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  after 1d tag \"a\"\n  after 3d tag \"b\"\n}\n")
	v2 := withEarlier(t, reconcileDeployment(t, "journey j\n\non change drain\n\nentry on signed_up\n\nstage A {\n  after 2d tag \"b2\"\n}\n"), v1)
	ctx := context.Background()
	db := newStore(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim, inForce := versionSim(v1, db, start)
	signUp(t, db, "old", start)
	deploy := start.Add(36 * time.Hour)
	if err := sim.Advance(ctx, deploy); err != nil {
		t.Fatal(err)
	}
	inForce.Store(v2)
	if n, err := store.WakeStale(ctx, db, v2, deploy, 100); n != 0 || err != nil {
		t.Fatalf("WakeStale = %d, %v; want 0: the journey drains", n, err)
	}
	signUp(t, db, "new", deploy)
	if err := sim.Advance(ctx, start.Add(10*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"0s enrolled 1", "0s stage A", "1d tagged a", "3d tagged b"}, historyLines(t, db, "old", start)); diff != "" {
		t.Errorf("the contact in flight (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"1d12h enrolled 1", "1d12h stage A", "3d12h tagged b2"}, historyLines(t, db, "new", start)); diff != "" {
		t.Errorf("the new contact (-want +got):\n%s", diff)
	}
	st, err := db.Contact(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if v := st.Enrollments[0].Version; v != v1.Journey("j").Version {
		t.Errorf("the drained enrollment is on %s; want the first version", v)
	}
}

// testAheadLeftAlone runs a contact that a newer version moved with a
// runner still on the older one, which knows the versions recorded: the
// contact is left as it is, its input kept, rather than moved back.
func testAheadLeftAlone(t *testing.T, newStore Open) {
	v1 := reconcileDeployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  after 1d tag \"x\"\n}\n")
	v2 := withEarlier(t, reconcileDeployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  after 2d tag \"x\"\n}\n"), v1)
	old := withEarlier(t, v1, v1)
	ctx := context.Background()
	db := newStore(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim := worker.NewSim(v2, db, start)
	signUp(t, db, "c", start)
	if err := sim.Advance(ctx, start); err != nil {
		t.Fatal(err)
	}
	if err := db.PutContact(ctx, &store.PutContactParams{ID: "c", Attrs: map[string]any{"score": 3}, At: start.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	w := &worker.Worker{Store: db, Engine: &runtime.Engine{Deployment: old}, ID: "old"}
	if _, err := w.Tick(ctx, start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	st, err := db.Contact(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if v := st.Enrollments[0].Version; v != v2.Journey("j").Version || st.Attrs["score"] != nil {
		t.Errorf("after the older runner: version %s, attributes %v; want the newer version, the update not taken", v, st.Attrs)
	}
	if err := sim.Advance(ctx, start.Add(3*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	st, err = db.Contact(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(st.Attrs["score"]) != "3" {
		t.Errorf("the newer runner did not take the update: %v", st.Attrs)
	}
	if diff := cmp.Diff([]string{"0s enrolled 1", "0s stage A", "2d tagged x"}, historyLines(t, db, "c", start)); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}

// testMigrationHeldSend deploys, while a send is held for the window, a
// version that keeps the send for one journey and removes it from the
// other: the kept send goes out at the opening, the removed one is
// cancelled, and the step after it runs at its own offset in both.
func testMigrationHeldSend(t *testing.T, newStore Open) {
	tpl := map[string][]byte{"welcome.md": []byte("subject: Welcome\n\nHello\n")}
	src := func(send string) []byte {
		return []byte("journey " + map[bool]string{true: "k", false: "r"}[send != ""] +
			"\n\nentry on signed_up\nwindow 09:00-18:00 mon-fri\n\nstage A {\n" + send + "  after 20h tag \"a\"\n}\n")
	}
	files := func(k, r string) map[string][]byte {
		return map[string][]byte{"schema.journey": []byte(reconcileSchema), "k.journey": src(k), "r.journey": []byte(strings.Replace(string(src(r)), "journey k", "journey r", 1))}
	}
	send := "  after 13h send \"welcome\"\n"
	v1 := Deploy(t, files(send, send), tpl)
	v2 := withEarlier(t, Deploy(t, files(send+"  after 19h tag \"k\"\n", ""), tpl), v1)
	ctx := context.Background()
	db := newStore(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) // a Monday, at the window's opening
	sim, inForce := versionSim(v1, db, start)
	signUp(t, db, "c", start)
	deploy := start.Add(15 * time.Hour) // the sends held since 13h
	if err := sim.Advance(ctx, deploy); err != nil {
		t.Fatal(err)
	}
	inForce.Store(v2)
	if _, err := store.WakeStale(ctx, db, v2, deploy, 100); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(ctx, start.Add(2*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	recs, err := db.History(ctx, &store.HistoryParams{Contact: "c"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range recs {
		got[r.Journey] = append(got[r.Journey], compiler.Duration(r.At.Sub(start)).String()+" "+r.Kind+" "+r.Step)
	}
	want := map[string][]string{
		"k": {
			"0s enrolled ", "0s stage ", "13h held A/send:welcome#1",
			"15h migrated ", "15h scheduled A/tag:k#1",
			"19h tagged A/tag:k#1", "20h tagged A/tag:a#1", "1d sent A/send:welcome#1",
		},
		"r": {
			"0s enrolled ", "0s stage ", "13h held A/send:welcome#1",
			"15h migrated ", "15h cancelled A/send:welcome#1",
			"20h tagged A/tag:a#1",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}
