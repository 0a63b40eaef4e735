package runtime

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// The schema migrations of the SQL stores, numbered, shipped in the
// binary, and applied by goose when a store opens.
//
//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrations embed.FS

// migrate brings db's schema up to date. dialect is "postgres" or
// "sqlite".
func migrate(ctx context.Context, db *sql.DB, dialect string) error {
	dir, err := fs.Sub(migrations, "migrations/"+dialect)
	if err != nil {
		return err
	}
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
