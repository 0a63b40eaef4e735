package postgres_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/worker"
)

// BenchmarkPostgresMillion loads N new contacts, each with a signed_up
// event waiting and due at once, in bulk (testdata/million_load.sql: what
// the intake leaves), then runs two workers (batches of
// JOURNEY_BENCH_BATCH, default 1000) on the wall clock until none is due.
// It reports the load's time, the transitions per second, the fire lag
// from due to committed (p50 and p99, from the contacts' rows, counted
// from when the workers start: testdata/million_lag.sql), the process's peak RSS, and each table's
// size per contact; the RSS every 10 s goes to the log. N is
// JOURNEY_BENCH_CONTACTS (default 1000000).
//
//	go test ./runtime/store/postgres -run XXX -bench PostgresMillion -benchtime 1x -v
func BenchmarkPostgresMillion(b *testing.B) {
	n := benchContacts(1000000)
	ctx := context.Background()
	d := crashDeployment(b)
	for range b.N {
		b.StopTimer()
		_, dsn := pgSchema(b)
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		stores := make([]*postgres.Store, 2)
		for k := range stores {
			if stores[k], err = postgres.Open(ctx, dsn); err != nil {
				b.Fatal(err)
			}
			defer stores[k].Close()
		}
		due := time.Now().UTC().Truncate(time.Millisecond)
		loadBegan := time.Now()
		if _, err := db.ExecContext(ctx, testdataSQL(b, "million_load"), n, due); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		load := time.Since(loadBegan)

		b.StartTimer()
		began := time.Now()
		stop := make(chan struct{})
		peak := sampleRSS(b, stop)
		tickAll(b, []store.Store{stores[0], stores[1]}, d, benchBatch(), time.Now)
		elapsed := time.Since(began)
		close(stop)
		b.StopTimer()

		var p50, p99 float64
		if err := db.QueryRowContext(ctx, testdataSQL(b, "million_lag"), began).Scan(&p50, &p99); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(load.Seconds(), "load-s")
		b.ReportMetric(float64(n)/elapsed.Seconds(), "transitions/s")
		b.ReportMetric(p50, "lag-p50-s")
		b.ReportMetric(p99, "lag-p99-s")
		b.ReportMetric(float64(<-peak)/(1<<20), "peak-RSS-MB")
		rows, err := db.QueryContext(ctx, testdataSQL(b, "million_sizes"))
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var name string
			var bytes int64
			if err := rows.Scan(&name, &bytes); err != nil {
				b.Fatal(err)
			}
			b.Logf("table %s: %d bytes, %.0f bytes per contact", name, bytes, float64(bytes)/float64(n))
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
	}
}

// tickAll runs a worker on each store, in batches of batch, until none
// finds work; now is the clock of each tick.
func tickAll(b *testing.B, stores []store.Store, d *runtime.Deployment, batch int, now func() time.Time) {
	ctx := context.Background()
	var wg sync.WaitGroup
	for k, s := range stores {
		w := &worker.Worker{Store: s, Engine: &runtime.Engine{Deployment: d}, ID: fmt.Sprintf("bench-%d", k), Batch: batch, Lease: time.Minute}
		wg.Go(func() {
			for {
				done, err := w.Tick(ctx, now())
				if err != nil {
					b.Error(err)
					return
				}
				if done == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
}

// sampleRSS reads the process's resident set every second until stop is
// closed, logs it every 10 s, and then sends the largest it read.
func sampleRSS(b *testing.B, stop chan struct{}) chan int64 {
	peak := make(chan int64, 1)
	go func() {
		var most int64
		began := time.Now()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for i := 0; ; i++ {
			rss := readRSS()
			most = max(most, rss)
			if i%10 == 0 {
				b.Logf("RSS at %3.0f s: %d MB", time.Since(began).Seconds(), rss>>20)
			}
			select {
			case <-stop:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	return peak
}

// readRSS is the process's resident set in bytes (VmRSS), 0 when unknown.
func readRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if kb, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(kb, "kB")), 10, 64)
			return v << 10
		}
	}
	return 0
}
