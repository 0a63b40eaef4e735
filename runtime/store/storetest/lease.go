package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
)

// testClaimDue checks that a claim reports the wake-up each contact was
// due at: an input's time, then a timer's.
func testClaimDue(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: "e1", Name: "signed_up", At: t0.Add(time.Minute)}))
	noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: "c2", Attrs: map[string]any{"score": 1}, At: t0}))
	now := t0.Add(time.Hour)
	work := must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: now, Limit: 10, Worker: "w", Lease: time.Minute}))
	if len(work) != 2 {
		t.Fatalf("claimed %d contacts, want 2", len(work))
	}
	for i, want := range []struct {
		id  string
		due time.Time
	}{{"c2", t0}, {"c1", t0.Add(time.Minute)}} {
		if got := work[i]; got.State.ID != want.id || !got.Due.Equal(want.due) {
			t.Errorf("work %d: %s due %v, want %s due %v", i, got.State.ID, got.Due, want.id, want.due)
		}
	}

	// c1 sets a timer a day on; it is claimed late, due at the timer.
	timer := t0.Add(24 * time.Hour)
	res := must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: "w", Now: now,
		Results: results(work, func(r *store.WorkResult) {
			if r.Contact == "c1" {
				r.Outcome.Wake = timer
			}
		})}))
	if res.Committed != 2 {
		t.Fatalf("committed %d, want 2 (lost %v)", res.Committed, res.Lost)
	}
	work = must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: timer.Add(3 * time.Second), Limit: 10, Worker: "w", Lease: time.Minute}))
	if len(work) != 1 || work[0].State.ID != "c1" || !work[0].Due.Equal(timer) {
		t.Fatalf("claimed %+v, want c1 due %v", work, timer)
	}
}

// testUnchanged checks that a result marked unchanged commits without
// writing the state: the store keeps the state it had (its revision and
// its time of run), and still deletes the inputs consumed, sets the next
// wake-up and releases the lease; and that one whose lease another worker
// took is lost, its inputs and lease left alone.
func testUnchanged(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	claim := func(now time.Time, worker string) []*store.Work {
		t.Helper()
		return must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: now, Limit: 10, Worker: worker, Lease: time.Minute}))
	}
	complete := func(worker string, work []*store.Work, change func(*store.WorkResult)) *store.CompleteResult {
		t.Helper()
		return must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: worker, Now: t0, Results: results(work, change)}))
	}
	noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"score": 1}, At: t0}))
	ran := t0.Add(time.Minute)
	work := claim(ran, "w")
	if res := complete("w", work, func(r *store.WorkResult) { r.State.Processed = ran }); res.Committed != 1 {
		t.Fatalf("first run: committed %d, want 1 (lost %v)", res.Committed, res.Lost)
	}

	noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"score": 1}, At: t0.Add(time.Hour)}))
	work = claim(t0.Add(time.Hour), "w")
	if len(work) != 1 || len(work[0].Inputs) != 1 {
		t.Fatalf("claimed %+v, want c1 with its update", work)
	}
	rev := work[0].Rev
	wake := t0.Add(24 * time.Hour)
	res := complete("w", work, func(r *store.WorkResult) {
		r.State.Processed = t0.Add(time.Hour) // the run's time, which an unchanged result does not keep
		r.Outcome.Wake = wake
		r.Unchanged = true
	})
	if res.Committed != 1 {
		t.Fatalf("unchanged run: committed %d, want 1 (lost %v)", res.Committed, res.Lost)
	}
	if got := contactState(t, s, "c1").Processed; !got.Equal(ran) {
		t.Errorf("after the unchanged run the state ran at %v, want %v: it was written", got, ran)
	}
	if work := claim(wake.Add(-time.Second), "w"); len(work) != 0 {
		t.Errorf("claimed %d contacts before the wake-up, want none (the update consumed, the wake-up set)", len(work))
	}
	work = claim(wake, "w")
	if len(work) != 1 || len(work[0].Inputs) != 0 || work[0].Rev != rev {
		t.Fatalf("claimed at the wake-up: %+v, want c1 with no input at revision %d", work, rev)
	}

	// The lease runs out and another worker takes the contact: the first
	// worker's unchanged result is lost, and leaves the second's lease.
	noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"score": 1}, At: wake}))
	taken := claim(wake.Add(2*time.Minute), "w2")
	if len(taken) != 1 {
		t.Fatalf("w2 claimed %d contacts after the lease ran out, want 1", len(taken))
	}
	if res := complete("w", work, func(r *store.WorkResult) { r.Unchanged = true }); res.Committed != 0 || len(res.Lost) != 1 {
		t.Errorf("a result whose lease was taken: committed %d, lost %v; want it lost", res.Committed, res.Lost)
	}
	if res := complete("w2", taken, func(r *store.WorkResult) { r.Unchanged = true }); res.Committed != 1 {
		t.Errorf("w2's unchanged result: committed %d, want 1 (lost %v)", res.Committed, res.Lost)
	}
}

// testNextWakeLeased checks that NextWake answers when the earliest
// contact becomes claimable: a due contact under a lease (a worker that
// died holding it) counts from its lease's end, so that an idle worker
// sleeps until then rather than polling a wake-up it cannot claim.
func testNextWakeLeased(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	next := func(want time.Time) {
		t.Helper()
		got, ok, err := s.NextWake(ctx)
		if err != nil || !ok || !got.Equal(want) {
			t.Fatalf("NextWake = %v, %v, %v; want %v", got, ok, err, want)
		}
	}
	if _, ok, err := s.NextWake(ctx); err != nil || ok {
		t.Fatalf("NextWake of an empty store: %v, %v", ok, err)
	}
	must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: "e1", Name: "signed_up", At: t0}))
	must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c2", ID: "e2", Name: "signed_up", At: t0.Add(30 * time.Minute)}))
	next(t0)

	// A worker claims c1 for ten minutes and dies: c1 is due, but
	// claimable only when the lease ends, before c2's wake-up.
	claim := func(at time.Time, lease time.Duration, want string) []*store.Work {
		t.Helper()
		work := must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: at, Limit: 1, Worker: "w" + want, Lease: lease}))
		if len(work) != 1 || work[0].State.ID != want {
			t.Fatalf("claim at %v: %d contacts, want %s", at, len(work), want)
		}
		return work
	}
	claim(t0, 10*time.Minute, "c1")
	next(t0.Add(10 * time.Minute))
	if work := must[[]*store.Work](t)(s.Claim(ctx, &store.ClaimParams{Now: t0.Add(5 * time.Minute), Limit: 1, Worker: "w", Lease: time.Minute})); len(work) != 0 {
		t.Fatalf("claimed %s under another's lease", work[0].State.ID)
	}

	// Another worker takes c1 over for an hour: c2's wake-up comes
	// first; once c2 is leased too, c1's lease ends first.
	work := claim(t0.Add(10*time.Minute), time.Hour, "c1")
	next(t0.Add(30 * time.Minute))
	claim(t0.Add(30*time.Minute), time.Hour, "c2")
	next(t0.Add(70 * time.Minute))

	// c1's run ends with no wake-up: c2's lease is what is left.
	res := must[*store.CompleteResult](t)(s.Complete(ctx, &store.CompleteParams{Worker: "wc1", Now: t0.Add(11 * time.Minute), Results: results(work, nil)}))
	if res.Committed != 1 {
		t.Fatalf("committed %d, want 1 (lost %v)", res.Committed, res.Lost)
	}
	next(t0.Add(90 * time.Minute))
}

// testLead checks the lead of a chore: the first holder takes it and
// renews it; another cannot take it until it expires, then does.
func testLead(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	const ttl = 10 * time.Second
	lead := func(holder string, at time.Time) bool {
		t.Helper()
		return must[bool](t)(s.Lead(ctx, &store.LeadParams{Name: "chores", Holder: holder, Now: at, TTL: ttl}))
	}
	steps := []struct {
		holder string
		at     time.Duration
		want   bool
	}{
		{"a", 0, true},                 // no one led
		{"b", time.Second, false},      // a leads until 10s
		{"a", 5 * time.Second, true},   // a renews, until 15s
		{"b", 12 * time.Second, false}, // a still leads
		{"b", 15 * time.Second, true},  // a's lead expired at 15s: b takes over
		{"a", 16 * time.Second, false}, // b leads until 25s
		{"b", 20 * time.Second, true},  // b renews
		{"x", 20 * time.Second, false}, // a third holder waits too
		{"a", 31 * time.Second, true},  // b did not renew: a takes over
		{"a", 31 * time.Second, true},  // and renews at once
	}
	for _, st := range steps {
		if got := lead(st.holder, t0.Add(st.at)); got != st.want {
			t.Errorf("+%v %s leads: %v, want %v", st.at, st.holder, got, st.want)
		}
	}
	// Chores are led apart.
	if !must[bool](t)(s.Lead(ctx, &store.LeadParams{Name: "other", Holder: "b", Now: t0.Add(31 * time.Second), TTL: ttl})) {
		t.Errorf("b does not lead another chore")
	}
}
