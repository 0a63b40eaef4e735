package postgres_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime/store/postgres"
)

// citusTasks returns how many tasks Citus plans for the statement in
// citus/<name>.sql with args (EXPLAIN without ANALYZE: nothing runs),
// and how it runs an INSERT … SELECT ("" for other statements).
func citusTasks(t *testing.T, db *sql.DB, name string, args ...any) (tasks int, insertSelect string) {
	t.Helper()
	var out []byte
	if err := db.QueryRow("EXPLAIN (FORMAT JSON) "+postgres.CitusQuery(name), args...).Scan(&out); err != nil {
		t.Fatalf("explaining %s: %v", name, err)
	}
	var plans []struct {
		Plan struct {
			Provider    string `json:"Custom Plan Provider"`
			Method      string `json:"INSERT/SELECT method"`
			Distributed struct {
				Job struct {
					Tasks int `json:"Task Count"`
				} `json:"Job"`
			} `json:"Distributed Query"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("explaining %s: %d plans, %v: %s", name, len(plans), err, out)
	}
	p := plans[0].Plan
	if p.Provider == "" {
		t.Fatalf("%s: not a Citus plan: %s", name, out)
	}
	return p.Distributed.Job.Tasks, p.Method
}

// TestCitusRouterPlans: on a distributed store every statement of the
// intake, the claim and the commit of a batch is routed to one shard:
// Citus plans it as one task. A batch is a shard's contacts, as a claim
// takes them. The batch's inserts (outbox, history, enrollments) and a
// shard's part of a batched intake are calls of functions that Citus
// sends whole to the shard's worker (citus/functions.sql).
func TestCitusRouterPlans(t *testing.T) {
	t.Parallel()
	_, dsn := citusStore(t)
	db := citusDB(t, dsn)

	// Three contacts of one shard, and the buckets of that shard.
	var shard int64
	var ids []string
	for i := 0; len(ids) < 3 && i < 1000; i++ {
		id := fmt.Sprintf("c%d", i)
		var s int64
		if err := db.QueryRow(testdataSQL(t, "citus_shard_of"), id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 {
			shard = s
		}
		if s == shard {
			ids = append(ids, id)
		}
	}
	if len(ids) < 3 {
		t.Fatalf("no three contacts in one shard among 1000: %v", ids)
	}
	var buckets pq.Int64Array
	rows, err := db.Query(postgres.CitusQuery("shard_buckets"))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s int64
		var b pq.Int64Array
		if err := rows.Scan(&s, &b); err != nil {
			t.Fatal(err)
		}
		if s == shard {
			buckets = b
		}
	}
	if err := rows.Err(); err != nil || len(buckets) == 0 {
		t.Fatalf("the buckets of shard %d: %v %v", shard, buckets, err)
	}

	at := pgT0
	n := len(ids)
	texts := func(v string) pq.StringArray {
		a := make(pq.StringArray, n)
		for i := range a {
			a[i] = v
		}
		return a
	}
	times, ints, jsons := texts(at.Format("2006-01-02T15:04:05Z")), texts("1"), texts("{}")
	one := ids[0]
	for _, tc := range []struct {
		name string
		args []any
	}{
		{name: "insert_event_id", args: []any{"e1", one, at, at}},
		{name: "touch_contact", args: []any{one, "{}", at}},
		{name: "insert_input", args: []any{one, "event", "e1", "signed_up", nil, nil, at}},
		{name: "contact", args: []any{one}},
		{name: "outbox", args: []any{one}},
		{name: "history", args: []any{one}},
		{name: "claim", args: []any{at, 100, "w1", at, buckets}},
		{name: "lease_outbox", args: []any{at, 100, "d1", at, buckets}},
		{name: "claimed_states", args: []any{pq.StringArray(ids)}},
		{name: "claimed_inputs", args: []any{pq.StringArray(ids), 100}},
		{name: "lock_leases", args: []any{pq.StringArray(ids), "w1"}},
		{name: "update_states", args: []any{pq.StringArray(ids), ints, jsons}},
		{name: "delete_inputs", args: []any{pq.StringArray(ids), ints}},
		{name: "release_wakeups", args: []any{pq.StringArray(ids), times}},
		{name: "mark_outbox", args: []any{texts("k"), texts("sent"), ints, times, texts(""), "d1", at, pq.StringArray(ids)}},
		{name: "retry_outbox", args: []any{"k", at, buckets}},
		{name: "withdraw_outbox", args: []any{pq.StringArray(ids), texts("email")}},
		{name: "insert_outbox", args: []any{texts("k"), pq.StringArray(ids), texts("j"), texts("v"),
			texts("s"), texts("send"), texts("t"), jsons, times}},
		{name: "insert_history", args: []any{pq.StringArray(ids), texts("j"), ints, texts("sent"),
			texts("s"), texts(""), times, texts("Welcome")}},
		{name: "add_batch", args: []any{pq.StringArray(ids), texts("event"), texts("e"), texts("signed_up"), jsons,
			texts("{}"), times, times, jsons}},
		{name: "upsert_enrollments", args: []any{pq.StringArray(ids), texts("j"), ints, texts("v"),
			texts("active"), texts("s"), times, times, times, texts("")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "queries/" + tc.name
			if tc.name == "add_batch" {
				name = tc.name
			}
			tasks, method := citusTasks(t, db, name, tc.args...)
			if tasks != 1 || method != "" {
				t.Errorf("%d tasks, INSERT … SELECT method %q: want 1 task (a router plan)", tasks, method)
			}
		})
	}
}
