package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// openAt opens a store on a database migrated up to version, after
// running insert on it.
func openAt(t *testing.T, version int64, insert string) store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "j.db")
	db, err := sql.Open("sqlite", path)
	noErr(t, err)
	defer db.Close()
	storetest.MigrateTo(t, db, goose.DialectSQLite3, "migrations", version)
	_, err = db.Exec(insert)
	noErr(t, err)
	return openSQLite(t, path)
}

func TestEventIDsMigration(t *testing.T) {
	t.Parallel()
	storetest.EventIDsMigration(t, func(t *testing.T) store.Store {
		return openAt(t, 5, `INSERT INTO event_ids (id, contact_id, at) VALUES ('e1', 'c1', '2025-01-01T00:00:00.000000000Z')`)
	})
}

func TestOutboxMigration(t *testing.T) {
	t.Parallel()
	storetest.OutboxMigration(t, func(t *testing.T) store.Store {
		return openAt(t, 2, fmt.Sprintf(storetest.OutboxInsert, "'2026-01-05T09:00:00.000000000Z'"))
	})
}
