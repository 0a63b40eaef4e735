package main

// The --db flag: which store a DSN names, and how a command opens it.
//
// A DSN is one of:
//
//   - postgres://… or postgresql://… — Postgres, as lib/pq reads a URL;
//   - anything else — a SQLite file's path;
//
// except that a DSN that reads as something else is refused with a line
// saying how to write it, rather than taken for a file's name: an empty
// one, a URL of another scheme (mysql://…), and a key=value connection
// string (host=… password=…, anything that begins with a name and =),
// which lib/pq reads but which cannot be told from a file's name. A file
// whose name begins so is written ./NAME.
//
// Only journey run makes a store (a SQLite file, or the tables in a
// Postgres schema); every other command opens one that exists, or says
// there is none. A DSN is shown only redacted (package redact).

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/journeylang/journey/runtime/redact"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/sqlite"
)

// keyValueDSN matches the start of a key=value connection string.
var keyValueDSN = regexp.MustCompile(`^\s*[A-Za-z_]+\s*=`)

// postgresDSN reports whether dsn names Postgres (true) or a SQLite file
// (false), or says why it names neither.
func postgresDSN(dsn string) (bool, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		return true, nil
	case strings.TrimSpace(dsn) == "":
		return false, errors.New("--db is empty: give postgres://… for Postgres, or a SQLite file's path")
	case strings.Contains(dsn, "://"):
		return false, fmt.Errorf("--db %s: not a store Journey reads: give postgres://… (or postgresql://…) for Postgres, or a SQLite file's path", redact.DSN(dsn))
	case keyValueDSN.MatchString(dsn):
		return false, fmt.Errorf("--db %q: a key=value connection string is not read; write Postgres as a URL, "+
			"postgres://USER:PASSWORD@HOST:PORT/DBNAME?sslmode=disable (other settings as query parameters, "+
			"special characters percent-encoded), or a SQLite file as its path (./NAME for a name with =)", redact.DSN(dsn))
	}
	return false, nil
}

// openStore opens the store dsn names, making it if there is none: the
// SQLite file, or the tables in the Postgres schema. Only journey run
// does this.
func openStore(ctx context.Context, dsn string) (store.Store, error) {
	pg, err := postgresDSN(dsn)
	switch {
	case err != nil:
		return nil, err
	case pg:
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// openExistingStore opens the store dsn names, which must exist: a
// command that reads a store, or adds to one, makes none.
func openExistingStore(ctx context.Context, dsn string) (store.Store, error) {
	pg, err := postgresDSN(dsn)
	if err != nil {
		return nil, err
	}
	var s store.Store
	if pg {
		s, err = postgres.OpenExisting(ctx, dsn)
	} else {
		s, err = sqlite.OpenExisting(ctx, dsn)
	}
	switch {
	case errors.Is(err, store.ErrNoStore):
		return nil, fmt.Errorf("no store at %s; journey run makes one", redact.DSN(dsn))
	case err != nil:
		return nil, err
	}
	return s, nil
}
