package postgres

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
)

// TestStateDocument checks that update_states's document, written piece
// by piece, is the bytes json.Marshal makes of the same rows, for ids that
// JSON must escape.
func TestStateDocument(t *testing.T) {
	type row struct {
		ID    string          `json:"id"`
		Rev   int64           `json:"rev"`
		State json.RawMessage `json:"state"`
	}
	ids := []string{"c1", `quote"back\slash`, "<tag>&amp;", "tab\tnew\nline\x01", "ünï😀", ""}
	var rows []row
	var revs []int64
	var states []json.RawMessage
	for i, id := range ids {
		st, err := json.Marshal(&runtime.ContactState{ID: id, Attrs: map[string]any{"n": i, "s": "<b>"}, Processed: time.Date(2026, 1, 5, 9, 0, i, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row{id, int64(i * 7), st})
		revs, states = append(revs, int64(i*7)), append(states, st)
	}
	want, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	got, err := stateDocument(ids, revs, states)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("document:\n%s\nwant json.Marshal's:\n%s", got, want)
	}
	if got, _ := stateDocument(nil, nil, nil); string(got) != "[]" {
		t.Errorf("empty document %s, want []", got)
	}
}
