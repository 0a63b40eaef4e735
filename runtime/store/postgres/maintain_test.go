package postgres_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
)

// deadRows is the table's dead rows as the statistics count them, once
// the counts of the updates before have reached them: the session that
// made them flushes its counts (pg_stat_force_next_flush), and they are
// read until they show, for up to ten seconds.
func deadRows(t *testing.T, conn *sql.Conn, table string, atLeast int64) int64 {
	t.Helper()
	ctx := context.Background()
	_, err := conn.ExecContext(ctx, "SELECT pg_stat_force_next_flush()")
	noErr(t, err)
	var dead int64
	for range 100 {
		noErr(t, conn.QueryRowContext(ctx, `SELECT n_dead_tup FROM pg_stat_user_tables
			WHERE schemaname = current_schema() AND relname = $1`, table).Scan(&dead))
		if dead >= atLeast {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return dead
}

// storeAndDB opens a store in a schema of the test's, and a connection
// of its own to that schema; both close when the test ends.
func storeAndDB(t *testing.T) (*postgres.Store, *sql.DB) {
	t.Helper()
	_, dsn := pgSchema(t)
	s, err := postgres.Open(context.Background(), dsn)
	noErr(t, err)
	t.Cleanup(func() { s.Close() })
	db, err := sql.Open("postgres", dsn)
	noErr(t, err)
	t.Cleanup(func() { db.Close() })
	return s, db
}

// TestVacuum: the runner's vacuum finds the queue table whose dead rows
// passed the threshold, vacuums it (outside a transaction, as VACUUM
// must), and leaves it with none; the tables under the threshold are
// left alone.
func TestVacuum(t *testing.T) {
	ctx := context.Background()
	s, db := storeAndDB(t)
	conn, err := db.Conn(ctx)
	noErr(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `INSERT INTO wakeups (contact_id, wake_at)
		SELECT 'c' || g, timestamptz '2026-01-05 09:00:00+00' FROM generate_series(1, 20000) AS g`)
	noErr(t, err)
	_, err = conn.ExecContext(ctx, `UPDATE wakeups SET wake_at = NULL`)
	noErr(t, err)
	if dead := deadRows(t, conn, "wakeups", 20000); dead < 20000 {
		t.Fatalf("wakeups holds %d dead rows before the vacuum, want 20000", dead)
	}

	p := &store.VacuumParams{MinDead: 1000, DeadFraction: 0.1}
	done, err := s.Vacuum(ctx, p)
	noErr(t, err)
	if len(done) != 1 || done[0].Table != "wakeups" || done[0].Dead < 20000 {
		t.Fatalf("vacuumed %+v, want wakeups with 20,000 dead rows", done)
	}
	if dead := deadRows(t, conn, "wakeups", 0); dead != 0 {
		t.Errorf("wakeups holds %d dead rows after the vacuum", dead)
	}
	again, err := s.Vacuum(ctx, p)
	noErr(t, err)
	if len(again) != 0 {
		t.Errorf("vacuumed again: %+v", again)
	}
}

// TestMaintenanceWarnings: with autovacuum off, for the server or (set
// here) for the wake-ups, the store says so and what the runner does.
func TestMaintenanceWarnings(t *testing.T) {
	ctx := context.Background()
	s, db := storeAndDB(t)
	var server string
	noErr(t, db.QueryRowContext(ctx, "SHOW autovacuum").Scan(&server))
	_, err := db.ExecContext(ctx, "ALTER TABLE wakeups SET (autovacuum_enabled = false)")
	noErr(t, err)

	warnings, err := s.MaintenanceWarnings(ctx)
	noErr(t, err)
	want := "autovacuum is off for the tables wakeups (autovacuum_enabled = false)"
	if server == "off" {
		want = "autovacuum is off on this Postgres server"
	}
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], want) || !strings.Contains(warnings[0], "the runner leading the chores vacuums") {
		t.Errorf("autovacuum %s: warnings %q, want one beginning %q", server, warnings, want)
	}
}
