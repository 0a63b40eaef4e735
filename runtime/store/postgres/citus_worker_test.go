package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
)

// TestCitusBatchOnWorker: a batch's outbox rows are written by a call
// that Citus sends whole to the worker holding the contact's shard, and
// the call joins the transaction it is made in, so that a contact's
// position and its outbox rows commit together or not at all.
// EXPLAIN ANALYZE runs the call: its one task ran on the shard's worker.
// The contact made earlier in the transaction (a statement routed to
// the same shard) and the row the call wrote are seen in it, and both
// are gone when it rolls back; both stay when it commits.
func TestCitusBatchOnWorker(t *testing.T) {
	t.Parallel()
	s, dsn := citusStore(t)
	db := citusDB(t, dsn)
	ctx := context.Background()
	var port int
	if err := db.QueryRow(testdataSQL(t, "citus_node_of"), "c1").Scan(&port); err != nil {
		t.Fatal(err)
	}
	for _, commit := range []bool{false, true} {
		t.Run(fmt.Sprintf("commit=%v", commit), func(t *testing.T) {
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.Exec(postgres.CitusQuery("queries/touch_contact"), "c1", `{"id":"c1"}`, pgT0); err != nil {
				t.Fatal(err)
			}
			one := func(v string) pq.StringArray { return pq.StringArray{v} }
			var out []byte
			if err := tx.QueryRow("EXPLAIN (ANALYZE, FORMAT JSON) "+postgres.CitusQuery("queries/insert_outbox"),
				one("k1"), one("c1"), one("j"), one("v"), one("s"), one("send"), one("t"), one("{}"),
				one(pgT0.Format("2006-01-02T15:04:05Z"))).Scan(&out); err != nil {
				t.Fatal(err)
			}
			if nodes := citusTaskNodes(t, out); len(nodes) != 1 || !strings.Contains(nodes[0], fmt.Sprintf("port=%d ", port)) {
				t.Errorf("the call ran as tasks on %q, want one on the worker at port %d", nodes, port)
			}
			var rows int
			if err := tx.QueryRow(testdataSQL(t, "citus_outbox_rows"), "c1").Scan(&rows); err != nil || rows != 1 {
				t.Fatalf("in the transaction, %d outbox rows (%v), want 1", rows, err)
			}
			if commit {
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			} else if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			_, err = s.Contact(ctx, "c1")
			if err := db.QueryRow(testdataSQL(t, "citus_outbox_rows"), "c1").Scan(&rows); err != nil {
				t.Fatal(err)
			}
			switch {
			case commit && (err != nil || rows != 1):
				t.Errorf("committed: contact %v, %d outbox rows; want both", err, rows)
			case !commit && (!errors.Is(err, store.ErrNotFound) || rows != 0):
				t.Errorf("rolled back: contact %v, %d outbox rows; want neither", err, rows)
			}
		})
	}
}

// citusTaskNodes returns the node of each task of an EXPLAIN (FORMAT
// JSON) of a Citus plan.
func citusTaskNodes(t *testing.T, explained []byte) []string {
	t.Helper()
	var plans []struct {
		Plan struct {
			Distributed struct {
				Job struct {
					Tasks []struct {
						Node string `json:"Node"`
					} `json:"Tasks"`
				} `json:"Job"`
			} `json:"Distributed Query"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal(explained, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("%d plans, %v: %s", len(plans), err, explained)
	}
	var nodes []string
	for _, task := range plans[0].Plan.Distributed.Job.Tasks {
		nodes = append(nodes, task.Node)
	}
	return nodes
}
