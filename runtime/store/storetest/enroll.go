package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// testEnroll enrolls contacts through Store.Enroll (rule 1), on every
// store: a batch naming a contact the store does not know queues nothing;
// a batch of known contacts enrolls each as an entry would, in order with
// the contact's other inputs; an enrollment while enrolled records
// nothing; after an exit, the journey's re-entry policy decides.
func testEnroll(t *testing.T, newStore Open) {
	ctx := context.Background()
	d := Deploy(t, map[string][]byte{
		"schema.journey": []byte(reconcileSchema),
		"j.journey": []byte("journey j\n\nentry on signed_up\nexit when score >= 10\nreenter after 1d\n\n" +
			"stage A {\n  after 1h tag \"a\"\n}\n"),
	}, nil)
	st := newStore(t)
	sim := worker.NewSim(d, st, t0)
	for _, id := range []string{"ada", "bob"} {
		noErr(t, st.PutContact(ctx, &store.PutContactParams{ID: id, Attrs: map[string]any{"score": int64(1)}, At: t0}))
	}
	noErr(t, sim.Advance(ctx, t0.Add(time.Minute)))

	err := st.Enroll(ctx, &store.EnrollParams{Journey: "j", Contacts: []string{"ada", "nobody", "bob"}, At: sim.Now})
	var unknown *store.UnknownContactError
	if !errors.As(err, &unknown) || unknown.Index != 1 || unknown.Contact != "nobody" || !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Enroll with an unknown contact: %v, want UnknownContactError at 1, which is ErrNotFound", err)
	}
	noErr(t, sim.Advance(ctx, t0.Add(time.Hour)))
	for _, id := range []string{"ada", "bob"} {
		if h := historyLines(t, st, id, t0); len(h) != 0 {
			t.Fatalf("%s: a refused batch enrolled: %v", id, h)
		}
	}

	at := t0.Add(2 * time.Hour)
	noErr(t, st.Enroll(ctx, &store.EnrollParams{Journey: "j", Contacts: []string{"ada", "bob"}, At: at}))
	noErr(t, st.Enroll(ctx, &store.EnrollParams{Journey: "j", Contacts: []string{"ada"}, At: at.Add(time.Minute)})) // enrolled: nothing
	noErr(t, sim.Advance(ctx, at.Add(3*time.Hour)))
	noErr(t, st.PutContact(ctx, &store.PutContactParams{ID: "ada", Attrs: map[string]any{"score": int64(20)}, At: sim.Now}))
	noErr(t, st.Enroll(ctx, &store.EnrollParams{Journey: "j", Contacts: []string{"ada"}, At: sim.Now})) // too soon after the exit: nothing
	noErr(t, sim.Advance(ctx, sim.Now.Add(time.Hour)))
	noErr(t, st.Enroll(ctx, &store.EnrollParams{Journey: "j", Contacts: []string{"ada"}, At: t0.Add(30 * time.Hour)})) // a day after: enrolled, and the exit holds
	noErr(t, sim.Advance(ctx, t0.Add(31*time.Hour)))

	want := map[string][]string{
		"ada": {"2h enrolled 1", "2h stage A", "3h tagged a", "5h exited exit", "1d6h enrolled 2", "1d6h stage A", "1d6h exited exit"},
		"bob": {"2h enrolled 1", "2h stage A", "3h tagged a"},
	}
	got := map[string][]string{}
	for id := range want {
		got[id] = historyLines(t, st, id, t0)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}
