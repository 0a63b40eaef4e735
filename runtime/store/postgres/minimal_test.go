package postgres_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store/postgres"
)

// BenchmarkMinimalLoop is the yardstick of BenchmarkPostgresThroughput: a
// claim loop with no engine and no store code, two clients each taking
// batches of JOURNEY_BENCH_BATCH (default 1000) due contacts and writing,
// in one statement and one durable commit per batch
// (testdata/minimal_step.sql), what a transition writes, on the store's
// own schema. N is JOURNEY_BENCH_CONTACTS (default 20000), loaded in bulk
// (testdata/drain_load.sql). scripts/bench runs it beside the other;
// figures are in docs/performance.md.
func BenchmarkMinimalLoop(b *testing.B) {
	n, batch := benchContacts(20000), benchBatch()
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	step := testdataSQL(b, "minimal_step")
	load := testdataSQL(b, "drain_load")
	for range b.N {
		b.StopTimer()
		_, dsn := pgSchema(b)
		s, err := postgres.Open(ctx, dsn) // the schema, migrated
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(2)
		if _, err := db.ExecContext(ctx, load, n, true, at); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		began := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 2 {
			wg.Go(func() {
				for {
					var k int
					if err := db.QueryRowContext(ctx, step, at, batch).Scan(&k); err != nil {
						b.Error(err)
						return
					}
					if k == 0 {
						return
					}
					mu.Lock()
					total += k
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(began)
		b.StopTimer()
		if total != n {
			b.Fatalf("the loop took %d contacts, want %d", total, n)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "transitions/s")
		b.ReportMetric(float64(n), "contacts")
	}
}
