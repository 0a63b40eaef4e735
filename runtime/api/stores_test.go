package api_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/postgres/pgtest"
	"github.com/journeylang/journey/runtime/store/sqlite"
)

// The API's tests that concern what is stored run on every kind of store:
// memory, SQLite in a file of the test's, and Postgres in a schema of the
// test's own — $JOURNEY_TEST_POSTGRES, or a local server with trust
// authentication. Without a server the Postgres runs skip, except under
// CI (where $CI is set), which has one: there they fail.

// eachStore runs f as a subtest on a fresh store of each kind, in
// parallel.
func eachStore(t *testing.T, f func(t *testing.T, stx store.Store)) {
	kinds := []struct {
		name string
		open func(t *testing.T) store.Store
	}{
		{"memory", func(*testing.T) store.Store { return memory.New() }},
		{"sqlite", func(t *testing.T) store.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "journey.db"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"postgres", func(t *testing.T) store.Store {
			s, err := postgres.Open(context.Background(), pgSchema(t))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			s := k.open(t)
			t.Cleanup(func() { s.Close() })
			f(t, s)
		})
	}
}

// pgSchema makes a schema on the test server for the test, and returns a
// DSN whose search_path is that schema.
func pgSchema(t testing.TB) string {
	_, dsn := pgtest.Schema(t)
	return dsn
}

// contents is what a store holds, as far as the Store interface shows
// it: the contacts named, every contact's history, the outbox with its
// delivery state, the next wake-up, and the summary (contacts due in a
// year — a contact given an input is due at its time — the pending
// outbox, the enrollments by stage).
type contents struct {
	Contacts map[string]*runtime.ContactState // nil for one the store does not know
	History  []runtime.Record
	Outbox   []store.OutboxRow
	Wake     time.Time
	Stats    *store.Stats
}

// contentsOf reads a store's contents; contacts are the ids to read.
func contentsOf(t testing.TB, s store.Store, contacts ...string) *contents {
	t.Helper()
	ctx := context.Background()
	c := &contents{Contacts: map[string]*runtime.ContactState{}}
	for _, id := range contacts {
		st, err := s.Contact(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("contact %s: %v", id, err)
		}
		c.Contacts[id] = st
	}
	var err error
	if c.History, err = s.History(ctx, &store.HistoryParams{}); err != nil {
		t.Fatal(err)
	}
	if c.Outbox, err = s.ListOutbox(ctx, &store.ListOutboxParams{}); err != nil {
		t.Fatal(err)
	}
	if c.Wake, _, err = s.NextWake(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Stats, err = s.Stats(ctx, &store.StatsParams{Now: start.Add(365 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return c
}
