package storetest

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/pressly/goose/v3"
)

// MigrateTo applies a store's migrations in dir (its migrations folder,
// from the store's package) to db up to version: a test of a later
// migration starts from the schema an earlier one left, and writes rows
// as that schema held them.
func MigrateTo(t *testing.T, db *sql.DB, dialect goose.Dialect, dir string, version int64) {
	t.Helper()
	p, err := goose.NewProvider(dialect, db, os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
}

// OutboxInsert writes an outbox row as migration 00002 left the table, for
// OutboxMigration; %s is its due time, as the store's SQL writes a time.
const OutboxInsert = `INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due)
VALUES ('old', 'c1', 'onboard', 'v1', 'Welcome/send:hi#1', 'send', 'hi', '{"contact":"c1"}', %s)`
