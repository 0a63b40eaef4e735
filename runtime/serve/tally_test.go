package serve_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/serve"
	"github.com/journeylang/journey/runtime/store"
)

// TestLeaderTallies: on Postgres, the runner that leads the chores counts
// the gauges' figures, which store.Tallies then reads from the tally.
func TestLeaderTallies(t *testing.T) {
	ctx := context.Background()
	st, _ := pgStore(t)
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"c1", "c2"} {
		if _, err := st.AddEvent(ctx, &store.AddEventParams{Contact: id, ID: "e" + id, Name: "signed_up", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	if tallied, err := st.Tallied(ctx); err != nil || tallied != nil {
		t.Fatalf("before the runner: tallied %+v (%v), want none", tallied, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Config{
			Name: "r1", Deployment: welcomeDeployment(t, "journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n}\n"),
			Store: st, Poll: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
		})
	}()
	var tallied *store.Stats
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if tallied, err = st.Tallied(ctx); err != nil {
			t.Fatal(err)
		}
		if tallied != nil {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if tallied == nil {
		t.Fatal("the leading runner made no tally in 10 s")
	}
	if tallied.CountedAt.IsZero() {
		t.Errorf("the tally has no time: %+v", tallied)
	}
	// Each contact is either still due or run and in Welcome, whenever
	// the count came.
	if active := tallied.Active["j"]["Welcome"]; active+tallied.DueContacts != 2 {
		t.Errorf("tally of 2 contacts: %d active in Welcome and %d due, want 2 in all", active, tallied.DueContacts)
	}
}
