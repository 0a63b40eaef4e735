package api_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
)

// tablesDropped is a Postgres store whose tables were dropped after it
// was opened: every call of it fails.
func tablesDropped(t *testing.T) store.Store {
	t.Helper()
	dsn := pgSchema(t)
	stx, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stx.Close() })
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var schema string
	if err := db.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	// A schema's name cannot be a parameter: it is made here, quoted.
	q := pq.QuoteIdentifier(schema)
	if _, err := db.Exec("DROP SCHEMA " + q + " CASCADE; CREATE SCHEMA " + q); err != nil {
		t.Fatal(err)
	}
	return stx
}

// TestStoreUnavailable answers every request whose store call fails —
// here a Postgres store whose tables were dropped — 503
// store_unavailable with Retry-After, names no error in the answer,
// counts each failure in the runner's health, and reports the API
// degraded on /healthz.
func TestStoreUnavailable(t *testing.T) {
	stx := tablesDropped(t)
	counted := 0
	var mon *health.Monitor
	e := newEnvOn(t, stx, func(c *api.Config) {
		mon = health.New(c.Logger, func(part string) {
			if part != api.HealthPart {
				t.Errorf("counted under %q, want %q", part, api.HealthPart)
			}
			counted++
		})
		c.Health = mon
		c.Counts = func(ctx context.Context) (map[string]map[string]int, error) {
			st, err := stx.Stats(ctx, &store.StatsParams{Now: start})
			if err != nil {
				return nil, err
			}
			return st.Active, nil
		}
	})
	if r := e.do("GET", "/healthz", "").want(t, 200); r.body["status"] != "ok" {
		t.Fatalf("healthz before: %s", r.raw)
	}
	requests := []struct{ method, path, body string }{
		{"POST", "/v1/events", `{"id": "e1", "contact": "c1", "name": "ping"}`},
		{"POST", "/v1/events", `{"events": [{"id": "e2", "contact": "c1", "name": "ping"}, {"id": "e3", "contact": "c2", "name": "ping"}]}`},
		{"PUT", "/v1/contacts/c1", `{"attributes": {"score": 3}}`},
		{"GET", "/v1/contacts/c1", ""},
		{"POST", "/v1/contacts/c1/release", `{}`},
		{"GET", "/v1/journeys", ""},
	}
	for _, rq := range requests {
		r := e.do(rq.method, rq.path, rq.body).wantError(t, 503, api.CodeStoreUnavailable, "")
		if got := r.header.Get("Retry-After"); got != "5" {
			t.Errorf("%s %s: Retry-After %q, want 5", rq.method, rq.path, got)
		}
		if strings.Contains(r.raw, "exist") {
			t.Errorf("%s %s: the answer names the store's error: %s", rq.method, rq.path, r.raw)
		}
	}
	if counted != len(requests) {
		t.Errorf("%d failures counted, want %d", counted, len(requests))
	}
	if n := strings.Count(e.logs.String(), "the store fails"); n != 1 {
		t.Errorf("%d lines logged for %d failures, want 1:\n%s", n, len(requests), e.logs)
	}
	if !strings.Contains(e.logs.String(), "does not exist") {
		t.Errorf("the store's error is not logged:\n%s", e.logs)
	}
	r := e.do("GET", "/healthz", "").want(t, 503)
	if r.body["status"] != "degraded" || !strings.Contains(r.raw, `"part":"api"`) || !strings.Contains(r.raw, `"since":`) {
		t.Errorf("healthz during: %s", r.raw)
	}
	mon.Clear(api.HealthPart) // as the next request that stores does
	if r := e.do("GET", "/healthz", "").want(t, 200); r.body["status"] != "ok" {
		t.Errorf("healthz after: %s", r.raw)
	}
}

// TestStoreDeadline: a request whose store call waits — on a table
// another transaction holds locked — is answered 503 once the store
// deadline passes, not when the lock is let go.
func TestStoreDeadline(t *testing.T) {
	dsn := pgSchema(t)
	stx, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer stx.Close()
	locker, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	tx, err := locker.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, stx, func(c *api.Config) { c.StoreTimeout = 200 * time.Millisecond })
	// Should the deadline not hold, the lock is let go after 30 s, and
	// the request is seen to have waited for it.
	const hang = 30 * time.Second
	release := time.AfterFunc(hang, func() { tx.Rollback() })
	defer release.Stop()
	began := time.Now()
	e.do("GET", "/v1/contacts/c1", "").wantError(t, 503, api.CodeStoreUnavailable, "")
	if time.Since(began) >= hang {
		t.Fatal("the request waited on the lock past its store deadline")
	}
	if !strings.Contains(e.logs.String(), "did not answer within 200ms") {
		t.Errorf("the deadline is not logged:\n%s", e.logs)
	}
}
