package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/sqlite"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestConformance runs the conformance suite on SQLite stores, each in a
// file of its own.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), "journey.db"))
	})
}

// openSQLite opens a SQLite store that the test closes when it ends.
func openSQLite(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// results turns claimed work into results that consume every input and
// change nothing else, unless change says otherwise.
func results(work []*store.Work, change func(*store.WorkResult)) []*store.WorkResult {
	var out []*store.WorkResult
	for _, w := range work {
		r := &store.WorkResult{Contact: w.State.ID, Rev: w.Rev, State: w.State, Outcome: &runtime.Outcome{}}
		for _, in := range w.Inputs {
			r.Consumed = max(r.Consumed, in.Seq)
		}
		if change != nil {
			change(r)
		}
		out = append(out, r)
	}
	return out
}

func TestSQLiteEventDedupe(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t, filepath.Join(t.TempDir(), "j.db"))
	ev := &store.AddEventParams{Contact: "c1", ID: "e1", Name: "signup", Payload: map[string]any{"n": int64(1)}, At: t0}
	if !must[bool](t)(s.AddEvent(ctx, ev)) {
		t.Fatal("first event not added")
	}
	// The same identity again, even for another contact at another time,
	// changes nothing.
	if must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c2", ID: "e1", Name: "other", At: t0.Add(-time.Hour)})) {
		t.Fatal("repeated event added")
	}
	if _, err := s.Contact(ctx, "c2"); err != store.ErrNotFound {
		t.Fatalf("contact of the repeat: %v, want ErrNotFound", err)
	}
	if next := must[time.Time](t)(nextWake(s)); !next.Equal(t0) {
		t.Fatalf("next wake %v, want %v", next, t0)
	}
	// Events without an identity are never deduplicated.
	for range 2 {
		if !must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", Name: "ping", At: t0})) {
			t.Fatal("event without an ID not added")
		}
	}
	work := must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: t0, Limit: 10, Worker: "w", Lease: time.Minute}))
	if len(work) != 1 || len(work[0].Inputs) != 3 {
		t.Fatalf("claimed %d contacts; want c1 with 3 inputs", len(work))
	}
	want := runtime.Input{Seq: work[0].Inputs[0].Seq, Kind: runtime.InputEvent, ID: "e1", Name: "signup", Payload: map[string]any{"n": int64(1)}, At: t0}
	if diff := cmp.Diff(want, work[0].Inputs[0]); diff != "" {
		t.Errorf("input (-want +got):\n%s", diff)
	}
}

func nextWake(s store.Store) (time.Time, error) {
	next, ok, err := s.NextWake(context.Background())
	if err == nil && !ok {
		err = fmt.Errorf("no wake-up")
	}
	return next, err
}

func TestSQLiteLostLease(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t, filepath.Join(t.TempDir(), "j.db"))
	must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: "e1", Name: "signup", At: t0}))

	claim := func(worker string, now time.Time) []*store.Work {
		return must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: now, Limit: 10, Worker: worker, Lease: time.Minute}))
	}
	a := claim("A", t0)
	if len(a) != 1 {
		t.Fatalf("A claimed %d", len(a))
	}
	if b := claim("B", t0.Add(59*time.Second)); len(b) != 0 {
		t.Fatalf("B claimed %d while A's lease holds", len(b))
	}
	b := claim("B", t0.Add(2*time.Minute))
	if len(b) != 1 {
		t.Fatalf("B claimed %d after A's lease expired", len(b))
	}

	// A's work is lost: nothing of it is written.
	act := runtime.Action{Key: "k-A", Contact: "c1", Journey: "j", Step: "s", Kind: "send", Target: "t", Payload: json.RawMessage(`{}`), Due: t0}
	rec := runtime.Record{At: t0, Contact: "c1", Journey: "j", Entry: 1, Kind: runtime.RecSent, Step: "s"}
	change := func(r *store.WorkResult) {
		r.State.Attrs["by"] = "A"
		r.Outcome = &runtime.Outcome{Actions: []runtime.Action{act}, Records: []runtime.Record{rec}, Wake: t0.Add(time.Hour)}
	}
	res := must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: "A", Now: t0.Add(3 * time.Minute), Results: results(a, change)}))
	if diff := cmp.Diff(&store.CompleteResult{Lost: []string{"c1"}}, res); diff != "" {
		t.Errorf("A's complete (-want +got):\n%s", diff)
	}
	if st := must[*runtime.ContactState](t)(s.Contact(ctx, "c1")); st.Attrs["by"] != nil {
		t.Errorf("A's state written: %v", st.Attrs)
	}
	if out := must[[]runtime.Action](t)(s.Outbox(ctx, &store.OutboxParams{})); len(out) != 0 {
		t.Errorf("A's outbox written: %v", out)
	}
	if h := must[[]runtime.Record](t)(s.History(ctx, &store.HistoryParams{Contact: "c1"})); len(h) != 0 {
		t.Errorf("A's history written: %v", h)
	}
	if next, want := must[time.Time](t)(nextWake(s)), t0.Add(3*time.Minute); !next.Equal(want) {
		t.Errorf("next wake %v after A's lost complete, want %v (the input is still pending, under B's lease)", next, want)
	}

	// B's work commits; A, now a revision behind, loses again.
	res = must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: "B", Now: t0.Add(3 * time.Minute), Results: results(b, nil)}))
	if res.Committed != 1 || len(res.Lost) != 0 {
		t.Fatalf("B's complete: %+v", res)
	}
	res = must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: "A", Now: t0.Add(4 * time.Minute), Results: results(a, change)}))
	if res.Committed != 0 || len(res.Lost) != 1 {
		t.Fatalf("A's second complete: %+v", res)
	}
	if _, ok, _ := s.NextWake(ctx); ok {
		t.Error("a wake-up after every input was consumed")
	}
}

func TestSQLiteOutboxKeyUnique(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t, filepath.Join(t.TempDir(), "j.db"))
	action := func(key, target string) runtime.Action {
		return runtime.Action{Key: key, Contact: "c1", Journey: "j", Version: "v1", Step: "s", Kind: "send", Target: target, Payload: json.RawMessage(`{"n":1}`), Due: t0}
	}
	for i, acts := range [][]runtime.Action{
		{action("k1", "first"), action("k1", "same batch"), action("k2", "first")},
		{action("k2", "next run"), action("k3", "first")},
	} {
		must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: fmt.Sprint("e", i), Name: "x", At: t0}))
		work := must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: t0, Limit: 1, Worker: "w", Lease: time.Minute}))
		res := must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: "w", Now: t0, Results: results(work, func(r *store.WorkResult) {
			r.Outcome.Actions = acts
		})}))
		if res.Committed != 1 {
			t.Fatalf("run %d: %+v", i, res)
		}
	}
	want := []runtime.Action{action("k1", "first"), action("k2", "first"), action("k3", "first")}
	for _, contact := range []string{"", "c1"} {
		got := must[[]runtime.Action](t)(s.Outbox(ctx, &store.OutboxParams{Contact: contact}))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outbox %q (-want +got):\n%s", contact, diff)
		}
	}
	if got := must[[]runtime.Action](t)(s.Outbox(ctx, &store.OutboxParams{Contact: "c2"})); len(got) != 0 {
		t.Errorf("outbox of c2: %v", got)
	}
}

// sampleState is a state with something in every field, its times in
// several zones and to the nanosecond, its numbers as a state read back
// holds them: whole ones int64, exactly beyond 2^53, the others float64.
func sampleState(id string) *runtime.ContactState {
	paris := time.FixedZone("CET", 3600)
	at := time.Date(2026, 1, 5, 10, 30, 0, 123456789, paris)
	return &runtime.ContactState{
		ID:    id,
		Attrs: map[string]any{"plan": "pro", "seats": int64(3), "ratio": 0.5, "id": int64(9007199254740993), "tags": []any{"a", "b"}, "meta": map[string]any{"x": true, "n": []any{int64(-9007199254740993)}}},
		Enrollments: []*runtime.Enrollment{{
			Journey: "onboard", Entry: 1, Version: "v1", Status: runtime.StatusActive, Stage: "Welcome",
			StageAt: at, EnteredAt: at.Add(-time.Nanosecond),
			Cursors: []*runtime.Cursor{{
				Block: "Welcome", Start: at, Next: "Welcome/send:hi#1", Hold: at.Add(time.Hour),
				Wait: "Welcome/wait#1", Until: at.Add(24 * time.Hour), Since: at,
				Event: &runtime.EventIn{Name: "opened", Payload: map[string]any{"template": "hi", "n": int64(9007199254740993)}},
			}},
			Occurrences: map[string]int{"Welcome/send:hi#1": 2},
		}, {
			Journey: "trial", Entry: 2, Version: "v2", Status: runtime.StatusExited, Stage: "End",
			StageAt: t0, EnteredAt: t0, ExitedAt: t0.Add(time.Minute), Reason: "exit",
		}},
		Events:    []runtime.EventMark{{Name: "signup", At: at}},
		Opened:    map[string]bool{"hi": true},
		Clicked:   map[string]bool{"hi": true},
		Sends:     map[string][]time.Time{"onboard": {at, at.Add(time.Second)}},
		Processed: at.Add(time.Minute),
	}
}

// writeSample stores sampleState for c1 with some outbox and history, and
// leaves an input pending and a wake-up set.
func writeSample(t *testing.T, s store.Store) {
	ctx := context.Background()
	noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"plan": "pro"}, At: t0}))
	work := must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: t0, Limit: 10, Worker: "w", Lease: time.Minute}))
	res := must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: "w", Now: t0, Results: results(work, func(r *store.WorkResult) {
		r.State = sampleState("c1")
		r.Outcome = &runtime.Outcome{
			Actions: []runtime.Action{{Key: "k1", Contact: "c1", Journey: "onboard", Version: "v1", Step: "Welcome/send:hi#1", Kind: "send", Target: "hi", Payload: json.RawMessage(`{"to":"x"}`), Due: t0.Add(time.Nanosecond)}},
			Records: []runtime.Record{{At: t0.Add(time.Nanosecond), Contact: "c1", Journey: "onboard", Entry: 1, Kind: runtime.RecSent, Step: "Welcome/send:hi#1", Detail: "hi"}, {At: t0, Contact: "c1", Journey: "onboard", Entry: 1, Kind: runtime.RecEnrolled}},
			Wake:    t0.Add(90 * time.Minute),
		}
	})}))
	if res.Committed != 1 {
		t.Fatalf("complete: %+v", res)
	}
	must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: "late", Name: "opened", Payload: map[string]any{"template": "hi"}, At: t0.Add(2 * time.Hour)}))
}

// snapshot is what a store reads back of everything.
type snapshot struct {
	Contact *runtime.ContactState
	Outbox  []runtime.Action
	History []runtime.Record
	Wake    time.Time
}

func takeSnapshot(t *testing.T, s store.Store) snapshot {
	t.Helper()
	ctx := context.Background()
	return snapshot{
		Contact: must[*runtime.ContactState](t)(s.Contact(ctx, "c1")),
		Outbox:  must[[]runtime.Action](t)(s.Outbox(ctx, &store.OutboxParams{})),
		History: must[[]runtime.Record](t)(s.History(ctx, &store.HistoryParams{})),
		Wake:    must[time.Time](t)(nextWake(s)),
	}
}

// gooseVersions lists the migrations recorded in a database file.
func gooseVersions(t *testing.T, path string) []int64 {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	noErr(t, err)
	defer db.Close()
	rows, err := db.Query("SELECT version_id FROM goose_db_version ORDER BY id")
	noErr(t, err)
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		noErr(t, rows.Scan(&v))
		out = append(out, v)
	}
	noErr(t, rows.Err())
	return out
}

func TestSQLiteReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	s, err := sqlite.Open(context.Background(), path)
	noErr(t, err)
	writeSample(t, s)
	before := takeSnapshot(t, s)
	noErr(t, s.Close())
	versions := gooseVersions(t, path)

	for i := range 2 {
		s := openSQLite(t, path)
		if diff := cmp.Diff(before, takeSnapshot(t, s)); diff != "" {
			t.Errorf("reopen %d (-before +after):\n%s", i, diff)
		}
		noErr(t, s.Close())
		if diff := cmp.Diff(versions, gooseVersions(t, path)); diff != "" {
			t.Errorf("reopen %d migrated again (-before +after):\n%s", i, diff)
		}
	}
	if before.Wake != t0.Add(90*time.Minute) {
		t.Errorf("wake %v, want the outcome's %v", before.Wake, t0.Add(90*time.Minute))
	}
}

func TestSQLiteStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	s, err := sqlite.Open(context.Background(), path)
	noErr(t, err)
	writeSample(t, s)
	noErr(t, s.Close())

	s = openSQLite(t, path)
	got := must[*runtime.ContactState](t)(s.Contact(context.Background(), "c1"))
	if diff := cmp.Diff(sampleState("c1"), got); diff != "" {
		t.Errorf("state (-written +read):\n%s", diff)
	}
	noErr(t, s.Close())

	// The enrollment rows mirror the state.
	db, err := sql.Open("sqlite", path)
	noErr(t, err)
	defer db.Close()
	type row struct {
		Journey, Status, Stage, StageAt string
		Entry                           int
		ExitedAt, Reason                sql.NullString
	}
	rows, err := db.Query("SELECT journey, entry, status, stage, stage_at, exited_at, reason FROM enrollments WHERE contact_id = 'c1' ORDER BY journey")
	noErr(t, err)
	defer rows.Close()
	var rs []row
	for rows.Next() {
		var r row
		noErr(t, rows.Scan(&r.Journey, &r.Entry, &r.Status, &r.Stage, &r.StageAt, &r.ExitedAt, &r.Reason))
		rs = append(rs, r)
	}
	want := []row{
		{Journey: "onboard", Entry: 1, Status: "active", Stage: "Welcome", StageAt: "2026-01-05T09:30:00.123456789Z"},
		{Journey: "trial", Entry: 2, Status: "exited", Stage: "End", StageAt: "2026-01-05T09:00:00.000000000Z",
			ExitedAt: sql.NullString{String: "2026-01-05T09:01:00.000000000Z", Valid: true}, Reason: sql.NullString{String: "exit", Valid: true}},
	}
	if diff := cmp.Diff(want, rs); diff != "" {
		t.Errorf("enrollments (-want +got):\n%s", diff)
	}
}

// TestSQLiteMatchesMemory plays one script of store operations on the
// memory store and on SQLite: every answer must be the same.
func TestSQLiteMatchesMemory(t *testing.T) {
	script := func(t *testing.T, s store.Store) []any {
		ctx := context.Background()
		var log []any
		note := func(v any, err error) {
			t.Helper()
			noErr(t, err)
			log = append(log, v)
		}
		wake := func() {
			next, ok, err := s.NextWake(ctx)
			note([]any{next, ok}, err)
		}
		claim := func(worker string, now time.Time, limit int) []*store.Work {
			w, err := s.Claim(ctx, &store.ClaimParams{Now: now, Limit: limit, Worker: worker, Lease: 10 * time.Minute})
			note(w, err)
			return w
		}
		complete := func(worker string, now time.Time, rs []*store.WorkResult) {
			note(s.Complete(ctx, &store.CompleteParams{Worker: worker, Now: now, Results: rs}))
		}
		contact := func(id string) {
			st, err := s.Contact(ctx, id)
			if err == store.ErrNotFound {
				st, err = nil, nil
			}
			note(st, err)
		}
		event := func(contact, id string, at time.Time, payload map[string]any) {
			note(s.AddEvent(ctx, &store.AddEventParams{Contact: contact, ID: id, Name: "ev-" + id, Payload: payload, At: at}))
		}

		wake()
		contact("c1")
		noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"plan": "pro", "seats": int64(3), "gone": nil}, At: t0}))
		event("c1", "e1", t0.Add(time.Minute), map[string]any{"n": int64(1), "f": 2.5, "deep": map[string]any{"l": []any{int64(1), "a", nil}}})
		event("c2", "e2", t0.Add(-time.Hour), nil)
		event("c1", "e1", t0.Add(-2*time.Hour), nil) // a repeat
		event("c3", "e3", t0.Add(time.Hour), map[string]any{})
		wake()
		claim("A", t0, 0)
		c2 := claim("A", t0, 1) // c2, the earliest
		c1 := claim("B", t0, 10)
		claim("C", t0, 10) // nothing: c1 and c2 leased, c3 not due

		// c1: consume only the update; the outcome's wake is later than
		// the event still pending, which wins.
		complete("B", t0, results(c1, func(r *store.WorkResult) {
			r.Consumed = c1[0].Inputs[0].Seq
			r.State.Attrs["seen"] = true
			r.Outcome = &runtime.Outcome{
				Wake:    t0.Add(time.Hour),
				Actions: []runtime.Action{{Key: "c1/a", Contact: "c1", Journey: "j", Version: "v", Step: "s1", Kind: "send", Target: "t", Payload: json.RawMessage(`{"a":1}`), Due: t0}},
				Records: []runtime.Record{{At: t0, Contact: "c1", Journey: "j", Entry: 1, Kind: runtime.RecEnrolled}, {At: t0, Contact: "c1", Journey: "j", Entry: 1, Kind: runtime.RecSent, Step: "s1", Detail: "t"}},
			}
		}))
		wake()
		c1 = claim("B", t0.Add(time.Minute), 10)
		complete("B", t0.Add(time.Minute), results(c1, func(r *store.WorkResult) {
			r.Outcome.Wake = t0.Add(30 * time.Minute)
			r.Outcome.Actions = []runtime.Action{{Key: "c1/a", Contact: "c1", Journey: "j", Step: "again", Payload: json.RawMessage(`{}`)}}
		}))
		event("c1", "e4", t0.Add(5*time.Minute), nil) // earlier than the timer
		wake()
		// A's lease on c2 expired and nobody took it: its complete still
		// holds, as the memory store's does.
		complete("A", t0.Add(15*time.Minute), results(c2, nil))
		wake()
		both := claim("A", t0.Add(20*time.Minute), 10)
		complete("A", t0.Add(20*time.Minute), results(both, nil))
		wake()
		all := claim("A", t0.Add(2*time.Hour), 10)
		complete("A", t0.Add(2*time.Hour), results(all, nil))
		wake()
		for _, id := range []string{"c1", "c2", "c3", "c4"} {
			contact(id)
			note(s.Outbox(ctx, &store.OutboxParams{Contact: id}))
			note(s.History(ctx, &store.HistoryParams{Contact: id}))
		}
		note(s.Outbox(ctx, &store.OutboxParams{}))
		note(s.History(ctx, &store.HistoryParams{}))
		return log
	}
	want := script(t, memory.New())
	got := script(t, openSQLite(t, filepath.Join(t.TempDir(), "j.db")))
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("memory (-) and SQLite (+) differ:\n%s", diff)
	}
}

// TestSQLiteConcurrentWriters writes from two stores on one file (as two
// processes would) and several goroutines each: busy_timeout and
// immediate transactions make every write wait its turn instead of
// failing.
func TestSQLiteConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	a, b := openSQLite(t, path), openSQLite(t, path)
	const per = 25
	var wg sync.WaitGroup
	errs := make(chan error, 4*per)
	for i, s := range []store.Store{a, b, a, b} {
		wg.Go(func() {
			for j := range per {
				id := fmt.Sprintf("w%d-%d", i, j)
				if _, err := s.AddEvent(ctx, &store.AddEventParams{Contact: id, ID: id, Name: "x", At: t0}); err != nil {
					errs <- err
				}
				if _, err := s.Claim(ctx, &store.ClaimParams{Now: t0, Limit: 1, Worker: fmt.Sprint(i), Lease: time.Hour}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	rest := must[[]*store.Work](t)(b.Claim(ctx, &store.ClaimParams{Now: t0, Limit: 1000, Worker: "last", Lease: time.Hour}))
	if len(rest) != 0 {
		t.Errorf("%d contacts left unclaimed; every claim should have taken one", len(rest))
	}
	for _, id := range []string{"w0-0", "w3-24"} {
		if _, err := a.Contact(ctx, id); err != nil {
			t.Errorf("contact %s: %v", id, err)
		}
	}
}

func TestSQLiteOpenErrors(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "j.db?mode=ro"), filepath.Join(t.TempDir(), "missing", "j.db")} {
		if s, err := sqlite.Open(context.Background(), path); err == nil {
			s.Close()
			t.Errorf("sqlite.Open(%q) succeeded", path)
		}
	}
	s := openSQLite(t, ":memory:")
	writeSample(t, s)
	if diff := cmp.Diff(sampleState("c1"), takeSnapshot(t, s).Contact); diff != "" {
		t.Errorf("in memory (-written +read):\n%s", diff)
	}
}

// TestSQLiteClosed: a call on a closed store answers an error, as a
// closed Postgres store does, rather than panicking; Close is idempotent.
func TestSQLiteClosed(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	noErr(t, err)
	writeSample(t, s)
	noErr(t, s.Close())
	if _, err := s.Contact(ctx, "c1"); err == nil {
		t.Error("Contact on a closed store: no error")
	}
	if err := s.PutContact(ctx, &store.PutContactParams{ID: "c2", At: t0}); err == nil {
		t.Error("PutContact on a closed store: no error")
	}
	noErr(t, s.Close())
}
