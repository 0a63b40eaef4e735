package runtime_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/journeylang/journey/runtime"
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

// TestDedupeAfterRestart: an event identity is kept for the window from
// when the event was received, not from its stamp. An event stamped 20
// days before it arrives is taken; 15 days on (past 30 days from its
// stamp, within 30 from its receipt) a new leader of the chores prunes as
// the chores do, and the same event sent again is still a repeat: no
// second enrollment, no second webhook. Once the window from its receipt
// has passed, the identity is forgotten, and the same event would enroll
// the contact again.
func TestDedupeAfterRestart(t *testing.T) {
	d := deployFiles(t, dedupeFiles, nil)
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := newStore(t)
			received := t0
			stamped := received.Add(-20 * 24 * time.Hour)
			event := func(at time.Time) *runtime.AddEventParams {
				return &runtime.AddEventParams{Contact: "c1", ID: "e1", Name: "signed_up", At: stamped, Received: at}
			}
			// prune is what the chores of a runner that just took the lead do.
			prune := func(holder string, now time.Time) int {
				t.Helper()
				if !must[bool](t)(store.Lead(ctx, &runtime.LeadParams{Name: "chores", Holder: holder, Now: now, TTL: 10 * time.Second})) {
					t.Fatalf("%s does not lead at %v", holder, now)
				}
				return must[int](t)(store.Prune(ctx, &runtime.PruneParams{Before: now.Add(-runtime.DefaultDedupeWindow)}))
			}
			count := func() (enrolled, webhooks int) {
				t.Helper()
				for _, r := range must[[]runtime.Record](t)(store.History(ctx, &runtime.HistoryParams{Contact: "c1"})) {
					if r.Kind == "enrolled" {
						enrolled++
					}
				}
				for _, a := range must[[]runtime.Action](t)(store.Outbox(ctx, &runtime.OutboxParams{})) {
					if a.Kind == "webhook" {
						webhooks++
					}
				}
				return enrolled, webhooks
			}

			sim := runtime.NewSim(d, store, received)
			if !must[bool](t)(store.AddEvent(ctx, event(received))) {
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
			noErr(t, store.PutContact(ctx, &runtime.PutContactParams{ID: "c1", Attrs: map[string]any{"email": "a@example.com"}, At: later}))
			sim.Now = later
			noErr(t, sim.Advance(ctx, later))
			if n := prune("runner-2", later); n != 0 {
				t.Errorf("the new leader pruned %d identities, want 0", n)
			}
			if must[bool](t)(store.AddEvent(ctx, event(later))) {
				t.Errorf("the event sent again 15 days after its receipt was taken")
			}
			noErr(t, sim.Advance(ctx, later))
			if e, w := count(); e != 1 || w != 1 {
				t.Errorf("after the repeat: %d enrollments and %d webhooks, want 1 and 1", e, w)
			}

			// Past the window from its receipt, it is forgotten; a store
			// takes it again (the intakes refuse it: it is stamped 50 days
			// back), and the contact enrolls again.
			past := received.Add(runtime.DefaultDedupeWindow + time.Second)
			if n := prune("runner-3", past); n != 1 {
				t.Errorf("pruned %d identities past the window, want 1", n)
			}
			if !must[bool](t)(store.AddEvent(ctx, event(past))) {
				t.Errorf("a forgotten identity was still recognised")
			}
			sim.Now = past
			noErr(t, sim.Advance(ctx, past))
			if e, w := count(); e != 2 || w != 2 {
				t.Errorf("after the identity was forgotten: %d enrollments and %d webhooks, want 2 and 2", e, w)
			}
		})
	}
}

// TestPrune checks that retention forgets the identities of events
// received before the time given, and only those, whatever their stamp:
// one stamped long before it was received is kept, and one stamped ahead
// of the clock is kept until its stamp too is before the time given. A
// repeat of a forgotten event is taken again, of a kept one not.
func TestPrune(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := newStore(t)
			day := 24 * time.Hour
			add := func(id string, at, received time.Time) bool {
				t.Helper()
				return must[bool](t)(s.AddEvent(ctx, &runtime.AddEventParams{Contact: "c1", ID: id, Name: "signed_up", At: at, Received: received}))
			}
			prune := func(before time.Time) int {
				t.Helper()
				return must[int](t)(s.Prune(ctx, &runtime.PruneParams{Before: before}))
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
		})
	}
}

// TestEventIDsMigration: the identities taken before migration 00006 are
// taken as received when it ran, however old their events' stamps: each
// is kept a whole window from then, and its repeat is recognised.
func TestEventIDsMigration(t *testing.T) {
	ctx := context.Background()
	const (
		sqliteInsert   = `INSERT INTO event_ids (id, contact_id, at) VALUES ('e1', 'c1', '2025-01-01T00:00:00.000000000Z')`
		postgresInsert = `INSERT INTO event_ids (id, contact_id, at) VALUES ('e1', 'c1', '2025-01-01T00:00:00Z')`
	)
	cases := map[string]func(t *testing.T) runtime.Store{
		"sqlite": func(t *testing.T) runtime.Store {
			path := filepath.Join(t.TempDir(), "j.db")
			db, err := sql.Open("sqlite", path)
			noErr(t, err)
			defer db.Close()
			upTo(t, db, goose.DialectSQLite3, "migrations/sqlite", 5)
			_, err = db.Exec(sqliteInsert)
			noErr(t, err)
			return openSQLite(t, path)
		},
		"postgres": func(t *testing.T) runtime.Store {
			_, dsn := pgSchema(t)
			db, err := sql.Open("postgres", dsn)
			noErr(t, err)
			defer db.Close()
			upTo(t, db, goose.DialectPostgres, "migrations/postgres", 5)
			_, err = db.Exec(postgresInsert)
			noErr(t, err)
			return pgOpen(t, dsn)
		},
	}
	for name, open := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			before := time.Now().Add(-time.Hour) // the migration ran after this
			s := open(t)
			after := time.Now().Add(time.Hour)
			stamped := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			if must[bool](t)(s.AddEvent(ctx, &runtime.AddEventParams{Contact: "c1", ID: "e1", Name: "signed_up", At: stamped, Received: after})) {
				t.Errorf("a repeat of an identity taken before the migration was taken")
			}
			if n := must[int](t)(s.Prune(ctx, &runtime.PruneParams{Before: before})); n != 0 {
				t.Errorf("pruned %d identities received before the migration ran, want 0", n)
			}
			if n := must[int](t)(s.Prune(ctx, &runtime.PruneParams{Before: after})); n != 1 {
				t.Errorf("pruned %d identities received before the migration ended, want 1", n)
			}
		})
	}
}
