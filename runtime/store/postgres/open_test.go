package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
)

// TestOpenPostgresExisting checks that opening a store that must exist
// makes no tables in a schema without one, and opens one that is there.
func TestOpenPostgresExisting(t *testing.T) {
	ctx := context.Background()
	schema, dsn := pgSchema(t)
	if _, err := postgres.OpenExisting(ctx, dsn); !errors.Is(err, store.ErrNoStore) {
		t.Errorf("an empty schema: %v, want ErrNoStore", err)
	}
	var tables int
	noErr(t, pgAdminDB(t).QueryRow("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $1", schema).Scan(&tables))
	if tables != 0 {
		t.Errorf("%d tables made in the empty schema", tables)
	}
	pgOpen(t, dsn)
	s, err := postgres.OpenExisting(ctx, dsn)
	if err != nil {
		t.Fatalf("an existing store: %v", err)
	}
	s.Close()
}

// TestPostgresDSNRedacted checks that a DSN that does not parse is not
// quoted with its password.
func TestPostgresDSNRedacted(t *testing.T) {
	for _, dsn := range []string{
		"postgres://bob:s3cret@127.0.0.1:notaport/db",
		"postgres://bob:s3%cret@127.0.0.1/db",
	} {
		_, err := postgres.Open(context.Background(), dsn)
		if err == nil || strings.Contains(err.Error(), "s3") {
			t.Errorf("postgres.Open(%q): %v, want an error without the password", dsn, err)
		}
	}
}
