package postgres_test

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// openAt opens a store on a database migrated up to version, after
// running insert on it.
func openAt(t *testing.T, version int64, insert string) store.Store {
	t.Helper()
	_, dsn := pgSchema(t)
	db, err := sql.Open("postgres", dsn)
	noErr(t, err)
	defer db.Close()
	storetest.MigrateTo(t, db, goose.DialectPostgres, "migrations", version)
	_, err = db.Exec(insert)
	noErr(t, err)
	return pgOpen(t, dsn)
}

func TestEventIDsMigration(t *testing.T) {
	t.Parallel()
	storetest.EventIDsMigration(t, func(t *testing.T) store.Store {
		return openAt(t, 5, `INSERT INTO event_ids (id, contact_id, at) VALUES ('e1', 'c1', '2025-01-01T00:00:00Z')`)
	})
}

func TestOutboxMigration(t *testing.T) {
	t.Parallel()
	storetest.OutboxMigration(t, func(t *testing.T) store.Store {
		return openAt(t, 2, fmt.Sprintf(storetest.OutboxInsert, "'2026-01-05T09:00:00Z'"))
	})
}
