package postgres_test

import (
	"database/sql"
	"testing"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestHistoryRows checks that an enrollment's first records are one row
// of the history table, read back and reported as the records they are.
func TestHistoryRows(t *testing.T) {
	t.Parallel()
	s, db := storeAndDB(t)
	historyRows(t, s, db)
}

// TestCitusHistoryRows is TestHistoryRows on a store distributed over
// the Citus cluster.
func TestCitusHistoryRows(t *testing.T) {
	s, dsn := citusStoreShards(t, 4)
	historyRows(t, s, citusDB(t, dsn))
}

// historyRows runs storetest.HistoryRows on s, counting the rows of its
// history table through db.
func historyRows(t *testing.T, s store.Store, db *sql.DB) {
	query := testdataSQL(t, "history_rows")
	storetest.HistoryRows(t, s, func() int {
		var n int
		noErr(t, db.QueryRow(query).Scan(&n))
		return n
	})
}

// TestCitusHistoryFunctionUpgrade: a store distributed when
// journey_insert_history took no first stages is given the function that
// takes them when it is opened, and writes its history's rows with it.
func TestCitusHistoryFunctionUpgrade(t *testing.T) {
	s, dsn := citusStoreShards(t, 4)
	s.Close()
	db := citusDB(t, dsn)
	_, err := db.Exec(testdataSQL(t, "citus_history_function_before"))
	noErr(t, err)
	again := pgOpen(t, dsn)
	if !again.Distributed() {
		t.Fatal("the store opened again is not distributed")
	}
	historyRows(t, again, db)
}
