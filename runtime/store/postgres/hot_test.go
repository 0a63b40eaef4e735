package postgres_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/worker"
)

// TestContactsUpdatedInPlace runs contacts twice — the run that enrolls
// them, which grows each state several times over, then the run of their
// timers, which keeps its size — and reads Postgres's own count of the
// updates to contacts: most of the second round are HOT, the new
// row beside the old on its page and the primary key untouched, which the
// table's fillfactor leaves room for even when a batch updates every row
// of a page.
func TestContactsUpdatedInPlace(t *testing.T) {
	ctx := context.Background()
	name, dsn := pgSchema(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	const n = 500
	d := crashDeployment(t)
	var upd, hot [2]int64
	for round, at := range []time.Time{start, start.Add(3 * time.Hour)} {
		s, err := postgres.Open(ctx, dsn)
		noErr(t, err)
		if round == 0 {
			for c := range n {
				id := "c" + strconv.Itoa(c)
				_, err := s.AddEvent(ctx, &store.AddEventParams{Contact: id, ID: "e" + id, Name: "signed_up", At: start})
				noErr(t, err)
			}
		}
		w := &worker.Worker{Store: s, Engine: &runtime.Engine{Deployment: d}, ID: "hot", Batch: 100}
		done := 0
		for {
			k, err := w.Tick(ctx, at)
			noErr(t, err)
			if k == 0 {
				break
			}
			done += k
		}
		if done != n {
			t.Fatalf("round %d ran %d contacts, want %d", round, done, n)
		}
		// A server process reports its counts when it ends: close the
		// store's connections, then wait for the counts to arrive.
		noErr(t, s.Close())
		upd[round], hot[round] = contactUpdates(t, name, int64(n*(round+1)))
	}
	second, secondHot := upd[1]-upd[0], hot[1]-hot[0]
	t.Logf("updates of contacts: first round %d (%d HOT), second %d (%d HOT)", upd[0], hot[0], second, secondHot)
	// The rows the first round moved sit on pages filled to half, room
	// for each to be rewritten once without pruning; the rows it updated
	// in place need their old versions pruned first, which a transaction
	// open elsewhere on the server can hold back. At the default
	// fillfactor under a tenth are HOT.
	if secondHot < second*2/3 {
		t.Errorf("%d of the second round's %d updates of contacts were HOT, want at least two thirds", secondHot, second)
	}
}

// contactUpdates waits until Postgres has counted at least want updates of
// the schema's contacts, and returns the updates and the HOT ones.
func contactUpdates(t *testing.T, schema string, want int64) (upd, hot int64) {
	t.Helper()
	admin := pgAdminDB(t)
	query := testdataSQL(t, "contact_updates")
	for range 200 {
		noErr(t, admin.QueryRowContext(context.Background(), query, schema).Scan(&upd, &hot))
		if upd >= want {
			return upd, hot
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("Postgres counted %d updates of contacts, want at least %d", upd, want)
	return 0, 0
}
