package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// dedupeFiles is a journey that a repeated event would enroll again: the
// contact exits at once, and may come back a day after.
var dedupeFiles = map[string][]byte{
	"schema.journey": []byte("contact {\n  email: string?\n}\n\nevent signed_up\n"),
	"j.journey": []byte(`journey j

entry on signed_up
reenter after 1d

stage Welcome {
  webhook crm
  exit "done"
}
`),
}

// testDedupeAfterRestart: an event identity is kept for the window from
// when the event was received, not from its stamp. An event stamped 20
// days before it arrives is taken; 15 days on (past 30 days from its
// stamp, within 30 from its receipt) a new leader of the chores prunes as
// the chores do, and the same event sent again is still a repeat: no
// second enrollment, no second webhook. Once the window from its receipt
// has passed, the identity is forgotten, and the same event would enroll
// the contact again.
func testDedupeAfterRestart(t *testing.T, newStore Open) {
	d := Deploy(t, dedupeFiles, nil)
	t.Parallel()
	ctx := context.Background()
	st := newStore(t)
	received := t0
	stamped := received.Add(-20 * 24 * time.Hour)
	event := func(at time.Time) *store.AddEventParams {
		return &store.AddEventParams{Contact: "c1", ID: "e1", Name: "signed_up", At: stamped, Received: at}
	}
	// prune is what the chores of a runner that just took the lead do.
	prune := func(holder string, now time.Time) int {
		t.Helper()
		if !must[bool](t)(st.Lead(ctx, &store.LeadParams{Name: "chores", Holder: holder, Now: now, TTL: 10 * time.Second})) {
			t.Fatalf("%s does not lead at %v", holder, now)
		}
		return must[int](t)(st.Prune(ctx, &store.PruneParams{Before: now.Add(-store.DefaultDedupeWindow)}))
	}
	count := func() (enrolled, webhooks int) {
		t.Helper()
		for _, r := range must[[]runtime.Record](t)(st.History(ctx, &store.HistoryParams{Contact: "c1"})) {
			if r.Kind == "enrolled" {
				enrolled++
			}
		}
		for _, a := range must[[]runtime.Action](t)(st.Outbox(ctx, &store.OutboxParams{})) {
			if a.Kind == "webhook" {
				webhooks++
			}
		}
		return enrolled, webhooks
	}

	sim := worker.NewSim(d, st, received)
	if !must[bool](t)(st.AddEvent(ctx, event(received))) {
		t.Fatal("the event was not taken")
	}
	prune("runner-1", received)
	noErr(t, sim.Advance(ctx, received.Add(time.Minute)))
	if e, w := count(); e != 1 || w != 1 {
		t.Fatalf("after the event: %d enrollments and %d webhooks, want 1 and 1", e, w)
	}

	// 15 days on: the runner restarted, and the new one leads. The
	// contact ran since (an update), so a repeat taken now would
	// be past the re-entry delay and enroll it again.
	later := received.Add(15 * 24 * time.Hour)
	noErr(t, st.PutContact(ctx, &store.PutContactParams{ID: "c1", Attrs: map[string]any{"email": "a@example.com"}, At: later}))
	sim.Now = later
	noErr(t, sim.Advance(ctx, later))
	if n := prune("runner-2", later); n != 0 {
		t.Errorf("the new leader pruned %d identities, want 0", n)
	}
	if must[bool](t)(st.AddEvent(ctx, event(later))) {
		t.Errorf("the event sent again 15 days after its receipt was taken")
	}
	noErr(t, sim.Advance(ctx, later))
	if e, w := count(); e != 1 || w != 1 {
		t.Errorf("after the repeat: %d enrollments and %d webhooks, want 1 and 1", e, w)
	}

	// Past the window from its receipt, it is forgotten; a store
	// takes it again (the intakes refuse it: it is stamped 50 days
	// back), and the contact enrolls again.
	past := received.Add(store.DefaultDedupeWindow + time.Second)
	if n := prune("runner-3", past); n != 1 {
		t.Errorf("pruned %d identities past the window, want 1", n)
	}
	if !must[bool](t)(st.AddEvent(ctx, event(past))) {
		t.Errorf("a forgotten identity was still recognised")
	}
	sim.Now = past
	noErr(t, sim.Advance(ctx, past))
	if e, w := count(); e != 2 || w != 2 {
		t.Errorf("after the identity was forgotten: %d enrollments and %d webhooks, want 2 and 2", e, w)
	}
}

// testPrune checks that retention forgets the identities of events
// received before the time given, and only those, whatever their stamp:
// one stamped long before it was received is kept, and one stamped ahead
// of the clock is kept until its stamp too is before the time given. A
// repeat of a forgotten event is taken again, of a kept one not.
func testPrune(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	day := 24 * time.Hour
	add := func(id string, at, received time.Time) bool {
		t.Helper()
		return must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: id, Name: "signed_up", At: at, Received: received}))
	}
	prune := func(before time.Time) int {
		t.Helper()
		return must[int](t)(s.Prune(ctx, &store.PruneParams{Before: before}))
	}
	for _, e := range []struct {
		id           string
		at, received time.Time
	}{
		{"old", t0.Add(-60 * day), t0},         // stamped long before
		{"e1", t0, t0},                         // stamped as received
		{"e2", t0.Add(time.Hour), time.Time{}}, // received when stamped (Received not given)
		{"ahead", t0.Add(40 * day), t0},        // stamped ahead of the clock
	} {
		if !add(e.id, e.at, e.received) {
			t.Fatalf("%s was not taken", e.id)
		}
	}
	if n := prune(t0); n != 0 {
		t.Errorf("pruned %d before the first receipt, want 0 (a stamp does not count)", n)
	}
	if n := prune(t0.Add(time.Hour)); n != 2 {
		t.Errorf("pruned %d received before +1h, want 2 (old and e1)", n)
	}
	if !add("old", t0.Add(-60*day), t0.Add(2*time.Hour)) {
		t.Errorf("a pruned event's repeat was ignored")
	}
	if add("e2", t0.Add(time.Hour), t0.Add(2*time.Hour)) {
		t.Errorf("a kept event's repeat was taken")
	}
	if add("ahead", t0.Add(40*day), t0.Add(2*time.Hour)) {
		t.Errorf("a kept event's repeat (stamped ahead) was taken")
	}
	if n := prune(t0.Add(40 * day)); n != 2 {
		t.Errorf("pruned %d before +40d, want 2 (e2 and old again; ahead is stamped at +40d)", n)
	}
	if n := prune(t0.Add(40*day + time.Second)); n != 1 {
		t.Errorf("pruned %d after ahead's stamp, want 1", n)
	}
	if n := prune(t0.Add(100 * day)); n != 0 {
		t.Errorf("pruned %d more, want 0", n)
	}
}

// EventIDsMigration checks that a database migrated from before event
// identities kept when they were received (migration 00006) kept the
// identities it held: open returns a store on a database that, at
// migration 00005, held event e1 of contact c1 stamped 2025-01-01. Each
// identity is taken as received when the migration ran, however old its
// event's stamp: it is kept a whole window from then, and its repeat is
// recognised.
func EventIDsMigration(t *testing.T, open Open) {
	ctx := context.Background()
	before := time.Now().Add(-time.Hour) // the migration ran after this
	s := open(t)
	after := time.Now().Add(time.Hour)
	stamped := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: "e1", Name: "signed_up", At: stamped, Received: after})) {
		t.Errorf("a repeat of an identity taken before the migration was taken")
	}
	if n := must[int](t)(s.Prune(ctx, &store.PruneParams{Before: before})); n != 0 {
		t.Errorf("pruned %d identities received before the migration ran, want 0", n)
	}
	if n := must[int](t)(s.Prune(ctx, &store.PruneParams{Before: after})); n != 1 {
		t.Errorf("pruned %d identities received before the migration ended, want 1", n)
	}
}
