package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/store"
)

// TestEnroll enrolls contacts through POST /v1/journeys/{name}/enrollments
// on each kind of store: a batch enrolls each contact as an entry would,
// into the journey's first stage; an enrollment of a contact already
// enrolled is accepted and records nothing.
func TestEnroll(t *testing.T) {
	eachStore(t, func(t *testing.T, db store.Store) {
		e := newEnvOn(t, db, nil)
		for _, id := range []string{"c1", "c2"} {
			e.do("PUT", "/v1/contacts/"+id, `{"attributes": {"email": "a@x", "score": 10, "lifecycle": "lead"}}`).want(t, 202)
		}
		e.advance(time.Minute)
		r := e.do("POST", "/v1/journeys/lead_nurture/enrollments", `{"contacts": ["c1", "c2"]}`).want(t, 202)
		if diff := cmp.Diff(map[string]any{"journey": "lead_nurture", "contacts": []any{"c1", "c2"}}, r.body); diff != "" {
			t.Errorf("answer (-want +got):\n%s", diff)
		}
		e.advance(2 * time.Minute)
		history := func() []string {
			recs, err := db.History(context.Background(), &store.HistoryParams{})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range recs {
				out = append(out, fmt.Sprintf("%s %s#%d %s %s", h.Contact, h.Journey, h.Entry, h.Kind, h.Detail))
			}
			return out
		}
		want := []string{
			"c1 lead_nurture#1 enrolled 1", "c1 lead_nurture#1 stage Awareness", "c1 lead_nurture#1 sent welcome",
			"c2 lead_nurture#1 enrolled 1", "c2 lead_nurture#1 stage Awareness", "c2 lead_nurture#1 sent welcome",
		}
		if diff := cmp.Diff(want, history()); diff != "" {
			t.Fatalf("history (-want +got):\n%s", diff)
		}

		// Enrolled already: accepted, and nothing new.
		r = e.do("POST", "/v1/journeys/lead_nurture/enrollments", `{"contact": "c1"}`).want(t, 202)
		if r.body["journey"] != "lead_nurture" || fmt.Sprint(r.body["contacts"]) != "[c1]" {
			t.Errorf("answer %s", r.raw)
		}
		e.advance(3 * time.Minute)
		if diff := cmp.Diff(want, history()); diff != "" {
			t.Errorf("history after a second enrollment (-want +got):\n%s", diff)
		}
		if o, _ := db.Outbox(context.Background(), &store.OutboxParams{}); len(o) != 2 {
			t.Errorf("outbox: %d rows, want the 2 welcomes", len(o))
		}
	})
}

// TestEnrollTooMany: a batch of more than MaxBatch contacts is refused
// whole, naming the list, and nothing is queued.
func TestEnrollTooMany(t *testing.T) {
	e := newEnv(t, nil)
	e.do("PUT", "/v1/contacts/c", `{"attributes": {"email": "a@x", "score": 10, "lifecycle": "lead"}}`).want(t, 202)
	e.advance(time.Minute)
	ids := make([]string, api.MaxBatch+1)
	for i := range ids {
		ids[i] = `"c"`
	}
	e.do("POST", "/v1/journeys/lead_nurture/enrollments", `{"contacts": [`+strings.Join(ids, ",")+`]}`).wantError(t, 400, api.CodeBadValue, "contacts")
	if _, ok, _ := e.store.NextWake(context.Background()); ok {
		t.Errorf("the store has work due after a refused batch")
	}
}
