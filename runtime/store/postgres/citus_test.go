package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/postgres/pgtest"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// The Citus tests run on the coordinator of a Citus cluster
// ($JOURNEY_CITUS_DSN, which .ci/run sets after starting one), each in a
// schema of its own; without one they skip.

// citusStore opens a store in a fresh schema on the Citus coordinator
// and distributes it in Citus's default number of shards. It returns the
// store and the schema's DSN.
func citusStore(t *testing.T) (*postgres.Store, string) {
	t.Helper()
	return citusStoreShards(t, 0)
}

// citusStoreShards is citusStore with the tables in n shards (0: Citus's
// default, citus.shard_count), set for the connections of the store.
func citusStoreShards(t *testing.T, n int) (*postgres.Store, string) {
	t.Helper()
	_, dsn := pgtest.CitusSchema(t)
	if n > 0 {
		dsn += "&citus.shard_count=" + strconv.Itoa(n)
	}
	s := pgOpen(t, dsn)
	if !s.Distributed() {
		t.Fatal("a store opened on a Citus coordinator is not distributed")
	}
	return s, dsn
}

// citusDB connects to dsn for the test's own statements, closed when
// the test ends.
func citusDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// citusTables lists how the schema's tables are placed, one line each:
// name, method (h hash, n reference), column, and co-location group.
func citusTables(t *testing.T, dsn string) map[string]string {
	t.Helper()
	db := citusDB(t, dsn)
	rows, err := db.Query(testdataSQL(t, "citus_tables"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	groups := map[int]string{}
	for rows.Next() {
		var name, method, column string
		var group int
		if err := rows.Scan(&name, &method, &column, &group); err != nil {
			t.Fatal(err)
		}
		// Groups are numbered cluster-wide: name each by its first table.
		if _, ok := groups[group]; !ok {
			groups[group] = name
		}
		out[name] = fmt.Sprintf("%s %s with %s", method, column, groups[group])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCitusDistribute: opening a store on a Citus coordinator makes
// every per-contact table hash-distributed by its bucket, all in one
// co-location group, and the shared tables (the runners' leases too)
// reference tables; a second
// Distribute, and a store opened on the schema afterwards, find it
// distributed and change nothing.
func TestCitusDistribute(t *testing.T) {
	t.Parallel()
	s, dsn := citusStore(t)
	if !s.Distributed() {
		t.Fatal("Distributed() is false after Distribute")
	}
	want := map[string]string{
		"contacts":    "h bucket with contacts",
		"enrollments": "h bucket with contacts",
		"event_ids":   "h bucket with contacts",
		"history":     "h bucket with contacts",
		"inputs":      "h bucket with contacts",
		"outbox":      "h bucket with contacts",
		"wakeups":     "h bucket with contacts",
		// Reference tables share a group of their own.
		"deployments":      "n  with deployments",
		"journey_versions": "n  with deployments",
		"leaders":          "n  with deployments",
		"runner_leases":    "n  with deployments",
	}
	got := citusTables(t, dsn)
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %q, want %q", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d tables distributed, want %d: %v", len(got), len(want), got)
	}
	if err := s.Distribute(context.Background()); err != nil {
		t.Fatalf("distributing again: %v", err)
	}
	if again := pgOpen(t, dsn); !again.Distributed() {
		t.Error("a store opened on a distributed schema does not use the Citus statements")
	}
}

// TestCitusDistributePlain: on plain Postgres, Distribute is an error
// that names the missing extension, and the store goes on as it was.
func TestCitusDistributePlain(t *testing.T) {
	t.Parallel()
	s := pgNewStore(t)
	err := s.Distribute(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no citus extension") {
		t.Fatalf("Distribute on plain Postgres: %v, want an error naming the citus extension", err)
	}
	if s.Distributed() {
		t.Fatal("a plain store says it is distributed")
	}
	ctx := context.Background()
	if _, err := s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: "e1", Name: "signed_up", At: pgT0}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Contact(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
}

// TestCitusConformance runs the conformance suite on stores distributed
// over the Citus cluster, in 4 shards (2 a worker) rather than Citus's
// default 32: several shards on each worker, as in production, and a
// store made in a fraction of the time, for the suite's hundreds.
func TestCitusConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := citusStoreShards(t, 4)
		return s
	})
}

// TestCitusCrashRecovery is TestCrashRecovery on a store distributed
// over the Citus cluster: worker processes killed at random moments
// leave every step occurrence in the outbox exactly once.
func TestCitusCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("long: kills and restarts a worker process many times")
	}
	_, dsn := citusStore(t)
	crashRecovery(t, dsn)
}

// BenchmarkCitusThroughput is BenchmarkPostgresThroughput on a store
// distributed over the Citus cluster (32 shards): the claim takes one
// shard at a time, and each batch commits on its shard's worker. Figures
// are in docs/scale.md; run it with
//
//	JOURNEY_CITUS_DSN=… go test ./runtime/store/postgres -run XXX -bench CitusThroughput -benchtime 1x
func BenchmarkCitusThroughput(b *testing.B) {
	n := benchContacts(20000)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_, dsn := pgtest.CitusSchema(b)
		throughput(b, dsn, n)
	}
}

// BenchmarkCitusIntake takes in N events (JOURNEY_BENCH_CONTACTS, default
// 20000), one a contact, in batches of 1,000 (AddBatch: one call of
// journey_add_batch a shard a batch), into a store distributed in 32
// shards, and logs the window it ran in, for the CPU each node spent
// (docs/scale.md); run it with
//
//	JOURNEY_CITUS_DSN=… go test ./runtime/store/postgres -run XXX -bench CitusIntake -benchtime 1x -v
func BenchmarkCitusIntake(b *testing.B) {
	n := benchContacts(20000)
	ctx := context.Background()
	at := pgT0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_, dsn := pgtest.CitusSchema(b)
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		began := time.Now()
		b.StartTimer()
		for first := 0; first < n; first += 1000 {
			var items []store.BatchItem
			for c := first; c < min(first+1000, n); c++ {
				id := "c" + strconv.Itoa(c)
				items = append(items, store.BatchItem{Event: &store.AddEventParams{Contact: id, ID: "e" + id, Name: "signed_up", At: at}})
			}
			if _, err := s.AddBatch(ctx, &store.AddBatchParams{Items: items}); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		elapsed := time.Since(began)
		unix := func(t time.Time) float64 { return float64(t.UnixMicro()) / 1e6 }
		b.Logf("took in from %.3f to %.3f (Unix seconds)", unix(began), unix(began.Add(elapsed)))
		b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
		s.Close()
	}
}

// TestCitusContactBucket: the bucket Go computes for a contact, by which
// a batch is split by shard, is the one the SQL stores its rows under.
func TestCitusContactBucket(t *testing.T) {
	t.Parallel()
	_, dsn := citusStore(t)
	db := citusDB(t, dsn)
	seen := map[int]bool{}
	for i := range 500 {
		id := fmt.Sprintf("contact-%d-é", i)
		var want int
		if err := db.QueryRow(testdataSQL(t, "citus_bucket"), id).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := postgres.ContactBucket(id); got != want {
			t.Fatalf("%s: Go's bucket %d, SQL's %d", id, got, want)
		}
		seen[want] = true
	}
	// 500 contacts over 1024 buckets fill about 400 of them.
	if len(seen) < 300 {
		t.Errorf("500 contacts in %d buckets: not spread", len(seen))
	}
}
