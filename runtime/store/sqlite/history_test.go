package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestHistoryRows checks that an enrollment's first records are one row
// of the history table, read back and reported as the records they are.
func TestHistoryRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journey.db")
	s := openSQLite(t, path)
	db, err := sql.Open("sqlite", path)
	noErr(t, err)
	t.Cleanup(func() { db.Close() })
	query, err := os.ReadFile("testdata/history_rows.sql")
	noErr(t, err)
	storetest.HistoryRows(t, s, func() int {
		var n int
		noErr(t, db.QueryRow(string(query)).Scan(&n))
		return n
	})
}
