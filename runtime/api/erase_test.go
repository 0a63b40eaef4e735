package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
)

// TestDeleteContact erases a contact on every kind of store: 204, then
// the contact is unknown (404 to GET and to a second DELETE), its history
// is filed under a pseudonym with its enrollment exited "erased", and its
// outbox rows keep no payload.
func TestDeleteContact(t *testing.T) {
	eachStore(t, func(t *testing.T, db store.Store) {
		e := newEnvOn(t, db, nil)
		e.do("PUT", "/v1/contacts/c1", `{"attributes": {"email": "ada@example.com"}}`).want(t, 202)
		e.do("POST", "/v1/events", `{"id": "e1", "contact": "c1", "name": "form_submitted", "payload": {"form": "pricing-guide"}}`).want(t, 202)
		e.advance(time.Hour)
		e.do("GET", "/v1/contacts/c1", "").want(t, 200)

		r := e.do("DELETE", "/v1/contacts/c1", "").want(t, 204)
		if r.raw != "" {
			t.Errorf("a 204 with a body: %q", r.raw)
		}
		e.do("GET", "/v1/contacts/c1", "").wantError(t, 404, "not_found", "id")
		e.do("DELETE", "/v1/contacts/c1", "").wantError(t, 404, "not_found", "id")

		ctx := context.Background()
		all, err := db.History(ctx, &store.HistoryParams{})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, rec := range all {
			if rec.Contact == "c1" || !strings.HasPrefix(rec.Contact, store.ErasedPrefix) {
				t.Fatalf("a record names the contact: %+v", rec)
			}
			kinds = append(kinds, rec.Kind+" "+rec.Detail)
		}
		if len(kinds) == 0 || kinds[len(kinds)-1] != "exited erased" {
			t.Errorf("history %v, want it to end with the exit", kinds)
		}
		rows, err := db.ListOutbox(ctx, &store.ListOutboxParams{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Contact == "c1" || rows[0].Payload != nil || rows[0].Status != store.OutboxCancelled {
			t.Errorf("outbox after the erasure: %+v", rows)
		}
		if strings.Contains(e.logs.String(), "ada@example.com") {
			t.Errorf("the log names the contact's address")
		}
	})
}
