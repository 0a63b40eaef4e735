package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// testErase erases a contact with sends in the outbox (one held by a
// dispatcher), an active enrollment and a pending input, on every store:
// the contact, its wake-up and its input are gone; its outbox rows keep
// no payload and no contact, and those waiting are cancelled, the held
// one left to its dispatcher; its history and enrollment stay under the
// pseudonym, the enrollment exited "erased"; its event identities still
// catch a repeat. Another contact is untouched. Erasing again, or a
// contact never known, is ErrNotFound.
func testErase(t *testing.T, newStore Open) {
	ctx := context.Background()
	d := Deploy(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"news.journey":   []byte(consentJourney),
	}, consentTemplates)
	st := newStore(t)
	sim := worker.NewSim(d, st, t0)
	signUp(t, st, "ada", t0)
	signUp(t, st, "bob", t0)
	noErr(t, sim.Advance(ctx, t0.Add(time.Minute)))
	leased := must[[]store.OutboxRow](t)(st.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: sim.Now, Limit: 1, Worker: "d", Lease: time.Hour}))
	if len(leased) != 1 || leased[0].Contact != "ada" {
		t.Fatalf("leased %+v", leased)
	}
	noErr(t, st.PutContact(ctx, &store.PutContactParams{ID: "ada", Attrs: map[string]any{"email": "ada@example.com"}, At: t0.Add(time.Hour)}))
	bobBefore := historyLines(t, st, "bob", t0)

	const pseudonym = store.ErasedPrefix + "0123"
	noErr(t, st.Erase(ctx, &store.EraseParams{Contact: "ada", Pseudonym: pseudonym, At: sim.Now}))
	for _, id := range []string{"ada", "nobody"} {
		if err := st.Erase(ctx, &store.EraseParams{Contact: id, Pseudonym: store.NewPseudonym(), At: sim.Now}); err != store.ErrNotFound {
			t.Errorf("erasing %s: got %v, want ErrNotFound", id, err)
		}
	}
	if _, err := st.Contact(ctx, "ada"); err != store.ErrNotFound {
		t.Errorf("the erased contact: got %v, want ErrNotFound", err)
	}
	if h := historyLines(t, st, "ada", t0); len(h) != 0 {
		t.Errorf("history under the contact's id: %v", h)
	}
	want := []string{"0s enrolled 1", "0s stage Only", "0s sent tips", "0s sent tips", "0s sent receipt", "1m exited erased"}
	if diff := cmp.Diff(want, historyLines(t, st, pseudonym, t0)); diff != "" {
		t.Errorf("history under the pseudonym (-want +got):\n%s", diff)
	}
	if added, err := st.AddEvent(ctx, &store.AddEventParams{Contact: "ada", ID: "signup-ada", Name: "signed_up", At: sim.Now}); err != nil || added {
		t.Errorf("a repeat of the erased contact's event: added %v, %v", added, err)
	}

	noErr(t, sim.Advance(ctx, t0.Add(2*24*time.Hour)))
	if _, err := st.Contact(ctx, "ada"); err != store.ErrNotFound {
		t.Errorf("the erased contact came back: %v", err)
	}
	type row struct {
		Contact, Target, Status string
		Payload                 bool
	}
	var got []row
	for _, r := range must[[]store.OutboxRow](t)(st.ListOutbox(ctx, &store.ListOutboxParams{})) {
		got = append(got, row{r.Contact, r.Target, r.Status, len(r.Payload) > 0})
	}
	wantRows := []row{
		{pseudonym, "tips", store.OutboxPending, false}, // held by the dispatcher
		{pseudonym, "tips", store.OutboxCancelled, false},
		{pseudonym, "receipt", store.OutboxCancelled, false},
		{"bob", "tips", store.OutboxPending, true},
		{"bob", "tips", store.OutboxPending, true},
		{"bob", "receipt", store.OutboxPending, true},
		{"bob", "tips", store.OutboxPending, true},
		{"bob", "receipt", store.OutboxPending, true},
	}
	if diff := cmp.Diff(wantRows, got); diff != "" {
		t.Errorf("outbox (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(append(bobBefore, "1d sent tips", "1d sent receipt"), historyLines(t, st, "bob", t0)); diff != "" {
		t.Errorf("bob's history (-want +got):\n%s", diff)
	}
	stats := must[*store.Stats](t)(st.Stats(ctx, &store.StatsParams{Now: sim.Now}))
	if diff := cmp.Diff(map[string]map[string]int{"news": {"Only": 1}}, stats.Active); diff != "" {
		t.Errorf("active enrollments (-want +got):\n%s", diff)
	}
	if next, ok, err := st.NextWake(ctx); err != nil || ok {
		t.Errorf("a wake-up is left: %v %v %v", next, ok, err)
	}
}
