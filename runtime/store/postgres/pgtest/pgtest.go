// Package pgtest gives a test a schema of its own on a real Postgres, so
// that tests against the database run in parallel and leave nothing
// behind.
//
// The server is $JOURNEY_TEST_POSTGRES, or a local one with trust
// authentication (postgres://postgres@127.0.0.1:5432/postgres). Without a
// server a test skips, except under CI ($CI set), which has one: there it
// fails.
//
// CitusSchema does the same on the coordinator of a Citus cluster,
// $JOURNEY_CITUS_DSN; a test that needs one skips when it is not set
// (.ci/run starts a local cluster and sets it).
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
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

// server is a database the tests make schemas in, connected once.
type server struct {
	what string
	dsn  func() string
	once sync.Once
	db   *sql.DB
	err  error
}

var (
	admin = server{what: "Postgres", dsn: BaseDSN}
	citus = server{what: "the Citus coordinator", dsn: CitusDSN}
)

// connect returns the server's connection, or skips the test (fails it
// under CI) when the server cannot be reached.
func (s *server) connect(t testing.TB) *sql.DB {
	t.Helper()
	s.once.Do(func() {
		s.db, s.err = sql.Open("postgres", s.dsn())
		if s.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.err = s.db.PingContext(ctx)
	})
	if s.err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not reachable at %s (CI must have it): %v", s.what, s.dsn(), s.err)
		}
		t.Skipf("%s is not reachable at %s: %v", s.what, s.dsn(), s.err)
	}
	return s.db
}

// Admin returns a connection to the test server, for making and dropping
// schemas and for looking into them, or skips the test (fails it under
// CI) when there is no server.
func Admin(t testing.TB) *sql.DB {
	t.Helper()
	return admin.connect(t)
}

// CitusDSN is the DSN of a Citus coordinator to test on,
// $JOURNEY_CITUS_DSN, or "" when there is none.
func CitusDSN() string { return os.Getenv("JOURNEY_CITUS_DSN") }

// CitusAdmin is Admin on the Citus coordinator. Without
// $JOURNEY_CITUS_DSN the test skips, saying so.
func CitusAdmin(t testing.TB) *sql.DB {
	t.Helper()
	if CitusDSN() == "" {
		t.Skip("JOURNEY_CITUS_DSN is not set: no Citus coordinator to test on " +
			"(bash ../shared/citus/cluster.sh start DIR, then JOURNEY_CITUS_DSN=postgres://postgres@127.0.0.1:5701/postgres?sslmode=disable; .ci/run does both)")
	}
	return citus.connect(t)
}

// Schema makes a schema for the test, dropped when it ends, and returns
// its name and a DSN whose search_path is that schema.
func Schema(t testing.TB) (name, dsn string) {
	t.Helper()
	return makeSchema(t, Admin(t), BaseDSN())
}

// CitusSchema is Schema on the Citus coordinator: the tables a store
// makes there are distributed over the cluster's workers, in the
// schema's name (Citus makes it on every node). Without
// $JOURNEY_CITUS_DSN the test skips.
func CitusSchema(t testing.TB) (name, dsn string) {
	t.Helper()
	db := CitusAdmin(t)
	return makeSchema(t, db, CitusDSN())
}

// makeSchema makes a schema on db's server, dropped when the test ends,
// and returns its name and base with its search_path.
func makeSchema(t testing.TB, db *sql.DB, base string) (name, dsn string) {
	t.Helper()
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
	return name, WithSearchPath(t, base, name)
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

//go:embed citus_rows_per_node.sql
var citusRowsPerNode string

// CitusRowsPerNode returns how many rows of a distributed table, in the
// schema dsn's search_path names, each Citus worker holds, by port.
func CitusRowsPerNode(t testing.TB, dsn, table string) map[int]int {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(citusRowsPerNode, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var port, n int
		if err := rows.Scan(&port, &n); err != nil {
			t.Fatal(err)
		}
		out[port] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
