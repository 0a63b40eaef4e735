package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// seedOutbox commits actions for contact c1, each due at its own time.
func seedOutbox(t *testing.T, s store.Store, actions ...runtime.Action) {
	t.Helper()
	ctx := context.Background()
	noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"email": "c1@example.com"}, At: t0}))
	work := must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: t0, Limit: 10, Worker: "seed", Lease: time.Minute}))
	res := must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: "seed", Now: t0, Results: results(work, func(r *store.WorkResult) {
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

func summarize(rows []store.OutboxRow) []leased {
	out := []leased{}
	for _, r := range rows {
		out = append(out, leased{r.Key, r.Status, r.Attempts, r.NextAttempt, r.LeaseOwner, r.LeaseUntil, r.LastError, r.SentAt, r.Unknown})
	}
	return out
}

// testOutboxLeases walks rows through leases, marks, an expired lease and
// retries, on every store.
func testOutboxLeases(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	seedOutbox(t, s, outboxAction("k1", 0), outboxAction("k2", time.Minute), outboxAction("k3", 2*time.Minute))
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	lease := func(now time.Time, worker string, limit int) []leased {
		t.Helper()
		return summarize(must[[]store.OutboxRow](t)(s.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: now, Limit: limit, Worker: worker, Lease: time.Minute})))
	}
	mark := func(worker string, now time.Time, marks ...store.OutboxMark) *store.MarkOutboxResult {
		t.Helper()
		return must[*store.MarkOutboxResult](t)(s.MarkOutbox(ctx, &store.MarkOutboxParams{Worker: worker, Now: now, Results: marks}))
	}
	list := func(status string) []leased {
		t.Helper()
		return summarize(must[[]store.OutboxRow](t)(s.ListOutbox(ctx, &store.ListOutboxParams{Status: status})))
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
	check("B's mark", mark("B", at(time.Minute), store.OutboxMark{Key: "k1", Status: "sent", Attempts: 1}),
		&store.MarkOutboxResult{Lost: []string{"k1"}})
	// A mark names its row's contact, as a dispatcher's does, or not:
	// either finds the row.
	check("A's marks", mark("A", at(90*time.Second),
		store.OutboxMark{Key: "k1", Contact: "c1", Status: "sent", Attempts: 1},
		store.OutboxMark{Key: "k2", Contact: "c1", Status: "pending", Attempts: 1, NextAttempt: at(10 * time.Minute), Error: "503 Service Unavailable"},
	), &store.MarkOutboxResult{Marked: 2})
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
	check("A's late mark", mark("A", at(10*time.Minute), store.OutboxMark{Key: "k3", Status: "sent", Attempts: 1}),
		&store.MarkOutboxResult{Lost: []string{"k3"}})
	check("B's marks", mark("B", at(10*time.Minute),
		store.OutboxMark{Key: "k3", Contact: "c1", Status: "unknown", Attempts: 1, Error: "lease expired mid-call"},
		store.OutboxMark{Key: "k2", Status: "parked", Attempts: 2, Error: "400 Bad Request"},
	), &store.MarkOutboxResult{Marked: 2})
	check("lease at +1h", lease(at(time.Hour), "A", 10), []leased{})
	check("all", list(""), []leased{
		{Key: "k1", Status: "sent", Attempts: 1, NextAttempt: at(0), Sent: at(90 * time.Second)},
		{Key: "k2", Status: "parked", Attempts: 2, NextAttempt: at(10 * time.Minute), Error: "400 Bad Request"},
		{Key: "k3", Status: "unknown", Attempts: 1, NextAttempt: at(2 * time.Minute), Error: "lease expired mid-call"},
	})
	check("first two", len(must[[]store.OutboxRow](t)(s.ListOutbox(ctx, &store.ListOutboxParams{Limit: 2}))), 2)
	check("k2", summarize(must[[]store.OutboxRow](t)(s.ListOutbox(ctx, &store.ListOutboxParams{Key: "k2"}))), []leased{
		{Key: "k2", Status: "parked", Attempts: 2, NextAttempt: at(10 * time.Minute), Error: "400 Bad Request"},
	})
	check("k2 if sent", summarize(must[[]store.OutboxRow](t)(s.ListOutbox(ctx, &store.ListOutboxParams{Key: "k2", Status: "sent"}))), []leased{})
	check("no such key", summarize(must[[]store.OutboxRow](t)(s.ListOutbox(ctx, &store.ListOutboxParams{Key: "k9"}))), []leased{})

	// Retry: every parked row, or one parked or unknown row; a row
	// sent stays sent.
	retry := func(key string) int {
		t.Helper()
		return must[int](t)(s.RetryOutbox(ctx, &store.RetryOutboxParams{Key: key, Now: at(time.Hour)}))
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
	got := must[[]runtime.Action](t)(s.Outbox(ctx, &store.OutboxParams{}))
	check("outbox", len(got), 3)
}

// testOutboxLeaseConcurrent leases from several dispatchers at once: each
// row goes to exactly one.
func testOutboxLeaseConcurrent(t *testing.T, newStore Open) {
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
				rows, err := s.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: t0.Add(time.Minute), Limit: 7, Worker: fmt.Sprint("w", w), Lease: time.Minute})
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
}

// OutboxMigration checks that outbox rows written before delivery was
// tracked (migration 00003) become due at their own time, pending and
// unleased: open returns a store on a database that, at migration 00002,
// held the row of key "old" for contact c1, due at 2026-01-05T09:00:00Z.
func OutboxMigration(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	rows := must[[]store.OutboxRow](t)(s.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: t0, Limit: 10, Worker: "w", Lease: time.Minute}))
	want := []leased{{Key: "old", Status: "pending", Attempts: 1, NextAttempt: t0, Owner: "w", Until: t0.Add(time.Minute)}}
	if diff := cmp.Diff(want, summarize(rows)); diff != "" {
		t.Errorf("lease after migrating (-want +got):\n%s", diff)
	}
}
