package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/worker"
)

// BenchmarkPostgresThroughput loads N contacts whose work is due (each has
// an event that enrolls it in a journey and sends at once), then measures
// how fast two workers on one Postgres process them: each contact is one
// transition committed with its outbox row, in batched transactions.
// N comes from JOURNEY_BENCH_CONTACTS (default 20000). Figures are in
// docs/performance.md; run it with
//
//	go test ./runtime -run XXX -bench PostgresThroughput -benchtime 1x
func BenchmarkPostgresThroughput(b *testing.B) {
	n := benchContacts(20000)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_, dsn := pgSchema(b)
		throughput(b, dsn, n)
	}
}

// throughput is one run of BenchmarkPostgresThroughput on the store in
// dsn's schema, with n contacts.
func throughput(b *testing.B, dsn string, n int) {
	ctx := context.Background()
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	d := crashDeployment(b)
	stores := benchStores(b, dsn)
	// The contacts arrive through the batched intake, a thousand a
	// transaction: what it leaves is what one AddEvent a contact leaves,
	// in a fraction of the time.
	loading := time.Now()
	benchLoad(b, stores[0], n, func(id string) store.BatchItem {
		return store.BatchItem{Event: &store.AddEventParams{Contact: id, ID: "e" + id, Name: "signed_up", At: start}}
	})
	goruntime.GC()
	b.StartTimer()
	began := time.Now()
	peak, _ := drainWorkers(b, stores, d, start)
	elapsed := time.Since(began)
	// The windows, to match with the servers' own measures of the run.
	unix := func(t time.Time) float64 { return float64(t.UnixMicro()) / 1e6 }
	b.Logf("loaded from %.3f to %.3f, processed from %.3f to %.3f (Unix seconds)", unix(loading), unix(began), unix(began), unix(began.Add(elapsed)))
	b.StopTimer()
	actions, err := stores[0].Outbox(ctx, &store.OutboxParams{})
	if err != nil || len(actions) != n {
		b.Fatalf("outbox holds %d actions, want %d (%v)", len(actions), n, err)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "transitions/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(n), "contacts")
	reportHistorySize(b, dsn, n)
}

// benchStores opens two stores on dsn, each with its own connection
// pool, closed when the benchmark ends: one for each worker.
func benchStores(b *testing.B, dsn string) []store.Store {
	stores := make([]store.Store, 2)
	for k := range stores {
		s, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		stores[k] = s
	}
	return stores
}

// benchLoad adds n contacts' inputs through the batched intake, a
// thousand a transaction: item makes contact id's.
func benchLoad(b *testing.B, s store.Store, n int, item func(id string) store.BatchItem) {
	var items []store.BatchItem
	for c := 0; c < n; c++ {
		items = append(items, item("c"+strconv.Itoa(c)))
		if len(items) == 1000 || c == n-1 {
			if _, err := s.AddBatch(context.Background(), &store.AddBatchParams{Items: items}); err != nil {
				b.Fatal(err)
			}
			items = items[:0]
		}
	}
}

// drainWorkers runs a worker on each store, at the time now, until none
// is due, and returns the peak of the Go heap in use meanwhile and how
// many of the runs committed were unchanged (store.WorkResult).
func drainWorkers(b *testing.B, stores []store.Store, d *runtime.Deployment, now time.Time) (peak uint64, unchanged int) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := func(r *worker.BatchReport) {
		mu.Lock()
		defer mu.Unlock()
		for _, res := range r.Results {
			if res.Unchanged {
				unchanged++
			}
		}
	}
	for k, s := range stores {
		w := &worker.Worker{Store: s, Engine: &runtime.Engine{Deployment: d}, ID: fmt.Sprintf("bench-%d", k), Batch: benchBatch(), Lease: time.Minute, Observe: count}
		wg.Go(func() {
			for {
				done, err := w.Tick(ctx, now)
				if err != nil {
					b.Error(err)
					return
				}
				var m goruntime.MemStats
				goruntime.ReadMemStats(&m)
				mu.Lock()
				peak = max(peak, m.HeapInuse)
				mu.Unlock()
				if done == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	return peak, unchanged
}

// reportHistorySize reports the history's bytes on disk (heap and
// indexes) and rows per contact, of the n contacts' store in dsn.
func reportHistorySize(b *testing.B, dsn string, n int) {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var bytes, rows int64
	if err := db.QueryRow(testdataSQL(b, "history_size")).Scan(&bytes, &rows); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(bytes)/float64(n), "history-B/contact")
	b.ReportMetric(float64(rows)/float64(n), "history-rows/contact")
}

// benchContacts is how many contacts a throughput benchmark loads:
// JOURNEY_BENCH_CONTACTS, default n.
func benchContacts(n int) int {
	if v, err := strconv.Atoi(os.Getenv("JOURNEY_BENCH_CONTACTS")); err == nil && v > 0 {
		return v
	}
	return n
}

// benchBatch is the claim size: JOURNEY_BENCH_BATCH, default 1000.
func benchBatch() int {
	if v, err := strconv.Atoi(os.Getenv("JOURNEY_BENCH_BATCH")); err == nil && v > 0 {
		return v
	}
	return 1000
}
