package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// The stats test's journey: a welcome on sign-up, a nudge a day later,
// and a move to Engaged (with an offer) once the score reaches 50.
const statsJourney = `journey onboard

entry on signed_up

stage Welcome {
  send "welcome"
  after 1d send "nudge"
}

stage Engaged when score >= 50 {
  send "offer"
}
`

const statsSchema = `contact {
  email: string?
  score: int
}

event signed_up
`

func statsDeployment(t *testing.T) *runtime.Deployment {
	t.Helper()
	return Deploy(t,
		map[string][]byte{"onboard.journey": []byte(statsJourney), "schema.journey": []byte(statsSchema)},
		map[string][]byte{
			"welcome.md": []byte("subject: Welcome\n"),
			"nudge.md":   []byte("subject: A nudge\n"),
			"offer.md":   []byte("subject: An offer\n"),
		})
}

// testStats checks Store.Stats on every store, before and after a
// simulation runs the work due.
func testStats(t *testing.T, newStore Open) {
	d := statsDeployment(t)
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	stats := func(now time.Time) *store.Stats {
		t.Helper()
		return must[*store.Stats](t)(s.Stats(ctx, &store.StatsParams{Now: now}))
	}
	check := func(what string, got, want *store.Stats) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", what, diff)
		}
	}

	check("empty store", stats(t0), &store.Stats{Active: map[string]map[string]int{}})

	// Three sign-ups a minute apart; c3 scores 60 from the start.
	for i, id := range []string{"c1", "c2", "c3"} {
		at := t0.Add(time.Duration(i) * time.Minute)
		score := 10
		if id == "c3" {
			score = 60
		}
		noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: id, Attrs: map[string]any{"score": score}, At: at}))
		must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: id, ID: "e-" + id, Name: "signed_up", At: at}))
	}
	check("before t0", stats(t0.Add(-time.Second)), &store.Stats{Active: map[string]map[string]int{}})
	check("at +90s", stats(t0.Add(90*time.Second)), &store.Stats{
		DueContacts: 2, OldestDue: t0, Active: map[string]map[string]int{},
	})
	check("at +5m", stats(t0.Add(5*time.Minute)), &store.Stats{
		DueContacts: 3, OldestDue: t0, Active: map[string]map[string]int{},
	})

	// Run to +1h: everyone is enrolled, nobody is due (the nudges
	// wait a day), and the outbox holds what was written.
	sim := worker.NewSim(d, s, t0)
	noErr(t, sim.Advance(ctx, t0.Add(time.Hour)))
	actions := must[[]runtime.Action](t)(s.Outbox(ctx, &store.OutboxParams{}))
	if len(actions) != 3 { // the welcomes of c1 and c2, c3's offer
		t.Fatalf("the outbox holds %d actions, want 3: %+v", len(actions), actions)
	}
	oldest := actions[0].Due
	for _, a := range actions {
		if a.Due.Before(oldest) {
			oldest = a.Due
		}
	}
	check("at +1h", stats(t0.Add(time.Hour)), &store.Stats{
		OutboxPending: len(actions), OldestPending: oldest,
		Active: map[string]map[string]int{"onboard": {"Welcome": 2, "Engaged": 1}},
	})

	// A day later the nudges are due, then sent.
	check("at +1d1m", stats(t0.Add(24*time.Hour+time.Minute)), &store.Stats{
		OutboxPending: len(actions), OldestPending: oldest, DueContacts: 2, OldestDue: t0.Add(24 * time.Hour),
		Active: map[string]map[string]int{"onboard": {"Welcome": 2, "Engaged": 1}},
	})
	noErr(t, sim.Advance(ctx, t0.Add(48*time.Hour)))
	check("at +2d", stats(t0.Add(48*time.Hour)), &store.Stats{
		OutboxPending: len(actions) + 2, OldestPending: oldest,
		Active: map[string]map[string]int{"onboard": {"Welcome": 2, "Engaged": 1}},
	})

	// A delivered row is no longer pending.
	rows := must[[]store.OutboxRow](t)(s.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: t0.Add(48 * time.Hour), Limit: 1, Worker: "d", Lease: time.Minute}))
	if len(rows) != 1 {
		t.Fatalf("leased %d rows, want 1", len(rows))
	}
	if got := stats(t0.Add(48 * time.Hour)).OutboxPending; got != len(actions)+2 {
		t.Errorf("OutboxPending with a row leased = %d, want %d", got, len(actions)+2)
	}
	must[*store.MarkOutboxResult](t)(s.MarkOutbox(ctx, &store.MarkOutboxParams{Worker: "d", Now: t0.Add(48 * time.Hour),
		Results: []store.OutboxMark{{Key: rows[0].Key, Status: store.OutboxSent, Attempts: 1}}}))
	if got := stats(t0.Add(48 * time.Hour)).OutboxPending; got != len(actions)+1 {
		t.Errorf("OutboxPending after a delivery = %d, want %d", got, len(actions)+1)
	}
}
