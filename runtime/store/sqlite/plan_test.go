package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/journeylang/journey/runtime/store/sqlite"
)

// param is a statement's named parameter.
var param = regexp.MustCompile(`:([a-z_]+)`)

// planDB is a store in a file of the test's with testdata/<script>.sql
// run on it, and a connection of the test's own to it.
func planDB(t *testing.T, script string) *sql.DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	s, err := sqlite.Open(ctx, path)
	noErr(t, err)
	t.Cleanup(func() { s.Close() })
	db, err := sql.Open("sqlite", path)
	noErr(t, err)
	t.Cleanup(func() { db.Close() })
	text, err := os.ReadFile("testdata/" + script + ".sql")
	noErr(t, err)
	_, err = db.ExecContext(ctx, string(text))
	noErr(t, err)
	return db
}

// queryPlan is the plan of the statement in queries/<query>.sql, every
// parameter NULL (the plans tested do not depend on them), one line a
// step.
func queryPlan(t *testing.T, db *sql.DB, query string) string {
	t.Helper()
	text, err := os.ReadFile("queries/" + query + ".sql")
	noErr(t, err)
	var args []any
	for _, m := range param.FindAllStringSubmatch(string(text), -1) {
		if !slices.ContainsFunc(args, func(a any) bool { return a.(sql.NamedArg).Name == m[1] }) {
			args = append(args, sql.Named(m[1], nil))
		}
	}
	// A test is the one place where a statement is prefixed so.
	rows, err := db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+string(text), args...)
	noErr(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		noErr(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	noErr(t, rows.Err())
	return strings.Join(plan, "\n")
}

// TestQueuePlans: with 20,000 contacts due at one instant, the claim
// reads them through the index wakeups_claim in the order it leases them
// and sorts none (SQLite says USE TEMP B-TREE FOR ORDER BY when it
// sorts); so do the outbox leases, through their indexes.
func TestQueuePlans(t *testing.T) {
	db := planDB(t, "queue_plan")
	for query, index := range map[string]string{
		"claim":                "wakeups_claim",
		"outbox_lease_due":     "outbox_due",
		"outbox_lease_expired": "outbox_leased_order",
	} {
		all := queryPlan(t, db, query)
		if strings.Contains(all, "TEMP B-TREE") || !strings.Contains(all, "INDEX "+index) {
			t.Errorf("%s: plan\n%s\nwant it through %s, sorting nothing", query, all, index)
		}
	}
}

// TestReportPlans: the stages' reports read the stage and exit marks,
// the rows that hold an enrollment's first records among them, through
// the partial index history_visits.
func TestReportPlans(t *testing.T) {
	db := planDB(t, "report_plan")
	for _, query := range []string{"report_stages", "report_version_stages"} {
		if all := queryPlan(t, db, query); !strings.Contains(all, "SEARCH h USING INDEX history_visits") {
			t.Errorf("%s: plan\n%s\nwant the history through history_visits", query, all)
		}
	}
}
