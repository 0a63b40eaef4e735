package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/sqlite"
)

// TestOpenSQLiteExisting checks that opening a store that must exist
// makes none: not a missing file, not an empty one, not a SQLite database
// of something else; and that it opens a store that is there.
func TestOpenSQLiteExisting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	if _, err := sqlite.OpenExisting(ctx, missing); !errors.Is(err, store.ErrNoStore) {
		t.Errorf("a missing file: %v, want ErrNoStore", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file was made: %v", err)
	}
	empty := filepath.Join(dir, "empty.db")
	noErr(t, os.WriteFile(empty, nil, 0o644))
	if _, err := sqlite.OpenExisting(ctx, empty); !errors.Is(err, store.ErrNoStore) {
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
	if _, err := sqlite.OpenExisting(ctx, text); err == nil || errors.Is(err, store.ErrNoStore) || !strings.Contains(err.Error(), "not a database") {
		t.Errorf("a text file: %v, want an error saying it is not a database", err)
	}

	path := filepath.Join(dir, "journey.db")
	openSQLite(t, path) // open, as a runner's would be
	s, err := sqlite.OpenExisting(ctx, path)
	if err != nil {
		t.Fatalf("an existing store: %v", err)
	}
	s.Close()
}
