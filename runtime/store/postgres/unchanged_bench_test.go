package postgres_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
)

// BenchmarkPostgresUpdates measures the runs of N contacts each given an
// update while they wait in a journey (the crash test's: a welcome at
// once, a notification an hour on): "same" sets each contact's email to
// the one it has, a run that changes nothing and writes no state; "new"
// to another, whose run writes it. Both settle the same inputs, wake-ups
// and leases, so the difference is the state's write. N comes from
// JOURNEY_BENCH_CONTACTS (default 20000). Figures are in
// docs/performance.md; run it with
//
//	go test ./runtime/store/postgres -run XXX -bench PostgresUpdates -benchtime 1x -count 3
func BenchmarkPostgresUpdates(b *testing.B) {
	n := benchContacts(20000)
	for _, tc := range []struct {
		name  string
		email func(id string) string
	}{
		{"same", func(id string) string { return id + "@example.com" }},
		{"new", func(id string) string { return id + ".new@example.com" }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				_, dsn := pgSchema(b)
				updates(b, dsn, n, tc.email)
			}
		})
	}
}

// updates is one run of BenchmarkPostgresUpdates on the store in dsn's
// schema: n contacts sign up and get their welcome, untimed; then each
// gets an update of its email to email(id), and the runs of the updates
// are timed.
func updates(b *testing.B, dsn string, n int, email func(id string) string) {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	d := crashDeployment(b)
	stores := benchStores(b, dsn)
	benchLoad(b, stores[0], n, func(id string) store.BatchItem {
		return store.BatchItem{Update: &store.PutContactParams{ID: id, Attrs: map[string]any{"email": id + "@example.com"}, At: start}}
	})
	benchLoad(b, stores[0], n, func(id string) store.BatchItem {
		return store.BatchItem{Event: &store.AddEventParams{Contact: id, ID: "e" + id, Name: "signed_up", At: start}}
	})
	drainWorkers(b, stores, d, start)
	later := start.Add(time.Minute) // before the notification, due an hour on
	benchLoad(b, stores[0], n, func(id string) store.BatchItem {
		return store.BatchItem{Update: &store.PutContactParams{ID: id, Attrs: map[string]any{"email": email(id)}, At: later}}
	})
	b.StartTimer()
	began := time.Now()
	_, unchanged := drainWorkers(b, stores, d, later)
	elapsed := time.Since(began)
	b.StopTimer()
	ctx := context.Background()
	last := "c" + strconv.Itoa(n-1)
	if s, err := stores[0].Contact(ctx, last); err != nil || s.Attrs["email"] != email(last) {
		b.Fatalf("%s after its update: %v (%v), want email %s", last, s, err, email(last))
	}
	if next, ok, err := stores[0].NextWake(ctx); err != nil || !ok || !next.Equal(start.Add(time.Hour)) {
		b.Fatalf("next wake-up %v (%v, %v), want the notifications at %v: every update run", next, ok, err, start.Add(time.Hour))
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "runs/s")
	b.ReportMetric(float64(unchanged), "unchanged")
}
