package api_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/postgres"
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

func pgBaseDSN() string {
	if dsn := os.Getenv("JOURNEY_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var pgAdmin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// pgSchema creates a schema on the test server, dropped when the test
// ends, and returns a DSN whose search_path is that schema. It skips when
// there is no server, but fails under CI.
func pgSchema(t testing.TB) string {
	t.Helper()
	pgAdmin.once.Do(func() {
		pgAdmin.db, pgAdmin.err = sql.Open("postgres", pgBaseDSN())
		if pgAdmin.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pgAdmin.err = pgAdmin.db.PingContext(ctx)
	})
	if pgAdmin.err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Postgres is not reachable at %s (CI must have it): %v", pgBaseDSN(), pgAdmin.err)
		}
		t.Skipf("Postgres is not reachable at %s: %v", pgBaseDSN(), pgAdmin.err)
	}
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		t.Fatal(err)
	}
	name := "journey_test_" + hex.EncodeToString(r[:])
	// A schema's name cannot be a parameter: it is made here, quoted.
	if _, err := pgAdmin.db.Exec("CREATE SCHEMA " + pq.QuoteIdentifier(name)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := pgAdmin.db.Exec("DROP SCHEMA " + pq.QuoteIdentifier(name) + " CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", name, err)
		}
	})
	base := pgBaseDSN()
	if u, err := url.Parse(base); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return base + " search_path=" + name
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
