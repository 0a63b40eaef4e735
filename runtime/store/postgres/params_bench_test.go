package postgres_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/lib/pq"
)

// BenchmarkBatchParameters times how Postgres takes a batch of 1,000
// contacts' parameters, as arrays or as one JSON document, with the
// encoding in Go each costs: the states (about 500 bytes of JSON each,
// the size the engine writes) and the history (three records a contact).
// Each statement only reads its rows (testdata/params_*.sql). The states
// go to update_states as a document on plain Postgres, where it measured
// faster; the records stay arrays, which measured faster for rows of
// short fields. Figures are in docs/performance.md.
func BenchmarkBatchParameters(b *testing.B) {
	const n = 1000
	state := `{"attrs":{"email":"someone@example.com","plan":"pro"},"enrollments":[{"journey":"crash","entry":1,` +
		`"version":"` + strings.Repeat("v", 64) + `","stage":"Only","status":"active","entered_at":"2026-01-05T09:00:00Z",` +
		`"stage_at":"2026-01-05T09:00:00Z","pending":[{"step":"Only/1","due":"2026-01-05T10:00:00Z"},` +
		`{"step":"Only/2","due":"2026-01-05T11:00:00Z"}]}],"timeline":[{"at":"2026-01-05T09:00:00Z",` +
		`"name":"signed_up","id":"ec1"}],"seen":{"ec1":true}}`
	type stateRow struct {
		ID    string          `json:"id"`
		Rev   int64           `json:"rev"`
		State json.RawMessage `json:"state"`
	}
	type record struct {
		Contact string `json:"contact_id"`
		Journey string `json:"journey"`
		Entry   int    `json:"entry"`
		Kind    string `json:"kind"`
		Step    string `json:"step"`
		Detail  string `json:"detail"`
		At      string `json:"at"`
	}
	var ids, states []string
	var revs []int64
	var rows []stateRow
	var records []record
	for i := range n {
		id := "c" + strconv.Itoa(i)
		ids, revs, states = append(ids, id), append(revs, 1), append(states, state)
		rows = append(rows, stateRow{id, 1, json.RawMessage(state)})
		for _, kind := range []string{"enrolled", "stage", "sent"} {
			records = append(records, record{id, "crash", 1, kind, "Only/0", "welcome", "2026-01-05T09:00:00Z"})
		}
	}
	column := func(f func(r record) string) []string {
		out := make([]string, len(records))
		for i, r := range records {
			out[i] = f(r)
		}
		return out
	}
	db := pgAdminDB(b)
	for _, tc := range []struct {
		name, file string
		args       func() []any
	}{
		{"states/arrays", "params_states_arrays", func() []any { return []any{pq.Array(ids), pq.Array(revs), pq.Array(states)} }},
		{"states/json", "params_states_json", func() []any {
			doc, err := json.Marshal(rows)
			if err != nil {
				b.Fatal(err)
			}
			return []any{string(doc)}
		}},
		{"history/arrays", "params_history_arrays", func() []any {
			entries := make([]int64, len(records))
			for i, r := range records {
				entries[i] = int64(r.Entry)
			}
			return []any{pq.Array(column(func(r record) string { return r.Contact })),
				pq.Array(column(func(r record) string { return r.Journey })), pq.Array(entries),
				pq.Array(column(func(r record) string { return r.Kind })), pq.Array(column(func(r record) string { return r.Step })),
				pq.Array(column(func(r record) string { return r.Detail })), pq.Array(column(func(r record) string { return r.At }))}
		}},
		{"history/json", "params_history_json", func() []any {
			doc, err := json.Marshal(records)
			if err != nil {
				b.Fatal(err)
			}
			return []any{string(doc)}
		}},
	} {
		query := testdataSQL(b, tc.file)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				var count, sum int64
				if err := db.QueryRowContext(context.Background(), query, tc.args()...).Scan(&count, &sum); err != nil {
					b.Fatal(err)
				}
				if count == 0 {
					b.Fatal("no rows read")
				}
			}
		})
	}
}
