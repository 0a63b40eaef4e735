package runtime_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pressly/goose/v3"

	"github.com/journeylang/journey/runtime"
)

// seedOutbox commits actions for contact c1, each due at its own time.
func seedOutbox(t *testing.T, s runtime.Store, actions ...runtime.Action) {
	t.Helper()
	ctx := context.Background()
	noErr(t, s.PutContact(ctx, &runtime.PutContactParams{ID: "c1", Attrs: map[string]any{"email": "c1@example.com"}, At: t0}))
	work := must[[]*runtime.Work](t)(s.Claim(ctx, &runtime.ClaimParams{Now: t0, Limit: 10, Worker: "seed", Lease: time.Minute}))
	res := must[*runtime.CompleteResult](t)(s.Complete(ctx, &runtime.CompleteParams{Worker: "seed", Now: t0, Results: results(work, func(r *runtime.WorkResult) {
		r.Outcome = &runtime.Outcome{Actions: actions}
	})}))
	if res.Committed != 1 {
		t.Fatalf("seeding the outbox: %+v", res)
	}
}

// outboxAction is an action of c1 due at t0+due.
func outboxAction(key string, due time.Duration) runtime.Action {
	return runtime.Action{
		Key: key, Contact: "c1", Journey: "onboard", Version: "v1", Step: "Welcome/send:" + key + "#1",
		Kind: "send", Target: key, Payload: json.RawMessage(`{"contact":"c1","template":"` + key + `"}`), Due: t0.Add(due),
	}
}

// leased is what a test compares of an outbox row.
type leased struct {
	Key         string
	Status      string
	Attempts    int
	NextAttempt time.Time
	Owner       string
	Until       time.Time
	Error       string
	Sent        time.Time
	Unknown     bool
}

func summarize(rows []runtime.OutboxRow) []leased {
	out := []leased{}
	for _, r := range rows {
		out = append(out, leased{r.Key, r.Status, r.Attempts, r.NextAttempt, r.LeaseOwner, r.LeaseUntil, r.LastError, r.SentAt, r.Unknown})
	}
	return out
}

// TestOutboxLeases walks rows through leases, marks, an expired lease and
// retries, on every store.
func TestOutboxLeases(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := newStore(t)
			seedOutbox(t, s, outboxAction("k1", 0), outboxAction("k2", time.Minute), outboxAction("k3", 2*time.Minute))
			at := func(d time.Duration) time.Time { return t0.Add(d) }
			lease := func(now time.Time, worker string, limit int) []leased {
				t.Helper()
				return summarize(must[[]runtime.OutboxRow](t)(s.LeaseOutbox(ctx, &runtime.LeaseOutboxParams{Now: now, Limit: limit, Worker: worker, Lease: time.Minute})))
			}
			mark := func(worker string, now time.Time, marks ...runtime.OutboxMark) *runtime.MarkOutboxResult {
				t.Helper()
				return must[*runtime.MarkOutboxResult](t)(s.MarkOutbox(ctx, &runtime.MarkOutboxParams{Worker: worker, Now: now, Results: marks}))
			}
			list := func(status string) []leased {
				t.Helper()
				return summarize(must[[]runtime.OutboxRow](t)(s.ListOutbox(ctx, &runtime.ListOutboxParams{Status: status})))
			}
			check := func(what string, got, want any) {
				t.Helper()
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", what, diff)
				}
			}

			// The rows due are leased once, their attempt counted.
			check("lease at +1m", lease(at(time.Minute), "A", 10), []leased{
				{Key: "k1", Status: "pending", Attempts: 1, NextAttempt: at(0), Owner: "A", Until: at(2 * time.Minute)},
				{Key: "k2", Status: "pending", Attempts: 1, NextAttempt: at(time.Minute), Owner: "A", Until: at(2 * time.Minute)},
			})
			check("lease by B at +1m", lease(at(time.Minute), "B", 10), []leased{})

			// Only the holder marks.
			check("B's mark", mark("B", at(time.Minute), runtime.OutboxMark{Key: "k1", Status: "sent", Attempts: 1}),
				&runtime.MarkOutboxResult{Lost: []string{"k1"}})
			check("A's marks", mark("A", at(90*time.Second),
				runtime.OutboxMark{Key: "k1", Status: "sent", Attempts: 1},
				runtime.OutboxMark{Key: "k2", Status: "pending", Attempts: 1, NextAttempt: at(10 * time.Minute), Error: "503 Service Unavailable"},
			), &runtime.MarkOutboxResult{Marked: 2})
			check("sent", list("sent"), []leased{
				{Key: "k1", Status: "sent", Attempts: 1, NextAttempt: at(0), Sent: at(90 * time.Second)},
			})
			check("pending", list("pending"), []leased{
				{Key: "k2", Status: "pending", Attempts: 1, NextAttempt: at(10 * time.Minute), Error: "503 Service Unavailable"},
				{Key: "k3", Status: "pending", NextAttempt: at(2 * time.Minute)},
			})

			// k3 is leased and its holder never comes back: when its lease
			// has run out it is taken over as unknown, first, its attempts
			// as they were; k2 is due again.
			check("lease at +5m", lease(at(5*time.Minute), "A", 10), []leased{
				{Key: "k3", Status: "pending", Attempts: 1, NextAttempt: at(2 * time.Minute), Owner: "A", Until: at(6 * time.Minute)},
			})
			check("lease at +10m, one", lease(at(10*time.Minute), "B", 1), []leased{
				{Key: "k3", Status: "unknown", Attempts: 1, NextAttempt: at(2 * time.Minute), Owner: "B", Until: at(11 * time.Minute), Unknown: true},
			})
			check("lease at +10m", lease(at(10*time.Minute), "B", 10), []leased{
				{Key: "k2", Status: "pending", Attempts: 2, NextAttempt: at(10 * time.Minute), Owner: "B", Until: at(11 * time.Minute), Error: "503 Service Unavailable"},
			})
			check("A's late mark", mark("A", at(10*time.Minute), runtime.OutboxMark{Key: "k3", Status: "sent", Attempts: 1}),
				&runtime.MarkOutboxResult{Lost: []string{"k3"}})
			check("B's marks", mark("B", at(10*time.Minute),
				runtime.OutboxMark{Key: "k3", Status: "unknown", Attempts: 1, Error: "lease expired mid-call"},
				runtime.OutboxMark{Key: "k2", Status: "parked", Attempts: 2, Error: "400 Bad Request"},
			), &runtime.MarkOutboxResult{Marked: 2})
			check("lease at +1h", lease(at(time.Hour), "A", 10), []leased{})
			check("all", list(""), []leased{
				{Key: "k1", Status: "sent", Attempts: 1, NextAttempt: at(0), Sent: at(90 * time.Second)},
				{Key: "k2", Status: "parked", Attempts: 2, NextAttempt: at(10 * time.Minute), Error: "400 Bad Request"},
				{Key: "k3", Status: "unknown", Attempts: 1, NextAttempt: at(2 * time.Minute), Error: "lease expired mid-call"},
			})
			check("first two", len(must[[]runtime.OutboxRow](t)(s.ListOutbox(ctx, &runtime.ListOutboxParams{Limit: 2}))), 2)
			check("k2", summarize(must[[]runtime.OutboxRow](t)(s.ListOutbox(ctx, &runtime.ListOutboxParams{Key: "k2"}))), []leased{
				{Key: "k2", Status: "parked", Attempts: 2, NextAttempt: at(10 * time.Minute), Error: "400 Bad Request"},
			})
			check("k2 if sent", summarize(must[[]runtime.OutboxRow](t)(s.ListOutbox(ctx, &runtime.ListOutboxParams{Key: "k2", Status: "sent"}))), []leased{})
			check("no such key", summarize(must[[]runtime.OutboxRow](t)(s.ListOutbox(ctx, &runtime.ListOutboxParams{Key: "k9"}))), []leased{})

			// Retry: every parked row, or one parked or unknown row; a row
			// sent stays sent.
			retry := func(key string) int {
				t.Helper()
				return must[int](t)(s.RetryOutbox(ctx, &runtime.RetryOutboxParams{Key: key, Now: at(time.Hour)}))
			}
			check("retry k1", retry("k1"), 0)
			check("retry parked", retry(""), 1)
			check("retry k3", retry("k3"), 1)
			check("retry parked again", retry(""), 0)
			check("lease after retries", lease(at(time.Hour), "A", 10), []leased{
				{Key: "k2", Status: "pending", Attempts: 1, NextAttempt: at(time.Hour), Owner: "A", Until: at(61 * time.Minute), Error: "400 Bad Request"},
				{Key: "k3", Status: "pending", Attempts: 1, NextAttempt: at(time.Hour), Owner: "A", Until: at(61 * time.Minute), Error: "lease expired mid-call"},
			})
			check("retry k2 while leased", retry("k2"), 0)

			// The outbox as the API lists it is unchanged.
			got := must[[]runtime.Action](t)(s.Outbox(ctx, &runtime.OutboxParams{}))
			check("outbox", len(got), 3)
		})
	}
}

// TestOutboxLeaseConcurrent leases from several dispatchers at once: each
// row goes to exactly one.
func TestOutboxLeaseConcurrent(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := newStore(t)
			var actions []runtime.Action
			for i := range 200 {
				actions = append(actions, outboxAction(fmt.Sprintf("k%03d", i), time.Duration(i%7)*time.Second))
			}
			seedOutbox(t, s, actions...)
			var mu sync.Mutex
			var keys []string
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for {
						rows, err := s.LeaseOutbox(ctx, &runtime.LeaseOutboxParams{Now: t0.Add(time.Minute), Limit: 7, Worker: fmt.Sprint("w", w), Lease: time.Minute})
						if err != nil {
							t.Error(err)
							return
						}
						if len(rows) == 0 {
							return
						}
						mu.Lock()
						for _, r := range rows {
							keys = append(keys, r.Key)
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			sort.Strings(keys)
			var want []string
			for _, a := range actions {
				want = append(want, a.Key)
			}
			if diff := cmp.Diff(want, keys); diff != "" {
				t.Errorf("keys leased (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOutboxMigration: rows written before migration 00003 become due at
// their own time, pending, unleased.
func TestOutboxMigration(t *testing.T) {
	ctx := context.Background()
	insert := `INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due)
VALUES ('old', 'c1', 'onboard', 'v1', 'Welcome/send:hi#1', 'send', 'hi', '{"contact":"c1"}', %s)`
	cases := map[string]func(t *testing.T) runtime.Store{
		"sqlite": func(t *testing.T) runtime.Store {
			path := filepath.Join(t.TempDir(), "j.db")
			db, err := sql.Open("sqlite", path)
			noErr(t, err)
			defer db.Close()
			upTo(t, db, goose.DialectSQLite3, "migrations/sqlite", 2)
			_, err = db.Exec(fmt.Sprintf(insert, "'2026-01-05T09:00:00.000000000Z'"))
			noErr(t, err)
			return openSQLite(t, path)
		},
		"postgres": func(t *testing.T) runtime.Store {
			_, dsn := pgSchema(t)
			db, err := sql.Open("postgres", dsn)
			noErr(t, err)
			defer db.Close()
			upTo(t, db, goose.DialectPostgres, "migrations/postgres", 2)
			_, err = db.Exec(fmt.Sprintf(insert, "'2026-01-05T09:00:00Z'"))
			noErr(t, err)
			return pgOpen(t, dsn)
		},
	}
	for name, open := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			rows := must[[]runtime.OutboxRow](t)(s.LeaseOutbox(ctx, &runtime.LeaseOutboxParams{Now: t0, Limit: 10, Worker: "w", Lease: time.Minute}))
			want := []leased{{Key: "old", Status: "pending", Attempts: 1, NextAttempt: t0, Owner: "w", Until: t0.Add(time.Minute)}}
			if diff := cmp.Diff(want, summarize(rows)); diff != "" {
				t.Errorf("lease after migrating (-want +got):\n%s", diff)
			}
		})
	}
}

// upTo applies the migrations up to version.
func upTo(t *testing.T, db *sql.DB, dialect goose.Dialect, dir string, version int64) {
	t.Helper()
	p, err := goose.NewProvider(dialect, db, os.DirFS(dir))
	noErr(t, err)
	_, err = p.UpTo(context.Background(), version)
	noErr(t, err)
}
