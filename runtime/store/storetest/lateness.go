package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// LateJourney waits for a ping from 10s after the sign-up, for 30s: a
// ping 20s after the sign-up is quick only when each input keeps its time
// (the suite's test of late inputs, and the engine's).
const LateJourney = `journey j
entry on signed_up
stage S {
  after 10s wait for ping within 30s {
    tag "quick"
  } timeout {
    tag "slow"
  }
}
`

// testFirstRunLateInputs posts the same history for two contacts, an
// update half an hour before a sign-up and a ping 20s after it, all taken
// up 80s after the sign-up, on every store: "ran" ran once at its update,
// "fresh" never ran before. A first run starts at its earliest input's
// time (rule 8), so both record the same, the quick ping included.
func testFirstRunLateInputs(t *testing.T, newStore Open) {
	ctx := context.Background()
	d := Deploy(t, map[string][]byte{"schema.journey": []byte(haltSchema), "j.journey": []byte(LateJourney)}, haltTemplates)
	st := newStore(t)
	w := &worker.Worker{Store: st, Engine: &runtime.Engine{Deployment: d}, ID: "w"}
	update := func(contact string) {
		noErr(t, st.PutContact(ctx, &store.PutContactParams{ID: contact, Attrs: map[string]any{"email": contact + "@example.com"}, At: t0.Add(-30 * time.Minute)}))
	}
	events := func(contact string) {
		for _, e := range []store.AddEventParams{
			{Contact: contact, ID: contact + "-signup", Name: "signed_up", At: t0},
			{Contact: contact, ID: contact + "-ping", Name: "ping", At: t0.Add(20 * time.Second)},
		} {
			_, err := st.AddEvent(ctx, &e)
			noErr(t, err)
		}
	}
	tickAll := func(now time.Time) {
		for {
			n, err := w.Tick(ctx, now)
			noErr(t, err)
			if n == 0 {
				return
			}
		}
	}

	update("ran")
	tickAll(t0.Add(-30 * time.Minute))
	update("fresh")
	events("ran")
	events("fresh")
	tickAll(t0.Add(80 * time.Second))

	ran, fresh := historyLines(t, st, "ran", t0), historyLines(t, st, "fresh", t0)
	if diff := cmp.Diff(ran, fresh); diff != "" {
		t.Errorf("history (-after an earlier run +first run):\n%s", diff)
	}
	if !slices.Contains(fresh, "20s tagged quick") {
		t.Errorf("fresh's history %q: want the ping taken at its time, tagged quick", fresh)
	}
}
