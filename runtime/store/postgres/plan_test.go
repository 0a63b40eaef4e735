package postgres_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store/postgres"
)

// planNode is a node of EXPLAIN (FORMAT JSON)'s plan.
type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Plans    []planNode `json:"Plans"`
}

// explain returns the plan of the statement in queries/<name>.sql with
// args, as the planner makes it for those values (EXPLAIN without
// ANALYZE: nothing runs). EXPLAIN is put before the statement's text: a
// test is the one place where a statement is prefixed so.
func explain(t *testing.T, db *sql.DB, name string, args ...any) planNode {
	t.Helper()
	var out []byte
	if err := db.QueryRow("EXPLAIN (FORMAT JSON) "+postgres.Query(name), args...).Scan(&out); err != nil {
		t.Fatalf("explaining %s: %v", name, err)
	}
	var plans []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("explaining %s: %d plans, %v: %s", name, len(plans), err, out)
	}
	return plans[0].Plan
}

// sortsOver lists the sorts in the plan under which table is read with no
// Limit between: a sort of every row of the table that qualifies, rather
// than of a batch already taken in order. Each is named by its path.
func sortsOver(n planNode, table string) []string {
	var found []string
	var walk func(n planNode, path string, sorting string)
	walk = func(n planNode, path, sorting string) {
		path += "/" + n.NodeType
		switch {
		case n.NodeType == "Sort" || n.NodeType == "Incremental Sort":
			if sorting == "" {
				sorting = path
			}
		case n.NodeType == "Limit":
			sorting = ""
		case n.Relation == table && n.NodeType != "ModifyTable" && sorting != "":
			found = append(found, sorting+" over "+path)
		}
		for _, c := range n.Plans {
			walk(c, path, sorting)
		}
	}
	walk(n, "", "")
	return found
}

// scans lists the indexes the plan reads table through, and "seq" for a
// sequential scan of it.
func scans(n planNode, table string) []string {
	var out []string
	if n.Relation == table && n.NodeType != "ModifyTable" {
		if n.Index != "" {
			out = append(out, n.Index)
		} else {
			out = append(out, strings.ToLower(strings.Fields(n.NodeType)[0]))
		}
	}
	for _, c := range n.Plans {
		out = append(out, scans(c, table)...)
	}
	return out
}

// queuePlanDB is a store's schema holding testdata/queue_plan.sql's queue
// (100,000 contacts and 100,000 outbox rows due at one instant), analysed,
// and a connection to it.
func queuePlanDB(t *testing.T) *sql.DB {
	t.Helper()
	_, db := storeAndDB(t)
	_, err := db.ExecContext(context.Background(), testdataSQL(t, "queue_plan"))
	noErr(t, err)
	return db
}

// TestQueuePlans: with 100,000 contacts due at one instant, the claim
// reads the due wake-ups through an index in the order it leases them,
// (wake_at, contact_id), and sorts none of them; so does the poll, and
// the outbox lease with 100,000 rows due at one instant and 2,000 whose
// leases end at one instant. Each would otherwise sort every row tied at
// that instant on each call. Retention's batches of the outbox (100,000
// rows sent at one instant) and of the history (200,000 records) are
// found through their indexes too.
func TestQueuePlans(t *testing.T) {
	db := queuePlanDB(t)
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		query, table string
		args         []any
	}{
		{"claim", "wakeups", []any{at, 1000, "w2", at.Add(time.Minute)}},
		// Later than the leases' end: the claim takes the expired leases too.
		{"claim", "wakeups", []any{at.Add(2 * time.Minute), 1000, "w2", at.Add(3 * time.Minute)}},
		{"next_wake", "wakeups", nil},
		{"lease_outbox", "outbox", []any{at.Add(2 * time.Minute), 100, "d2", at.Add(3 * time.Minute)}},
		{"retain_outbox", "outbox", []any{at, 5000}},
		{"retain_history", "history", []any{at, 5000}},
	} {
		plan := explain(t, db, c.query, c.args...)
		if s := sortsOver(plan, c.table); len(s) > 0 {
			t.Errorf("%s at %v sorts the %s it reads: %v", c.query, c.args, c.table, s)
		}
		for _, idx := range scans(plan, c.table) {
			if idx == "seq" {
				t.Errorf("%s at %v reads all of %s: %v", c.query, c.args, c.table, scans(plan, c.table))
			}
		}
	}
}

// windowsOver lists the window nodes of the plan.
func windowsOver(n planNode) []planNode {
	var out []planNode
	if n.NodeType == "WindowAgg" {
		out = append(out, n)
	}
	for _, c := range n.Plans {
		out = append(out, windowsOver(c)...)
	}
	return out
}

// TestReportPlans: over the report benchmark's store (1,000,000 history
// records in 600,000 rows, an enrollment's first records packed into
// one), the stages' report reads the stage and exit marks, the packed
// rows among them, through the partial index history_visits, and its
// window reads them in the index's order, sorting none: for every
// journey and all time, and for one journey's two weeks of entries.
func TestReportPlans(t *testing.T) {
	t.Parallel()
	_, db := storeAndDB(t)
	_, err := db.ExecContext(context.Background(), testdataSQL(t, "report_bench"))
	noErr(t, err)
	since := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, args := range [][]any{
		{"", nil, nil, now, 86400.0},
		{"bench", since, since.Add(14 * 24 * time.Hour), now, 86400.0},
	} {
		plan := explain(t, db, "report_stages", args...)
		if got := scans(plan, "history"); len(got) != 1 || got[0] != "history_visits" {
			t.Errorf("report_stages %v reads the history through %v, want history_visits", args[:3], got)
		}
		windows := windowsOver(plan)
		if len(windows) == 0 {
			t.Errorf("report_stages %v: no window in the plan", args[:3])
		}
		for _, w := range windows {
			if s := sortsOver(w, "history"); len(s) > 0 {
				t.Errorf("report_stages %v sorts the history under its window: %v", args[:3], s)
			}
		}
	}
}
