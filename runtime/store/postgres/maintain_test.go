package postgres_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
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

// TestVacuum: the runner's vacuum finds the queue table whose dead rows
// passed the threshold and vacuums it (outside a transaction, as VACUUM
// must). While a transaction holds a snapshot taken before rows died, it
// reports that transaction and the rows stay; once it ends, the next
// vacuum removes them, and the one after finds nothing to do.
func TestVacuum(t *testing.T) {
	ctx := context.Background()
	s, db := storeAndDB(t)
	conn, err := db.Conn(ctx)
	noErr(t, err)
	defer conn.Close()
	exec := func(c *sql.Conn, q string) {
		t.Helper()
		_, err := c.ExecContext(ctx, q)
		noErr(t, err)
	}
	exec(conn, `INSERT INTO wakeups (contact_id, wake_at)
		SELECT 'c' || g, timestamptz '2026-01-05 09:00:00+00' FROM generate_series(1, 20000) AS g`)
	exec(conn, `UPDATE wakeups SET lease_owner = 'w'`)
	reader, err := db.Conn(ctx)
	noErr(t, err)
	defer reader.Close()
	exec(reader, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	exec(reader, "SELECT count(*) FROM wakeups")
	exec(conn, `UPDATE wakeups SET lease_owner = NULL, wake_at = NULL`)
	if dead := deadRows(t, conn, "wakeups", 40000); dead < 40000 {
		t.Fatalf("wakeups holds %d dead rows before the vacuum, want 40,000", dead)
	}

	p := &store.VacuumParams{MinDead: 1000, DeadFraction: 0.1}
	vacuum := func() *store.VacuumReport {
		t.Helper()
		r, err := s.Vacuum(ctx, p)
		noErr(t, err)
		return r
	}
	held := vacuum()
	if len(held.Tables) != 1 || held.Tables[0].Table != "wakeups" || held.Tables[0].Dead < 40000 || held.OldestXact <= 0 {
		t.Fatalf("vacuumed %+v, want wakeups with 40,000 dead rows, and an open transaction", held)
	}
	if dead := deadRows(t, conn, "wakeups", 0); dead < 20000 {
		t.Errorf("wakeups holds %d dead rows after a vacuum held back, want the 20,000 the open transaction sees", dead)
	}
	exec(reader, "COMMIT")
	r := vacuum()
	if len(r.Tables) != 1 || r.Tables[0].Table != "wakeups" {
		t.Fatalf("vacuumed %+v once the transaction ended, want wakeups", r)
	}
	// The server is shared: another's transaction open meanwhile would
	// keep rows too, and the report says so.
	if dead := deadRows(t, conn, "wakeups", 0); dead != 0 {
		if r.OldestXact == 0 {
			t.Errorf("wakeups holds %d dead rows after the vacuum, and no transaction held them", dead)
		}
		return // held: the next vacuum would find them again
	}
	if r := vacuum(); len(r.Tables) != 0 {
		t.Errorf("vacuumed again: %+v", r.Tables)
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
	want := "AUTOVACUUM IS OFF for the tables wakeups (autovacuum_enabled = false)"
	if server == "off" {
		want = "AUTOVACUUM IS OFF on this Postgres server"
	}
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], want) || !strings.Contains(warnings[0], "the runner leading the chores vacuums") {
		t.Errorf("autovacuum %s: warnings %q, want one beginning %q", server, warnings, want)
	}
}
