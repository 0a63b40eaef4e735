package postgres_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/postgres/pgtest"
)

// The Postgres tests run against a real server, each in a schema of its
// own (pgtest).

func pgSchema(t testing.TB) (string, string) { return pgtest.Schema(t) }
func pgAdminDB(t testing.TB) *sql.DB         { return pgtest.Admin(t) }

// pgNewStore opens a store in a fresh schema, closed and dropped when the
// test ends.
func pgNewStore(t *testing.T) *postgres.Store {
	t.Helper()
	_, dsn := pgSchema(t)
	return pgOpen(t, dsn)
}

// pgOpen opens a store on dsn, closed when the test ends.
func pgOpen(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var pgT0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func pgClaim(t *testing.T, s store.Store, p *store.ClaimParams) []*store.Work {
	t.Helper()
	w, err := s.Claim(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func pgComplete(t *testing.T, s store.Store, p *store.CompleteParams) *store.CompleteResult {
	t.Helper()
	res, err := s.Complete(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func pgWantNextWake(t *testing.T, s store.Store, want time.Time) {
	t.Helper()
	next, ok, err := s.NextWake(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		next = time.Time{}
	}
	if !next.Equal(want) {
		t.Errorf("NextWake = %v, want %v", next, want)
	}
}

// pgResult makes a WorkResult for claimed work: the state with one attribute
// set, every input consumed, one action and one record.
func pgResult(w *store.Work, key string, wake time.Time) *store.WorkResult {
	var consumed int64
	for _, in := range w.Inputs {
		consumed = max(consumed, in.Seq)
	}
	st := *w.State
	st.Attrs = map[string]any{"done": key}
	return &store.WorkResult{
		Contact: st.ID, Rev: w.Rev, State: &st, Consumed: consumed,
		Outcome: &runtime.Outcome{
			Actions: []runtime.Action{{Key: key, Contact: st.ID, Journey: "j", Version: "v1", Step: "S/send:x#1", Kind: "send", Target: "x", Payload: json.RawMessage(`{"contact":"` + st.ID + `"}`), Due: pgT0}},
			Records: []runtime.Record{{At: pgT0, Contact: st.ID, Journey: "j", Entry: 1, Kind: runtime.RecSent, Step: "S/send:x#1", Detail: key}},
			Wake:    wake,
		},
	}
}

func TestPostgresEventDedupe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgNewStore(t)
	add := func(p store.AddEventParams) bool {
		t.Helper()
		ok, err := s.AddEvent(ctx, &p)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !add(store.AddEventParams{Contact: "c1", ID: "e1", Name: "form_submitted", Payload: map[string]any{"form": "x"}, At: pgT0}) {
		t.Fatal("the first event was ignored")
	}
	// Repeats, even for another contact or at another time, change nothing.
	if add(store.AddEventParams{Contact: "c1", ID: "e1", Name: "form_submitted", Payload: map[string]any{"form": "x"}, At: pgT0}) {
		t.Error("a repeat was taken")
	}
	if add(store.AddEventParams{Contact: "c2", ID: "e1", Name: "login", At: pgT0.Add(-time.Hour)}) {
		t.Error("a repeat for another contact was taken")
	}
	if _, err := s.Contact(ctx, "c2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Contact(c2) after an ignored event: %v, want ErrNotFound", err)
	}
	pgWantNextWake(t, s, pgT0)
	work := pgClaim(t, s, &store.ClaimParams{Now: pgT0, Limit: 10, Worker: "w", Lease: time.Minute})
	want := []*store.Work{{
		State:  &runtime.ContactState{ID: "c1", Attrs: map[string]any{}},
		Inputs: []runtime.Input{{Seq: 1, Kind: runtime.InputEvent, ID: "e1", Name: "form_submitted", Payload: map[string]any{"form": "x"}, At: pgT0}},
		Due:    pgT0,
	}}
	if diff := cmp.Diff(want, work); diff != "" {
		t.Errorf("claimed (-want +got):\n%s", diff)
	}
}

func TestPostgresLostLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgNewStore(t)
	if err := s.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"score": 10}, At: pgT0}); err != nil {
		t.Fatal(err)
	}
	a := pgClaim(t, s, &store.ClaimParams{Now: pgT0, Limit: 10, Worker: "A", Lease: time.Second})
	if len(a) != 1 {
		t.Fatalf("A claimed %d contacts, want 1", len(a))
	}
	if b := pgClaim(t, s, &store.ClaimParams{Now: pgT0.Add(500 * time.Millisecond), Limit: 10, Worker: "B", Lease: time.Minute}); len(b) != 0 {
		t.Fatalf("B claimed %d contacts under A's lease", len(b))
	}
	b := pgClaim(t, s, &store.ClaimParams{Now: pgT0.Add(2 * time.Second), Limit: 10, Worker: "B", Lease: time.Minute})
	if len(b) != 1 || b[0].Rev != a[0].Rev {
		t.Fatalf("B claimed %v after A's lease ran out", b)
	}

	res := pgComplete(t, s, &store.CompleteParams{Worker: "A", Now: pgT0.Add(3 * time.Second), Results: []*store.WorkResult{pgResult(a[0], "from-A", pgT0.Add(time.Hour))}})
	if diff := cmp.Diff(&store.CompleteResult{Lost: []string{"c1"}}, res); diff != "" {
		t.Errorf("A's complete (-want +got):\n%s", diff)
	}
	if out, _ := s.Outbox(ctx, &store.OutboxParams{}); len(out) != 0 {
		t.Errorf("A's lost work wrote the outbox: %v", out)
	}
	if h, _ := s.History(ctx, &store.HistoryParams{}); len(h) != 0 {
		t.Errorf("A's lost work wrote the history: %v", h)
	}
	if st, err := s.Contact(ctx, "c1"); err != nil || len(st.Attrs) != 0 {
		t.Errorf("A's lost work wrote the state: %v, %v", st, err)
	}
	pgWantNextWake(t, s, pgT0.Add(62*time.Second)) // the input is still there, under B's lease

	res = pgComplete(t, s, &store.CompleteParams{Worker: "B", Now: pgT0.Add(3 * time.Second), Results: []*store.WorkResult{pgResult(b[0], "from-B", pgT0.Add(time.Hour))}})
	if diff := cmp.Diff(&store.CompleteResult{Committed: 1}, res); diff != "" {
		t.Errorf("B's complete (-want +got):\n%s", diff)
	}
	if st, err := s.Contact(ctx, "c1"); err != nil || st.Attrs["done"] != "from-B" {
		t.Errorf("after B's complete the state is %v, %v", st, err)
	}
	out, err := s.Outbox(ctx, &store.OutboxParams{})
	if err != nil || len(out) != 1 || out[0].Key != "from-B" {
		t.Errorf("outbox after B's complete: %v, %v", out, err)
	}
	pgWantNextWake(t, s, pgT0.Add(time.Hour))

	// A stale worker that tries again is still turned away.
	res = pgComplete(t, s, &store.CompleteParams{Worker: "A", Now: pgT0.Add(4 * time.Second), Results: []*store.WorkResult{pgResult(a[0], "from-A", pgT0.Add(time.Hour))}})
	if res.Committed != 0 || len(res.Lost) != 1 {
		t.Errorf("A's second complete: %+v", res)
	}
}

func TestPostgresOutboxKeyOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgNewStore(t)
	for i := range 2 {
		if err := s.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"n": i}, At: pgT0}); err != nil {
			t.Fatal(err)
		}
		work := pgClaim(t, s, &store.ClaimParams{Now: pgT0, Limit: 10, Worker: "w", Lease: time.Minute})
		if len(work) != 1 {
			t.Fatalf("round %d: claimed %d", i, len(work))
		}
		if res := pgComplete(t, s, &store.CompleteParams{Worker: "w", Now: pgT0, Results: []*store.WorkResult{pgResult(work[0], "same-key", time.Time{})}}); res.Committed != 1 {
			t.Fatalf("round %d: %+v", i, res)
		}
	}
	out, err := s.Outbox(ctx, &store.OutboxParams{Contact: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Key != "same-key" {
		t.Errorf("outbox = %v, want the key once", out)
	}
	if h, _ := s.History(ctx, &store.HistoryParams{Contact: "c1"}); len(h) != 2 {
		t.Errorf("history has %d records, want 2 (it is not deduplicated)", len(h))
	}
	pgWantNextWake(t, s, time.Time{})
}

func TestPostgresMigrateTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	schema, dsn := pgSchema(t)
	s1 := pgOpen(t, dsn)
	if err := s1.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"a": "b"}, At: pgT0}); err != nil {
		t.Fatal(err)
	}
	versions := func() (n int, latest int64) {
		t.Helper()
		row := pgAdminDB(t).QueryRow("SELECT count(*), max(version_id) FROM " + pq.QuoteIdentifier(schema) + ".goose_db_version")
		if err := row.Scan(&n, &latest); err != nil {
			t.Fatal(err)
		}
		return n, latest
	}
	n1, v1 := versions()
	s1.Close()
	s2 := pgOpen(t, dsn)
	if n2, v2 := versions(); n2 != n1 || v2 != v1 {
		t.Errorf("reopening changed the migrations: %d rows at version %d, then %d at %d", n1, v1, n2, v2)
	}
	pgWantNextWake(t, s2, pgT0)
	if _, err := s2.Contact(ctx, "c1"); err != nil {
		t.Errorf("the contact did not survive reopening: %v", err)
	}
}

func TestPostgresNoSchema(t *testing.T) {
	t.Parallel()
	pgAdminDB(t)
	_, err := postgres.Open(context.Background(), pgtest.WithSearchPath(t, pgtest.BaseDSN(), "journey_test_missing_schema"))
	if err == nil || !strings.Contains(err.Error(), "search_path") {
		t.Errorf("opening on a missing schema: %v", err)
	}
}

// TestPostgresEnrollments checks the enrollments mirror: a row per
// contact, journey and entry, updated in place.
func TestPostgresEnrollments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	schema, dsn := pgSchema(t)
	s := pgOpen(t, dsn)
	run := func(en []*runtime.Enrollment) {
		t.Helper()
		if err := s.PutContact(ctx, &store.PutContactParams{ID: "c1", At: pgT0}); err != nil {
			t.Fatal(err)
		}
		work := pgClaim(t, s, &store.ClaimParams{Now: pgT0, Limit: 1, Worker: "w", Lease: time.Minute})
		r := pgResult(work[0], fmt.Sprint(len(en)), time.Time{})
		r.State.Enrollments = en
		pgComplete(t, s, &store.CompleteParams{Worker: "w", Now: pgT0, Results: []*store.WorkResult{r}})
	}
	e1 := &runtime.Enrollment{Journey: "j", Entry: 1, Version: "v1", Status: runtime.StatusActive, Stage: "A", StageAt: pgT0, EnteredAt: pgT0}
	run([]*runtime.Enrollment{e1})
	e1done := *e1
	e1done.Status, e1done.Stage, e1done.ExitedAt, e1done.Reason = runtime.StatusExited, "B", pgT0.Add(time.Hour), "exit"
	e2 := &runtime.Enrollment{Journey: "j", Entry: 2, Version: "v2", Status: runtime.StatusActive, Stage: "A", StageAt: pgT0.Add(2 * time.Hour), EnteredAt: pgT0.Add(2 * time.Hour)}
	run([]*runtime.Enrollment{&e1done, e2})

	rows, err := pgAdminDB(t).Query("SELECT contact_id, journey, entry, version, status, stage, exited_at IS NOT NULL, coalesce(reason, '') FROM " +
		pq.QuoteIdentifier(schema) + ".enrollments ORDER BY entry")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var c, j, v, st, stage, reason string
		var entry int
		var exited bool
		if err := rows.Scan(&c, &j, &entry, &v, &st, &stage, &exited, &reason); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s#%d %s %s %s %v %q", c, j, entry, v, st, stage, exited, reason))
	}
	want := []string{
		`c1 j#1 v1 exited B true "exit"`,
		`c1 j#2 v2 active A false ""`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("enrollments (-want +got):\n%s", diff)
	}
}
