package serve_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/serve"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/sqlite"
	"github.com/journeylang/journey/runtime/store/storetest"
	"github.com/journeylang/journey/runtime/worker"
)

// welcomeDeployment compiles the journey src (j.journey) with a schema
// of contacts with an email and the event signed_up, and the template
// welcome.
func welcomeDeployment(t *testing.T, src string) *runtime.Deployment {
	t.Helper()
	return storetest.Deploy(t, map[string][]byte{
		"schema.journey": []byte("contact {\n  email: string?\n}\n\nevent signed_up\n"),
		"j.journey":      []byte(src),
	}, map[string][]byte{"welcome.md": []byte("subject: Hi\n")})
}

// TestRetentionByLeader: a welcome sent on day 0 is deleted from the
// outbox by the runner leading the chores on day 8 (seven days kept by
// default), the history staying; a runner keeping the history a day then
// deletes that too, and the outbox row still pending stays throughout.
func TestRetentionByLeader(t *testing.T) {
	d := welcomeDeployment(t, "journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n  exit \"done\"\n}\n")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []string{"c1", "c2"} {
		if _, err := db.AddEvent(ctx, &store.AddEventParams{Contact: c, ID: "e-" + c, Name: "signed_up", At: t0}); err != nil {
			t.Fatal(err)
		}
	}
	if err := worker.NewSim(d, db, t0).Advance(ctx, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	// c1's welcome is sent; c2's waits.
	leased, err := db.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: t0.Add(time.Minute), Limit: 1, Worker: "d", Lease: time.Minute})
	if err != nil || len(leased) != 1 {
		t.Fatalf("leased %d rows: %v", len(leased), err)
	}
	if _, err := db.MarkOutbox(ctx, &store.MarkOutboxParams{Worker: "d", Now: t0.Add(time.Minute), Results: []store.OutboxMark{
		{Key: leased[0].Key, Status: store.OutboxSent, Attempts: 1},
	}}); err != nil {
		t.Fatal(err)
	}
	sent := leased[0].Contact

	counts := func() (outbox, history int) {
		t.Helper()
		rows, err := db.ListOutbox(ctx, &store.ListOutboxParams{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"c1", "c2"} {
			recs, err := db.History(ctx, &store.HistoryParams{Contact: c})
			if err != nil {
				t.Fatal(err)
			}
			history += len(recs)
		}
		return len(rows), history
	}
	_, history := counts()
	if history == 0 {
		t.Fatal("no history to retain")
	}

	run := func(name string, now time.Time, retainHistory time.Duration) {
		t.Helper()
		logs := &logBuffer{}
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- serve.Run(ctx, serve.Config{
				Name: name, Deployment: d, Store: db, Poll: 10 * time.Millisecond, RetainHistory: retainHistory,
				Clock: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(logs, nil)),
			})
		}()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(logs.String(), `msg="retention deleted"`) {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("%s: no retention; the log:\n%s", name, logs)
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}

	run("r1", t0.Add(8*24*time.Hour), 0)
	rows, err := db.ListOutbox(ctx, &store.ListOutboxParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Contact == sent || rows[0].Status != store.OutboxPending {
		t.Errorf("after a week the outbox holds %+v, want only the pending row", rows)
	}
	if _, h := counts(); h != history {
		t.Errorf("the history went from %d to %d records, kept 400 days", history, h)
	}

	run("r2", t0.Add(8*24*time.Hour+time.Minute), 24*time.Hour) // after r1's lead expired
	if o, h := counts(); o != 1 || h != 0 {
		t.Errorf("with the history kept a day: %d outbox rows and %d history records, want 1 and 0", o, h)
	}
}
