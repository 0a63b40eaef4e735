package postgres_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/worker"
)

// store.Tallies counts for the call until Tally has run; from then on it
// reads the figures of the last Tally, stamped with when they were
// counted, until the next Tally counts them anew. Stats counts for the
// call throughout.
func TestTally(t *testing.T) { tally(t, pgNewStore(t)) }

// TestCitusTally is TestTally on a store distributed over Citus: the
// counts read the distributed tables from the coordinator.
func TestCitusTally(t *testing.T) {
	s, _ := citusStoreShards(t, 4)
	tally(t, s)
}

func tally(t *testing.T, s *postgres.Store) {
	ctx := context.Background()
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	add := func(from, to int) {
		for c := from; c < to; c++ {
			id := "c" + strconv.Itoa(c)
			_, err := s.AddEvent(ctx, &store.AddEventParams{Contact: id, ID: "e" + id, Name: "signed_up", At: start})
			noErr(t, err)
		}
	}
	w := &worker.Worker{Store: s, Engine: &runtime.Engine{Deployment: crashDeployment(t)}, ID: "tally"}
	run := func() {
		for {
			n, err := w.Tick(ctx, start)
			noErr(t, err)
			if n == 0 {
				return
			}
		}
	}
	check := func(what string, st *store.Stats, active, pending, due int, counted time.Time) {
		t.Helper()
		if got := st.Active["crash"]["Only"]; got != active || st.OutboxPending != pending || st.DueContacts != due || !st.CountedAt.Equal(counted) {
			t.Errorf("%s: %d active, %d pending, %d due, counted at %v; want %d, %d, %d, %v",
				what, got, st.OutboxPending, st.DueContacts, st.CountedAt, active, pending, due, counted)
		}
	}

	add(0, 3)
	run()
	add(3, 5) // due, not yet run
	st, err := store.Tallies(ctx, s, &store.StatsParams{Now: start})
	noErr(t, err)
	check("before any tally", st, 3, 3, 2, time.Time{})

	noErr(t, s.Tally(ctx, &store.TallyParams{Now: start}))
	run()
	st, err = store.Tallies(ctx, s, &store.StatsParams{Now: start})
	noErr(t, err)
	check("after a tally, before the runs since", st, 3, 3, 2, start)
	st, err = s.Stats(ctx, &store.StatsParams{Now: start})
	noErr(t, err)
	check("Stats after a tally", st, 5, 5, 0, time.Time{})

	later := start.Add(time.Minute)
	noErr(t, s.Tally(ctx, &store.TallyParams{Now: later}))
	st, err = store.Tallies(ctx, s, &store.StatsParams{Now: later})
	noErr(t, err)
	check("after a second tally", st, 5, 5, 0, later)
}
