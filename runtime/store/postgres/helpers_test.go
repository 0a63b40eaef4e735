package postgres_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestConformance runs the conformance suite on Postgres stores, each in
// a schema of its own.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return pgNewStore(t) })
}

// noErr fails the test on an error.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// testdataSQL reads a statement of the tests from testdata/<name>.sql.
func testdataSQL(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name + ".sql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// storeAndDB opens a store in a schema of the test's, and a connection
// of its own to that schema; both close when the test ends.
func storeAndDB(t testing.TB) (*postgres.Store, *sql.DB) {
	t.Helper()
	_, dsn := pgSchema(t)
	s, err := postgres.Open(context.Background(), dsn)
	noErr(t, err)
	t.Cleanup(func() { s.Close() })
	db, err := sql.Open("postgres", dsn)
	noErr(t, err)
	t.Cleanup(func() { db.Close() })
	return s, db
}
