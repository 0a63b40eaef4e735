package postgres_test

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
)

// timedClaims is a store whose claims are timed: the benchmark reports
// what a claim costs apart from the rest of a worker's loop.
type timedClaims struct {
	store.Store
	mu     sync.Mutex
	n      int
	took   time.Duration
	slowst time.Duration
}

func (s *timedClaims) Claim(ctx context.Context, p *store.ClaimParams) ([]*store.Work, error) {
	began := time.Now()
	w, err := s.Store.Claim(ctx, p)
	d := time.Since(began)
	s.mu.Lock()
	s.n++
	s.took += d
	s.slowst = max(s.slowst, d)
	s.mu.Unlock()
	return w, err
}

// BenchmarkPostgresDrain loads N contacts due (written by SQL:
// testdata/drain_load.sql), either all at one instant (instant: a bulk
// import, a window opening on Monday 09:00) or each at its own (spread),
// and measures how fast two workers, each with its own pool, drain them
// in claims of 1,000: the two rates should be the same. Each contact's run
// finds nothing to do, so the loop is the queue's own: claim, read the
// states, write them back, release the wake-ups. Then, with the drained
// queue's dead rows in place (the test server runs without autovacuum),
// it times the idle poll (NextWake) and an empty claim, vacuums the
// tables as the runner leading the chores does (Store.Vacuum), and times
// them again. N comes from JOURNEY_BENCH_CONTACTS (default 100000).
// Figures are in docs/performance.md; run it with
//
//	JOURNEY_BENCH_CONTACTS=1000000 go test ./runtime/store/postgres -run XXX -bench PostgresDrain -benchtime 1x -timeout 1h
func BenchmarkPostgresDrain(b *testing.B) {
	n := benchContacts(100000)
	for _, mode := range []string{"instant", "spread"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				drain(b, n, mode == "instant")
			}
		})
	}
}

// drain is one run of BenchmarkPostgresDrain, in a schema of its own.
func drain(b *testing.B, n int, instant bool) {
	b.StopTimer()
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	_, dsn := pgSchema(b)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	stores := make([]*timedClaims, 2)
	for k := range stores {
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		stores[k] = &timedClaims{Store: s}
	}
	for _, step := range []struct {
		file string
		args []any
	}{{"drain_load", []any{n, instant, at}}, {"drain_analyze", nil}} {
		if _, err := db.ExecContext(ctx, testdataSQL(b, step.file), step.args...); err != nil {
			b.Fatalf("%s: %v", step.file, err)
		}
	}

	d := crashDeployment(b)
	b.StartTimer()
	began := time.Now()
	tickAll(b, []store.Store{stores[0], stores[1]}, d, 1000, func() time.Time { return at })
	elapsed := time.Since(began)
	b.StopTimer()

	count := testdataSQL(b, "drain_count")
	var due, unrun int
	if err := db.QueryRowContext(ctx, count).Scan(&due, &unrun); err != nil || due != 0 || unrun != 0 {
		b.Fatalf("after the drain %d contacts are due and %d were never run (%v)", due, unrun, err)
	}
	claims, took, slowest := 0, time.Duration(0), time.Duration(0)
	for _, s := range stores {
		claims, took, slowest = claims+s.n, took+s.took, max(slowest, s.slowst)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "contacts/s")
	b.ReportMetric(float64(took.Microseconds())/float64(claims)/1000, "ms/claim")
	b.ReportMetric(float64(slowest.Microseconds())/1000, "slowest-claim-ms")

	s := stores[0].Store.(*postgres.Store)
	idle := func() (poll, claim float64) {
		const times = 100
		began := time.Now()
		for range times {
			if _, ok, err := s.NextWake(ctx); err != nil || ok {
				b.Fatalf("the drained queue's next wake-up: %v, %v", ok, err)
			}
		}
		poll = float64(time.Since(began).Microseconds()) / times / 1000
		began = time.Now()
		for range times {
			if w, err := s.Claim(ctx, &store.ClaimParams{Now: at, Limit: 1000, Worker: "idle", Lease: time.Minute}); err != nil || len(w) != 0 {
				b.Fatalf("claiming from the drained queue: %d, %v", len(w), err)
			}
		}
		return poll, float64(time.Since(began).Microseconds()) / times / 1000
	}
	poll, claim := idle()
	b.ReportMetric(poll, "dead-poll-ms")
	b.ReportMetric(claim, "dead-claim-ms")
	// Below the chores' threshold of dead rows (a small N) the leader
	// would not vacuum yet: the benchmark lowers it to half the drained
	// contacts, so that the vacuumed figures are taken at every N. The
	// workers' sessions report their dead rows to the statistics when
	// they fall idle, so the vacuum is tried until it sees them.
	params := &store.VacuumParams{MinDead: min(store.DefaultVacuumMinDead, int64(n/2)), DeadFraction: store.DefaultVacuumFraction}
	for try := 0; ; try++ {
		v, err := s.Vacuum(ctx, params)
		if err == nil && slices.ContainsFunc(v.Tables, func(v store.Vacuumed) bool { return v.Table == "wakeups" }) {
			break
		}
		if try == 30 {
			b.Fatalf("vacuumed %+v (%v), want the wake-ups among them", v, err)
		}
		time.Sleep(time.Second)
	}
	poll, claim = idle()
	b.ReportMetric(poll, "vacuumed-poll-ms")
	b.ReportMetric(claim, "vacuumed-claim-ms")
}
