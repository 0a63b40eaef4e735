package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
)

// BenchmarkPostgresStats reads the gauges' figures from a store of N
// contacts, each actively enrolled (testdata/stats_load.sql): "count" is
// Stats, which counts every enrollment, as a scrape did before the
// tallies; "tallied" is store.Tallies after one Tally, what a scrape and
// GET /v1/journeys read now; "tally" is one Tally, the chores leader's
// count. N is JOURNEY_BENCH_CONTACTS (default 100000). Figures are in
// docs/performance.md.
//
//	JOURNEY_BENCH_CONTACTS=1000000 go test ./runtime/store/postgres -run XXX -bench PostgresStats -benchtime 20x
func BenchmarkPostgresStats(b *testing.B) {
	n := benchContacts(100000)
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	s, db := storeAndDB(b)
	load := testdataSQL(b, "stats_load")
	if _, err := db.ExecContext(ctx, load, n, at); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	check := func(b *testing.B, st *store.Stats) {
		total := 0
		for _, c := range st.Active["j"] {
			total += c
		}
		if total != n {
			b.Fatalf("%d contacts active, want %d", total, n)
		}
	}
	b.Run("count", func(b *testing.B) {
		for range b.N {
			st, err := s.Stats(ctx, &store.StatsParams{Now: at})
			if err != nil {
				b.Fatal(err)
			}
			check(b, st)
		}
	})
	b.Run("tally", func(b *testing.B) {
		for range b.N {
			if err := s.Tally(ctx, &store.TallyParams{Now: at}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tallied", func(b *testing.B) {
		if err := s.Tally(ctx, &store.TallyParams{Now: at}); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			st, err := store.Tallies(ctx, s, &store.StatsParams{Now: at})
			if err != nil {
				b.Fatal(err)
			}
			check(b, st)
		}
	})
}
