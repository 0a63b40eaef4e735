package api_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/store"
)

// queued claims every contact due and returns the ids of their pending
// events, by contact, in order.
func queued(t *testing.T, st store.Store) map[string][]string {
	t.Helper()
	work, err := st.Claim(context.Background(), &store.ClaimParams{Now: start.Add(24 * time.Hour), Limit: 100, Worker: "w", Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, w := range work {
		for _, in := range w.Inputs {
			out[w.State.ID] = append(out[w.State.ID], in.Kind+":"+in.ID)
		}
	}
	return out
}

// TestBatchIntakeEachStore: a batch is stored in one transaction on every
// store. Its events are each stored once, however often they are given in
// a batch or across batches, and the answer lists the repeats in the
// order given; a batch with one bad event changes nothing.
func TestBatchIntakeEachStore(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnvOn(t, st, nil)
		bad := `{"events": [
			{"id": "z1", "contact": "c9", "name": "ping"},
			{"id": "z2", "contact": "c9", "name": "form_submitted", "payload": {"form": 7}}
		]}`
		e.do("POST", "/v1/events", bad).wantError(t, 400, api.CodeWrongType, "events[1].payload.form")
		e.nothingStored("c9")

		first := `{"events": [
			{"id": "a", "contact": "c1", "name": "ping", "at": "2026-03-02T08:00:00Z"},
			{"id": "b", "contact": "c2", "name": "ping"},
			{"id": "a", "contact": "c1", "name": "ping"},
			{"id": "c", "contact": "c1", "name": "form_submitted", "payload": {"form": "x"}, "at": "2026-03-02T07:00:00Z"},
			{"id": "b", "contact": "c2", "name": "ping"}
		]}`
		r := e.do("POST", "/v1/events", first).want(t, 202)
		if r.body["accepted"] != 3.0 || fmt.Sprint(r.body["duplicate_ids"]) != "[a b]" {
			t.Fatalf("first batch: %s", r.raw)
		}
		second := `{"events": [
			{"id": "d", "contact": "c2", "name": "ping"},
			{"id": "c", "contact": "c1", "name": "ping"},
			{"id": "d", "contact": "c2", "name": "ping"},
			{"id": "a", "contact": "c1", "name": "ping"}
		]}`
		r = e.do("POST", "/v1/events", second).want(t, 202)
		if r.body["accepted"] != 1.0 || fmt.Sprint(r.body["duplicate_ids"]) != "[c d a]" {
			t.Fatalf("second batch: %s", r.raw)
		}
		got := queued(t, st)
		want := map[string][]string{"c1": {"event:a", "event:c"}, "c2": {"event:b", "event:d"}}
		for c, ids := range want {
			if !slices.Equal(got[c], ids) {
				t.Errorf("%s's inputs %v, want %v", c, got[c], ids)
			}
		}
		if len(got) != len(want) {
			t.Errorf("contacts with inputs: %v", got)
		}
	})
}

// TestSegmentBatchEachStore: a Segment batch's identify and track calls
// are queued in the order given, in one transaction, on every store.
func TestSegmentBatchEachStore(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := segmentEnv(t, st)
		r := e.do("POST", "/v1/batch", `{"batch": [
			{"type": "track", "userId": "ada", "messageId": "m1", "event": "Order Completed", "properties": {"orderId": "o-1", "revenue": 20}},
			{"type": "identify", "userId": "ada", "traits": {"plan": "pro"}},
			{"type": "track", "userId": "ada", "messageId": "m1", "event": "Order Completed", "properties": {"orderId": "o-1", "revenue": 20}},
			{"type": "identify", "userId": "bob", "traits": {"plan": "free"}}
		]}`, "Authorization", "Bearer "+writeKey).want(t, 200)
		if r.body["contacts"] != 2.0 || r.body["accepted"] != 1.0 || fmt.Sprint(r.body["duplicate_ids"]) != "[m1]" {
			t.Fatalf("batch: %s", r.raw)
		}
		got := queued(t, st)
		if fmt.Sprint(got["ada"]) != "[event:m1 update:]" || fmt.Sprint(got["bob"]) != "[update:]" {
			t.Errorf("inputs %v", got)
		}
	})
}
