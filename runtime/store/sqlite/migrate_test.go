package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
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
	upTo(t, db, goose.DialectSQLite3, "migrations", version)
	_, err = db.Exec(insert)
	noErr(t, err)
	return openSQLite(t, path)
}

// upTo applies the migrations up to version.
func upTo(t *testing.T, db *sql.DB, dialect goose.Dialect, dir string, version int64) {
	t.Helper()
	p, err := goose.NewProvider(dialect, db, os.DirFS(dir))
	noErr(t, err)
	_, err = p.UpTo(context.Background(), version)
	noErr(t, err)
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
		return openAt(t, 2, fmt.Sprintf(outboxInsert, "'2026-01-05T09:00:00.000000000Z'"))
	})
}

// outboxInsert writes an outbox row as migration 00002 left the table;
// %s is its due time.
const outboxInsert = `INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due)
VALUES ('old', 'c1', 'onboard', 'v1', 'Welcome/send:hi#1', 'send', 'hi', '{"contact":"c1"}', %s)`
