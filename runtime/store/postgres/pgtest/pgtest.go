// Package pgtest gives a test a schema of its own on a real Postgres, so
// that tests against the database run in parallel and leave nothing
// behind.
//
// The server is $JOURNEY_TEST_POSTGRES, or a local one with trust
// authentication (postgres://postgres@127.0.0.1:5432/postgres). Without a
// server a test skips, except under CI ($CI set), which has one: there it
// fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
)

// BaseDSN is the test server's DSN.
func BaseDSN() string {
	if dsn := os.Getenv("JOURNEY_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// Admin returns a connection to the test server, for making and dropping
// schemas and for looking into them, or skips the test (fails it under
// CI) when there is no server.
func Admin(t testing.TB) *sql.DB {
	t.Helper()
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("postgres", BaseDSN())
		if admin.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		admin.err = admin.db.PingContext(ctx)
	})
	if admin.err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Postgres is not reachable at %s (CI must have it): %v", BaseDSN(), admin.err)
		}
		t.Skipf("Postgres is not reachable at %s: %v", BaseDSN(), admin.err)
	}
	return admin.db
}

// Schema makes a schema for the test, dropped when it ends, and returns
// its name and a DSN whose search_path is that schema.
func Schema(t testing.TB) (name, dsn string) {
	t.Helper()
	db := Admin(t)
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name = "journey_test_" + hex.EncodeToString(b[:])
	// A schema's name cannot be a parameter: it is made here, quoted.
	if _, err := db.Exec("CREATE SCHEMA " + pq.QuoteIdentifier(name)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP SCHEMA " + pq.QuoteIdentifier(name) + " CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", name, err)
		}
	})
	return name, WithSearchPath(t, BaseDSN(), name)
}

// WithSearchPath sets search_path in a DSN, URL or key=value.
func WithSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
