package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/plan"
	"github.com/journeylang/journey/runtime/serve"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
)

// fakeClock is the runner's clock in TestLiveEdits: it moves only when the
// test moves it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// TestLiveEdits edits a journey under a running runner on Postgres — add
// steps, change offsets, remove a step, rename a stage, delete a stage,
// roll back, break the syntax, fix it — with the runner's clock stopped at each edit.
// Before each, `journey plan` on the edited files (as of that time) must
// count exactly what the runner then records and writes to the outbox
// when the deploy wakes the contacts; after each, the contacts' positions are checked, and at the
// end the outbox: every send once, none lost, none repeated.
func TestLiveEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a runner")
	}
	dsn := pgTestSchema(t)
	ws := filepath.Join(t.TempDir(), "ws")
	staging := filepath.Join(t.TempDir(), "staging")
	for _, dir := range []string{ws, staging} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeText(t, filepath.Join(dir, "schema.journey"), liveSchema)
		if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"w1", "w1b", "w2", "w2b", "w3", "e1", "e2", "l1"} {
			writeText(t, filepath.Join(dir, "templates", name+".md"), "subject: "+name+"\n")
		}
	}
	file := filepath.Join(ws, "onboard.journey")
	writeText(t, file, liveVersions[0])

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}

	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	src := &runCmd{Paths: []string{ws}}
	watch := src.watcher(logger)
	watch.Debounce, watch.Rescan = 20*time.Millisecond, 500*time.Millisecond
	hash := watch.Digest()
	var stderr bytes.Buffer
	d, ok := src.deployment(&env{stdout: io.Discard, stderr: &stderr}, "run")
	if !ok {
		t.Fatal(stderr.String())
	}
	watch.Seed(d, hash)
	// A second runner keeps the first version of the files and follows
	// the store: it must run each edit all the same.
	inForce, follows := new(atomic.Pointer[runtime.Deployment]), new(atomic.Pointer[runtime.Deployment])
	done := make(chan error, 2)
	go func() {
		done <- serve.Run(ctx, serve.Config{
			Name: "live", Deployment: d, Current: watch.Current, InForce: inForce, Store: db,
			Workers: 2, Poll: 10 * time.Millisecond, Clock: clock.Now, Logger: logger,
			Background: []func(context.Context) error{watch.Run},
		})
	}()
	go func() {
		done <- serve.Run(ctx, serve.Config{
			Name: "follower", Deployment: d, Follow: true, InForce: follows, Store: db,
			Workers: 2, Poll: 10 * time.Millisecond, Clock: clock.Now, Logger: logger,
		})
	}()
	defer func() {
		cancel()
		for range 2 {
			if err := <-done; err != nil {
				t.Errorf("runner: %v", err)
			}
		}
		if t.Failed() {
			t.Logf("runner log:\n%s", logs.String())
		}
	}()

	// settle waits until both runners run version and have run everything
	// due on the clock.
	settle := func(version string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			st, err := db.Stats(ctx, &store.StatsParams{Now: clock.Now()})
			if err != nil {
				t.Fatal(err)
			}
			stale, err := db.Stale(ctx, &store.StaleParams{Journey: "onboard", Version: version, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			d, f := inForce.Load(), follows.Load()
			if d != nil && f != nil && d.Journey("onboard").Version == version && f.Journey("onboard").Version == version && st.DueContacts == 0 && len(stale) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the runner did not settle on version %s: %+v, stale %v", version, st, stale)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	at := func(offset time.Duration, version string) {
		t.Helper()
		clock.Set(t0.Add(offset))
		settle(version)
	}
	version := d.Journey("onboard").Version
	settle(version)
	signUp := func(id string, score int) {
		t.Helper()
		if err := db.PutContact(ctx, &store.PutContactParams{ID: id, Attrs: map[string]any{"score": score}, At: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddEvent(ctx, &store.AddEventParams{Contact: id, ID: "signup-" + id, Name: "signed_up", At: clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		id    string
		score int
		at    time.Duration
	}{{"a", 10, 0}, {"h", 60, 0}, {"b", 10, 24 * time.Hour}} {
		at(c.at, version)
		signUp(c.id, c.score)
		settle(version)
	}

	// Each edit, with the time it is made, how it is saved, the cases the
	// plan must show (by stage, kind and step; the contacts in each), and
	// where each contact stands after it; contacts that sign up just
	// before it, if any.
	migrated := runtime.RecMigrated
	ids := []string{"a", "b", "h"}
	edits := []struct {
		name   string
		text   string
		offset time.Duration
		save   func(t *testing.T, path, text string)
		cases  []string
		after  map[string]position
		join   map[string]int // by contact: its score
	}{
		{"add steps", liveVersions[1], 30 * time.Hour, saveInPlace, []string{
			"Engaged " + migrated + " [h]",
			"Welcome " + migrated + " [a b]",
			"Welcome scheduled Welcome/send:w1b#1 [b]",
			"Welcome skipped Welcome/send:w1b#1 [a]",
			"Welcome scheduled Welcome/send:w2b#1 [a b]",
		}, map[string]position{"a": {"Welcome", "Welcome/send:w2#1"}, "b": {"Welcome", "Welcome/send:w1b#1"}, "h": {"Engaged", "Engaged/send:e2#1"}}, nil},
		{"change offsets", liveVersions[2], 54 * time.Hour, saveByRename, []string{
			"Engaged " + migrated + " [h]",
			"Engaged rescheduled Engaged/send:e2#1 [h]",
			"Engaged sent Engaged/send:e2#1 [h]", // its new time has passed: it goes at once
			"Welcome " + migrated + " [a b]",
			"Welcome rescheduled Welcome/send:w3#1 [a b]",
		}, map[string]position{"a": {"Welcome", "Welcome/send:w2b#1"}, "b": {"Welcome", "Welcome/send:w2#1"}, "h": {"Engaged", ""}}, nil},
		{"remove a step", liveVersions[3], 78 * time.Hour, saveByRecreate, []string{
			"Engaged " + migrated + " [h]",
			"Welcome " + migrated + " [a b]",
			"Welcome cancelled Welcome/send:w2b#1 [b]",
		}, map[string]position{"a": {"Welcome", "Welcome/send:w3#1"}, "b": {"Welcome", "Welcome/send:w3#1"}, "h": {"Engaged", ""}}, nil},
		{"rename a stage", liveVersions[4], 90 * time.Hour, saveInPlace, []string{
			"Engaged " + migrated + " [h]",
			"Engaged stage →Active [h]",
			"Welcome " + migrated + " [a b]",
		}, map[string]position{"a": {"Welcome", ""}, "b": {"Welcome", "Welcome/send:w3#1"}, "h": {"Active", "Active/send:e1#1"}}, nil},
		{"delete a stage", liveVersions[5], 96 * time.Hour, saveByRename, []string{
			"Active " + migrated + " [h]",
			"Active exited →stage removed [h]",
			"Welcome " + migrated + " [a b]",
		}, map[string]position{"a": {"Welcome", ""}, "b": {"Welcome", "Welcome/send:w3#1"}, "h": {"", ""}}, nil},
		// A rollback is a change like any other: Active is back, h
		// (who left it, and may not re-enter) stays out.
		{"roll back", liveVersions[4], 97 * time.Hour, saveByRename, []string{
			"Welcome " + migrated + " [a b]",
		}, map[string]position{"a": {"Welcome", ""}, "b": {"Welcome", "Welcome/send:w3#1"}, "h": {"", ""}}, nil},
		// Conditions that already hold when they are added: g, who signs
		// up now and goes straight to Active, converts at once; then x
		// exits; then a and b, whose sign-up is more than 3 days old, move
		// to Late and are sent l1 (b's w3 is left behind with Welcome).
		{"add a goal", liveGoal, 98 * time.Hour, saveInPlace, []string{
			"Active " + migrated + " [g]",
			"Active goal →keen [g]",
			"Active exited →goal keen [g]",
			"Welcome " + migrated + " [a b x]",
		}, map[string]position{"g": {"", ""}, "x": {"Welcome", "Welcome/send:w1b#1"}, "b": {"Welcome", "Welcome/send:w3#1"}}, map[string]int{"g": 70, "x": 30}},
		{"add an exit", liveExit, 99 * time.Hour, saveByRename, []string{
			"Welcome " + migrated + " [a b x]",
			"Welcome exited →exit [x]",
		}, map[string]position{"x": {"", ""}, "a": {"Welcome", ""}, "b": {"Welcome", "Welcome/send:w3#1"}}, nil},
		{"add a time-dependent stage trigger", liveLate, 100 * time.Hour, saveByRecreate, []string{
			"Welcome " + migrated + " [a b]",
			"Welcome stage →Late [a b]",
			"Welcome sent Late/send:l1#1 [a b]",
		}, map[string]position{"a": {"Late", ""}, "b": {"Late", ""}}, nil},
	}
	for _, ed := range edits {
		clock.Set(t0.Add(ed.offset))
		settle(version)
		for _, id := range slices.Sorted(maps.Keys(ed.join)) {
			signUp(id, ed.join[id])
			ids = append(ids, id)
		}
		settle(version)
		before := map[string]*runtime.ContactState{}
		stages := map[string]string{}
		seen := map[string]int{}
		for _, id := range ids {
			before[id] = liveContact(t, db, id)
			if en := before[id].Active("onboard"); en != nil {
				stages[id] = en.Stage
			}
			seen[id] = len(liveHistory(t, db, id))
		}
		boxed, err := db.Outbox(ctx, &store.OutboxParams{})
		if err != nil {
			t.Fatal(err)
		}
		p := planEdit(t, staging, dsn, ed.text, clock.Now())
		if len(p.Journeys) != 1 {
			t.Fatalf("%s: plan of %d journeys; want onboard", ed.name, len(p.Journeys))
		}
		jp := p.Journeys[0]
		if len(jp.From) != 1 || jp.From[0].Version != version || len(jp.From[0].Changes) == 0 {
			t.Errorf("%s: plan from %+v; want the version in force, with its changes", ed.name, jp.From)
		}
		if got := caseLines(jp.Cases); !cmp.Equal(ed.cases, got) {
			t.Errorf("%s: plan (-want +got):\n%s", ed.name, cmp.Diff(ed.cases, got))
		}
		ed.save(t, file, ed.text)
		settle(jp.Version)
		var recs []runtime.Record
		for _, id := range ids {
			recs = append(recs, liveHistory(t, db, id)[seen[id]:]...)
		}
		acts, err := db.Outbox(ctx, &store.OutboxParams{})
		if err != nil {
			t.Fatal(err)
		}
		did := plan.Tally(inForce.Load().Journey("onboard").Journey, recs, acts[len(boxed):], stages, -1)
		if diff := cmp.Diff(caseLines(jp.Cases), caseLines(did.Cases)); diff != "" {
			t.Errorf("%s: the plan (-) and what the runner did (+) differ:\n%s", ed.name, diff)
		}
		if diff := cmp.Diff(jp.Actions, did.Actions); diff != "" || jp.Totals != did.Totals {
			t.Errorf("%s: the plan's outbox (-) and the runner's (+) differ:\n%s\ntotals %+v, %+v", ed.name, diff, jp.Totals, did.Totals)
		}
		for id, want := range ed.after {
			if got := livePosition(t, db, id); got != want {
				t.Errorf("%s: contact %s at %+v; want %+v", ed.name, id, got, want)
			}
		}
		version = jp.Version
	}

	// Break the syntax: the runner keeps the version in force and says
	// why; `journey plan` reports the diagnostic.
	last := liveLate
	broken := strings.Replace(last, "after 2d send", "after 2x send", 1)
	clock.Set(t0.Add(101 * time.Hour))
	settle(version)
	writeText(t, filepath.Join(staging, "onboard.journey"), broken)
	var out, errs bytes.Buffer
	if code := run([]string{"plan", staging, "--db", dsn}, strings.NewReader(""), &out, &errs); code != exitFindings || !strings.Contains(errs.String(), "onboard.journey:") {
		t.Errorf("plan of broken files: exit %d, stderr %q; want 1 and the diagnostic", code, errs.String())
	}
	saveInPlace(t, file, broken)
	waitFor(t, "the reload failure", func() bool { return strings.Contains(watch.Failure(), "onboard.journey:") })
	settle(version)
	// Fix it: the same version as before the break, so no change.
	if p := planEdit(t, staging, dsn, last, clock.Now()); len(p.Journeys) != 0 {
		t.Errorf("plan of the fix: %+v; want no change", p.Journeys)
	}
	saveByRename(t, file, last)
	waitFor(t, "the fix", func() bool { return watch.Failure() == "" })
	settle(version)

	// Run on: every send once, as the edits made them.
	clock.Set(t0.Add(10 * 24 * time.Hour))
	settle(version)
	rows, err := db.ListOutbox(ctx, &store.ListOutboxParams{Status: ""})
	if err != nil {
		t.Fatal(err)
	}
	var sends []string
	for _, r := range rows {
		sends = append(sends, fmt.Sprintf("%s %s %s", r.Contact, r.Target, r.Due.Sub(t0)))
	}
	slices.Sort(sends)
	want := []string{
		"a l1 100h0m0s", "a w1 0s", "a w2 48h0m0s", "a w2b 72h0m0s", "a w3 84h0m0s",
		"b l1 100h0m0s", "b w1 24h0m0s", "b w1b 48h0m0s", "b w2 72h0m0s",
		"h e1 24h0m0s", "h e2 54h0m0s",
		"x w1 98h0m0s",
	}
	if diff := cmp.Diff(want, sends); diff != "" {
		t.Errorf("the outbox (-want +got):\n%s", diff)
	}
	for _, id := range ids {
		var sent []string
		for _, r := range liveHistory(t, db, id) {
			if r.Kind == runtime.RecSent {
				sent = append(sent, r.Detail)
			}
		}
		var boxed []string
		for _, r := range rows {
			if r.Contact == id {
				boxed = append(boxed, r.Target)
			}
		}
		if !slices.Equal(sent, boxed) {
			t.Errorf("contact %s: sent %v, outbox %v", id, sent, boxed)
		}
	}
}

// planEdit runs `journey plan --format json` on the staging workspace
// holding text, as of at.
func planEdit(t *testing.T, staging, dsn, text string, at time.Time) *plan.Plan {
	t.Helper()
	writeText(t, filepath.Join(staging, "onboard.journey"), text)
	var out, errs bytes.Buffer
	args := []string{"plan", staging, "--db", dsn, "--format", "json", "--examples", "1000", "--at", at.Format(time.RFC3339)}
	if code := run(args, strings.NewReader(""), &out, &errs); code != 0 {
		t.Fatalf("journey plan: exit %d: %s", code, errs.String())
	}
	var p plan.Plan
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		t.Fatalf("journey plan: %v\n%s", err, out.String())
	}
	return &p
}

// caseLines writes cases one a line (Case.String).
func caseLines(cases []*plan.Case) []string {
	var out []string
	for _, c := range cases {
		out = append(out, c.String())
	}
	return out
}

func liveContact(t *testing.T, db store.Store, id string) *runtime.ContactState {
	t.Helper()
	s, err := db.Contact(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func liveHistory(t *testing.T, db store.Store, id string) []runtime.Record {
	t.Helper()
	recs, err := db.History(context.Background(), &store.HistoryParams{Contact: id})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// position is where a contact stands: its stage, and the next step of the
// stage's timeline.
type position struct{ stage, next string }

// livePosition is a contact's active stage in onboard and the next step
// of its stage's timeline, or "" for either.
func livePosition(t *testing.T, db store.Store, id string) (p position) {
	t.Helper()
	en := liveContact(t, db, id).Active("onboard")
	if en == nil {
		return p
	}
	p.stage = en.Stage
	for _, c := range en.Cursors {
		if c.Block == en.Stage {
			p.next = c.Next
		}
	}
	return p
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 20s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func writeText(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The editors' ways of saving a file.

func saveInPlace(t *testing.T, path, text string) { writeText(t, path, text) }

func saveByRename(t *testing.T, path, text string) {
	tmp := filepath.Join(filepath.Dir(path), ".onboard.journey.tmp")
	writeText(t, tmp, text)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func saveByRecreate(t *testing.T, path, text string) {
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	writeText(t, path, text)
}
