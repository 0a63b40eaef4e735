package serve_test

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/serve"
	"github.com/journeylang/journey/runtime/store"
)

// TestLeaderVacuums: on Postgres, a runner says at start whether the
// server vacuums by itself (the test server may run with autovacuum off),
// and, leading the chores, vacuums the wake-ups once their dead rows pass
// the threshold (20,000 rows each updated twice here; some of the dead
// versions are pruned as pages are read, the rest stay).
func TestLeaderVacuums(t *testing.T) {
	ctx := context.Background()
	st, dsn := pgStore(t)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		`INSERT INTO wakeups (contact_id) SELECT 'c' || g FROM generate_series(1, 20000) AS g`,
		`UPDATE wakeups SET lease_owner = 'w'`,
		`UPDATE wakeups SET lease_owner = NULL`,
		// The counts of this session reach the statistics at once.
		`SELECT pg_stat_force_next_flush()`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// The counts flushed, the statistics show the dead rows (each session
	// reads its own snapshot of them, taken afresh per transaction).
	for range 100 {
		var dead int64
		if err := conn.QueryRowContext(ctx, `SELECT n_dead_tup FROM pg_stat_user_tables
			WHERE schemaname = current_schema() AND relname = 'wakeups'`).Scan(&dead); err != nil {
			t.Fatal(err)
		}
		if dead >= store.DefaultVacuumMinDead {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var autovacuum string
	if err := conn.QueryRowContext(ctx, "SHOW autovacuum").Scan(&autovacuum); err != nil {
		t.Fatal(err)
	}

	logs := &logBuffer{}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Config{
			Name: "r1", Deployment: welcomeDeployment(t, "journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n}\n"),
			Store: st, Poll: 10 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, nil)),
		})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), `msg=vacuumed table=wakeups`) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	log := logs.String()
	if !strings.Contains(log, `msg=vacuumed table=wakeups dead_rows=`) {
		t.Errorf("the leader did not vacuum the wake-ups; the log:\n%s", log)
	}
	if warned := strings.Contains(log, "AUTOVACUUM IS OFF on this Postgres server"); warned != (autovacuum == "off") {
		t.Errorf("autovacuum %s, warned %v; the log:\n%s", autovacuum, warned, log)
	}
}
