package main

import (
	"testing"

	"github.com/journeylang/journey/runtime/store/postgres/pgtest"
)

// TestRunnersShareCitus is TestRunnersShareOnePostgres on the coordinator
// of a Citus cluster ($JOURNEY_CITUS_DSN; skipped without one): two
// `journey run` processes on a store that opening distributes, 2,000
// contacts whose events are posted to both runners' HTTP APIs, every
// action delivered once by key; and the contacts' rows are spread over
// both workers.
func TestRunnersShareCitus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	_, dsn := pgtest.CitusSchema(t)
	const contacts = 2000
	runnersShare(t, dsn, contacts)
	perNode := pgtest.CitusRowsPerNode(t, dsn, "contacts")
	total := 0
	for _, n := range perNode {
		total += n
	}
	if len(perNode) != 2 || total != contacts {
		t.Fatalf("contacts per worker %v: want %d over two workers", perNode, contacts)
	}
	for port, n := range perNode {
		// 32 shards over two workers: each holds about half.
		if n < contacts/4 {
			t.Errorf("worker %d holds %d of %d contacts: not spread", port, n, contacts)
		}
	}
	t.Logf("contacts per worker: %v", perNode)
}
