package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/report"
	"github.com/journeylang/journey/runtime/store"
)

// BenchmarkPostgresReport reads a whole report over a store of 200,000
// enrollments and 1,000,000 history records (testdata/report_bench.sql,
// written by SQL in a schema of the benchmark's), and checks some of its
// figures. Figures are in docs/performance.md; run it with
//
//	go test ./runtime/store/postgres -run XXX -bench PostgresReport -benchtime 5x
func BenchmarkPostgresReport(b *testing.B) {
	ctx := context.Background()
	script := testdataSQL(b, "report_bench")
	s, db := storeAndDB(b)
	if _, err := db.ExecContext(ctx, script); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := s.Report(ctx, &store.ReportParams{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		r := report.Build(c, report.Options{})
		b.StopTimer()
		j := r.Journey("bench")
		if j == nil || j.Enrolled != 200_000 || j.Converted != 40_000 || j.Exited != 20_000 || len(j.Stages) != 2 ||
			j.Stages[0].Entered != 200_000 || j.Stages[1].Entered != 100_000 || len(j.Cohorts) < 20 || len(j.Splits) != 1 {
			b.Fatalf("report: %+v", j)
		}
		b.StartTimer()
	}
}
