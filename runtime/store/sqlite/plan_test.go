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

// TestQueuePlans: with 20,000 contacts due at one instant, the claim
// reads them through the index wakeups_claim in the order it leases them
// and sorts none (SQLite says USE TEMP B-TREE FOR ORDER BY when it
// sorts); so do the outbox leases, through their indexes.
func TestQueuePlans(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	s, err := sqlite.Open(ctx, path)
	noErr(t, err)
	defer s.Close()
	db, err := sql.Open("sqlite", path)
	noErr(t, err)
	defer db.Close()
	script, err := os.ReadFile("testdata/queue_plan.sql")
	noErr(t, err)
	_, err = db.ExecContext(ctx, string(script))
	noErr(t, err)

	for query, index := range map[string]string{
		"claim":                "wakeups_claim",
		"outbox_lease_due":     "outbox_due",
		"outbox_lease_expired": "outbox_leased_order",
	} {
		text, err := os.ReadFile("queries/" + query + ".sql")
		noErr(t, err)
		// Every parameter NULL: the plan does not depend on them.
		var args []any
		for _, m := range param.FindAllStringSubmatch(string(text), -1) {
			if !slices.ContainsFunc(args, func(a any) bool { return a.(sql.NamedArg).Name == m[1] }) {
				args = append(args, sql.Named(m[1], nil))
			}
		}
		// A test is the one place where a statement is prefixed so.
		rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+string(text), args...)
		noErr(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			noErr(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		noErr(t, rows.Err())
		rows.Close()
		all := strings.Join(plan, "\n")
		if strings.Contains(all, "TEMP B-TREE") || !strings.Contains(all, "INDEX "+index) {
			t.Errorf("%s: plan\n%s\nwant it through %s, sorting nothing", query, all, index)
		}
	}
}
