package serve_test

import (
	"context"
	"testing"

	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/postgres/pgtest"
)

// pgStore opens a Postgres store in a schema of its own, closed when the
// test ends, and returns it with its DSN.
func pgStore(t *testing.T) (*postgres.Store, string) {
	t.Helper()
	_, dsn := pgtest.Schema(t)
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, dsn
}
