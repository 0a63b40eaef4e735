package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// Migrate brings db's schema up to date with goose, applying the numbered
// migrations of dir (the .sql files at its root, embedded in the store's
// package) that the database's goose version table does not list yet.
// dialect is "postgres" or "sqlite"; it names the store in errors.
func Migrate(ctx context.Context, db *sql.DB, dialect string, dir fs.FS) error {
	d := map[string]database.Dialect{"postgres": database.DialectPostgres, "sqlite": database.DialectSQLite3}[dialect]
	p, err := goose.NewProvider(d, db, dir)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating the %s store: %w", dialect, err)
	}
	return nil
}
