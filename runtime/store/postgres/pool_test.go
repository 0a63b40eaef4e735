package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/worker"
)

// TestPostgresPoolSetting reads pool_max_conns from a DSN, in both forms,
// and takes it out of what is sent to the server.
func TestPostgresPoolSetting(t *testing.T) {
	cases := []struct {
		dsn  string
		pool int
		err  string
	}{
		{"postgres://u@h/db?sslmode=disable", postgres.DefaultPoolSize, ""},
		{"postgres://u@h/db?sslmode=disable&pool_max_conns=3&search_path=j", 3, ""},
		{"host=h user=u pool_max_conns=25 search_path=j", 25, ""},
		{"host=h pool_max_conns = '4'", 4, ""},
		{"postgres://u@h/db?pool_max_conns=0", 0, `pool_max_conns="0"`},
		{"host=h pool_max_conns=-1", 0, `pool_max_conns="-1"`},
		{"host=h pool_max_conns=ten", 0, `pool_max_conns="ten"`},
	}
	for _, c := range cases {
		cfg, pool, err := postgres.PgConfig(c.dsn)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want one with %s", c.dsn, err, c.err)
			}
			continue
		}
		if err != nil || pool != c.pool {
			t.Errorf("%s: pool %d, %v; want %d", c.dsn, pool, err, c.pool)
		}
		if _, ok := cfg.Runtime["pool_max_conns"]; ok {
			t.Errorf("%s: pool_max_conns would be sent to the server: %v", c.dsn, cfg.Runtime)
		}
		if strings.Contains(c.dsn, "search_path") && cfg.Runtime["search_path"] != "j" {
			t.Errorf("%s: search_path lost: %v", c.dsn, cfg.Runtime)
		}
	}
	if _, err := postgres.Open(context.Background(), "postgres://u@h/db?pool_max_conns=0"); err == nil || !strings.Contains(err.Error(), "pool_max_conns") {
		t.Errorf("postgres.Open with a bad pool: %v", err)
	}
}

// TestPostgresPool opens stores with the default pool and a pool of one
// connection: the server accepts the DSN (pool_max_conns is not sent to
// it), the pool is bounded, and a store with one connection still does
// its intake and work with several callers at once, each waiting its turn.
func TestPostgresPool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, dsn := pgSchema(t)
	if got := postgres.PoolSize(pgOpen(t, dsn)); got != postgres.DefaultPoolSize {
		t.Errorf("pool %d, want %d", got, postgres.DefaultPoolSize)
	}
	one := pgOpen(t, pgWithParam(t, dsn, "pool_max_conns", "1"))
	if got := postgres.PoolSize(one); got != 1 {
		t.Fatalf("pool %d, want 1", got)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			_, err := one.AddEvent(ctx, &store.AddEventParams{Contact: fmt.Sprintf("c%d", g), ID: fmt.Sprintf("e%d", g), Name: "form_submitted", Payload: map[string]any{"form": "x"}, At: pgT0})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sim := worker.NewSim(pgDeployment(t), one, pgT0)
	if err := sim.Advance(ctx, pgT0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, err := one.Outbox(ctx, &store.OutboxParams{}); err != nil || len(got) != 8 {
		t.Fatalf("%d actions, %v; want 8", len(got), err)
	}
}

// pgWithParam sets a parameter in a DSN, URL or key=value.
func pgWithParam(t *testing.T, dsn, key, value string) string {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " " + key + "=" + value
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + key + "=" + value
}
