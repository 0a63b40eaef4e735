package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// runOnce wakes contact c at now, claims it and completes it with out.
func runOnce(t *testing.T, s store.Store, c string, now time.Time, out *runtime.Outcome) {
	t.Helper()
	ctx := context.Background()
	noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: c, Attrs: map[string]any{"n": now.Unix()}, At: now}))
	work := must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: now, Limit: 10, Worker: "w", Lease: time.Minute}))
	res := must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: "w", Now: now, Results: results(work, func(r *store.WorkResult) {
		r.Outcome = out
	})}))
	if res.Committed != 1 {
		t.Fatalf("running %s at %v: %+v", c, now, res)
	}
}

// testRetain checks retention: the outbox rows done with (sent, or
// cancelled) before the outbox's limit go, oldest first, a batch at a
// time, and the rows still to deliver, parked, unknown or held stay
// however old; the history before the history's limit goes the same
// way; a zero limit keeps all.
func testRetain(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	// k6 is a marketing email, which a withdrawal of consent cancels.
	k6 := outboxAction("k6", 0)
	k6.Payload = json.RawMessage(`{"contact":"c1","template":"k6","channel":"email"}`)
	seedOutbox(t, s, outboxAction("k1", 0), outboxAction("k2", 0), outboxAction("k3", 0),
		outboxAction("k4", 3*time.Minute), outboxAction("k5", 0), outboxAction("k7", 0), k6)
	lease := func(now time.Time, limit int) {
		t.Helper()
		must[[]store.OutboxRow](t)(s.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: now, Limit: limit, Worker: "A", Lease: time.Hour}))
	}
	mark := func(now time.Time, marks ...store.OutboxMark) {
		t.Helper()
		if res := must[*store.MarkOutboxResult](t)(s.MarkOutbox(ctx, &store.MarkOutboxParams{Worker: "A", Now: now, Results: marks})); res.Marked != len(marks) {
			t.Fatalf("marks at %v: %+v", now, res)
		}
	}
	// k1 sent at +2m, k2 parked, k3 unknown, k4 sent at +4m; k5 pending,
	// k6 cancelled (its last attempt due at t0), k7 held by A.
	runOnce(t, s, "c1", at(time.Minute), &runtime.Outcome{Withdraw: []runtime.Withdrawal{{Channel: "email", At: at(time.Minute)}}})
	lease(at(2*time.Minute), 3)
	mark(at(2*time.Minute),
		store.OutboxMark{Key: "k1", Status: store.OutboxSent, Attempts: 1},
		store.OutboxMark{Key: "k2", Status: store.OutboxParked, Attempts: 1, Error: "400"},
		store.OutboxMark{Key: "k3", Status: store.OutboxUnknown, Attempts: 1, Error: "lease expired mid-call"})
	lease(at(4*time.Minute), 10)
	mark(at(4*time.Minute), store.OutboxMark{Key: "k4", Status: store.OutboxSent, Attempts: 1},
		store.OutboxMark{Key: "k5", Status: store.OutboxPending, Attempts: 1, NextAttempt: at(time.Hour)})

	// History of c2 at +1h, +2h and +3h.
	var recs []runtime.Record
	for h := 1; h <= 3; h++ {
		recs = append(recs, runtime.Record{At: at(time.Duration(h) * time.Hour), Contact: "c2", Journey: "onboard", Entry: 1, Kind: runtime.RecStage, Step: "s", Detail: "s"})
	}
	runOnce(t, s, "c2", at(3*time.Hour), &runtime.Outcome{Records: recs})

	retain := func(p store.RetainParams) store.Retained {
		t.Helper()
		return *must[*store.Retained](t)(s.Retain(ctx, &p))
	}
	keys := func() []string {
		t.Helper()
		var out []string
		for _, r := range must[[]store.OutboxRow](t)(s.ListOutbox(ctx, &store.ListOutboxParams{})) {
			out = append(out, r.Key+" "+r.Status)
		}
		return out
	}
	check := func(what string, got, want any) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", what, diff)
		}
	}
	all := []string{"k1 sent", "k2 parked", "k3 unknown", "k4 sent", "k5 pending", "k7 pending", "k6 cancelled"}
	check("keep all", retain(store.RetainParams{Limit: 10}), store.Retained{})
	check("outbox kept", keys(), all)
	check("nothing that old", retain(store.RetainParams{OutboxBefore: t0, HistoryBefore: t0, Limit: 10}), store.Retained{})

	// Oldest first: k6 (t0), then k1 (+2m); k4 (+4m) is not before +4m.
	check("first batch", retain(store.RetainParams{OutboxBefore: at(4 * time.Minute), Limit: 1}), store.Retained{Outbox: 1})
	check("after the first batch", keys(), []string{"k1 sent", "k2 parked", "k3 unknown", "k4 sent", "k5 pending", "k7 pending"})
	check("second batch", retain(store.RetainParams{OutboxBefore: at(4 * time.Minute), Limit: 1}), store.Retained{Outbox: 1})
	check("third batch", retain(store.RetainParams{OutboxBefore: at(4 * time.Minute), Limit: 1}), store.Retained{})
	check("a day on", retain(store.RetainParams{OutboxBefore: at(24 * time.Hour), Limit: 10}), store.Retained{Outbox: 1})
	check("outbox left", keys(), []string{"k2 parked", "k3 unknown", "k5 pending", "k7 pending"})

	// The history before +2h30m goes, a record at a time: c1's withdrawal
	// at +1m, then c2's +1h and +2h; its +3h record stays.
	c2 := func() []string { return historyLines(t, s, "c2", t0) }
	check("c2's history", c2(), []string{"1h stage s", "2h stage s", "3h stage s"})
	for i, want := range []int{1, 1, 1, 0} {
		if got := retain(store.RetainParams{HistoryBefore: at(150 * time.Minute), Limit: 1}); got != (store.Retained{History: want}) {
			t.Errorf("history batch %d: got %+v, want %d deleted", i+1, got, want)
		}
	}
	check("c1's history", historyLines(t, s, "c1", t0), []string(nil))
	check("c2's history left", c2(), []string{"3h stage s"})
	check("outbox untouched by the history", keys(), []string{"k2 parked", "k3 unknown", "k5 pending", "k7 pending"})
}
