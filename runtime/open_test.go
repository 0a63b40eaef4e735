package runtime_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journeylang/journey/runtime"
)

// TestOpenSQLiteExisting checks that opening a store that must exist
// makes none: not a missing file, not an empty one, not a SQLite database
// of something else; and that it opens a store that is there.
func TestOpenSQLiteExisting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	if _, err := runtime.OpenSQLiteExisting(ctx, missing); !errors.Is(err, runtime.ErrNoStore) {
		t.Errorf("a missing file: %v, want ErrNoStore", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file was made: %v", err)
	}
	empty := filepath.Join(dir, "empty.db")
	noErr(t, os.WriteFile(empty, nil, 0o644))
	if _, err := runtime.OpenSQLiteExisting(ctx, empty); !errors.Is(err, runtime.ErrNoStore) {
		t.Errorf("an empty file: %v, want ErrNoStore", err)
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("an empty file was written: %v, %v", fi, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files made beside it: %v", entries)
	}
	text := filepath.Join(dir, "notes.txt")
	noErr(t, os.WriteFile(text, []byte("not a database, but long enough to look like a header to no one\n"), 0o644))
	if _, err := runtime.OpenSQLiteExisting(ctx, text); err == nil || errors.Is(err, runtime.ErrNoStore) || !strings.Contains(err.Error(), "not a database") {
		t.Errorf("a text file: %v, want an error saying it is not a database", err)
	}

	path := filepath.Join(dir, "journey.db")
	openSQLite(t, path) // open, as a runner's would be
	s, err := runtime.OpenSQLiteExisting(ctx, path)
	if err != nil {
		t.Fatalf("an existing store: %v", err)
	}
	s.Close()
}

// TestOpenPostgresExisting checks that opening a store that must exist
// makes no tables in a schema without one, and opens one that is there.
func TestOpenPostgresExisting(t *testing.T) {
	ctx := context.Background()
	schema, dsn := pgSchema(t)
	if _, err := runtime.OpenPostgresExisting(ctx, dsn); !errors.Is(err, runtime.ErrNoStore) {
		t.Errorf("an empty schema: %v, want ErrNoStore", err)
	}
	var tables int
	noErr(t, pgAdminDB(t).QueryRow("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $1", schema).Scan(&tables))
	if tables != 0 {
		t.Errorf("%d tables made in the empty schema", tables)
	}
	pgOpen(t, dsn)
	s, err := runtime.OpenPostgresExisting(ctx, dsn)
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
		_, err := runtime.OpenPostgres(context.Background(), dsn)
		if err == nil || strings.Contains(err.Error(), "s3") {
			t.Errorf("OpenPostgres(%q): %v, want an error without the password", dsn, err)
		}
	}
}
