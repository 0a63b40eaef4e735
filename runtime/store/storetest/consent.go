package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// consentTemplates: tips is marketing, receipt transactional.
var consentTemplates = map[string][]byte{
	"tips.md":    []byte("subject: Tips\n\nTips\n"),
	"receipt.md": []byte("subject: Your receipt\ntransactional: true\n\nPaid\n"),
}

const consentJourney = `journey news
entry on signed_up
stage Only {
  send "tips"
  send sms "tips"
  send "receipt"
  after 1d send "tips"
  after 1d send "receipt"
}
`

// testConsent withdraws a contact's consent on email, on every store
// (rule 12): its marketing email still waiting in the outbox is cancelled
// and recorded withdrawn, its SMS and transactional sends stay pending, a
// row a dispatcher holds is left to it, and its next marketing email is
// skipped and recorded unsubscribed while the transactional one goes.
// Resubscribing on every channel clears the state; an unknown contact is
// ErrNotFound.
func testConsent(t *testing.T, newStore Open) {
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

	// A dispatcher holds ada's first row, mid-call: consent cannot stop it.
	leased := must[[]store.OutboxRow](t)(st.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: sim.Now, Limit: 1, Worker: "d", Lease: time.Hour}))
	if len(leased) != 1 || leased[0].Contact != "ada" {
		t.Fatalf("leased %+v", leased)
	}

	if err := st.Consent(ctx, &store.ConsentParams{Contact: "nobody", Channel: "email", State: runtime.ConsentUnsubscribed, At: sim.Now}); err != store.ErrNotFound {
		t.Fatalf("unknown contact: got %v, want ErrNotFound", err)
	}
	for _, c := range []string{"ada", "bob"} {
		noErr(t, st.Consent(ctx, &store.ConsentParams{Contact: c, Channel: "email", State: runtime.ConsentUnsubscribed, At: sim.Now}))
	}
	noErr(t, sim.Advance(ctx, t0.Add(2*24*time.Hour)))

	type row struct{ Contact, Target, Channel, Status string }
	var got []row
	for _, r := range must[[]store.OutboxRow](t)(st.ListOutbox(ctx, &store.ListOutboxParams{})) {
		got = append(got, row{r.Contact, r.Target, channelOf(r.Payload), r.Status})
	}
	want := []row{
		{"ada", "tips", "email", store.OutboxPending}, // leased before the withdrawal
		{"ada", "tips", "sms", store.OutboxPending},
		{"ada", "receipt", "email", store.OutboxPending},
		{"bob", "tips", "email", store.OutboxCancelled},
		{"bob", "tips", "sms", store.OutboxPending},
		{"bob", "receipt", "email", store.OutboxPending},
		{"ada", "receipt", "email", store.OutboxPending},
		{"bob", "receipt", "email", store.OutboxPending},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outbox (-want +got):\n%s", diff)
	}
	wantBob := []string{
		"0s enrolled 1", "0s stage Only", "0s sent tips", "0s sent tips", "0s sent receipt",
		"1m withdrawn tips",
		"1d unsubscribed tips", "1d sent receipt",
	}
	if diff := cmp.Diff(wantBob, historyLines(t, st, "bob", t0)); diff != "" {
		t.Errorf("bob's history (-want +got):\n%s", diff)
	}
	if s := contactState(t, st, "bob"); !cmp.Equal(s.Consent, map[string]string{"email": runtime.ConsentUnsubscribed}) {
		t.Errorf("bob's consent: %v", s.Consent)
	}

	// A withdrawn row is never leased.
	for _, r := range must[[]store.OutboxRow](t)(st.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: sim.Now, Limit: 100, Worker: "d2", Lease: time.Hour})) {
		if r.Status == store.OutboxCancelled || r.Contact == "bob" && r.Target == "tips" && channelOf(r.Payload) == "email" {
			t.Errorf("leased a cancelled row: %+v", r)
		}
	}
	if n := must[int](t)(st.RetryOutbox(ctx, &store.RetryOutboxParams{Now: sim.Now})); n != 0 {
		t.Errorf("retried %d rows", n)
	}

	noErr(t, st.Consent(ctx, &store.ConsentParams{Contact: "bob", State: runtime.ConsentSubscribed, At: sim.Now}))
	noErr(t, sim.Advance(ctx, sim.Now.Add(time.Minute)))
	if s := contactState(t, st, "bob"); len(s.Consent) != 0 {
		t.Errorf("after resubscribing: %v", s.Consent)
	}
}

func channelOf(payload []byte) string { return runtime.PayloadChannel(payload) }
