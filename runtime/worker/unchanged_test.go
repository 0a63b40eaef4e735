package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/storetest"
	"github.com/journeylang/journey/runtime/worker"
)

// The unchanged test's journey: a contact waits three days in its stage,
// whatever its score.
const waitJourney = `journey wait

entry on signed_up

stage Waiting {
  after 3d tag "waited"
}
`

const waitSchema = `contact {
  score: int
}

event signed_up
`

// TestRunUnchanged runs a contact waiting in a journey through inputs
// that change its state and inputs that do not: an update to the values
// it has is unchanged, and the store keeps the state of the run before
// (its time of run included); an update to another value, an event and
// the first run are changed.
func TestRunUnchanged(t *testing.T) {
	ctx := context.Background()
	d := storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(waitSchema), "j.journey": []byte(waitJourney)}, nil)
	st := memory.New()
	var last []*store.WorkResult
	w := &worker.Worker{Store: st, Engine: &runtime.Engine{Deployment: d}, ID: "w",
		Observe: func(b *worker.BatchReport) { last = b.Results }}
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	step := func(now time.Time, input func() error) *store.WorkResult {
		t.Helper()
		if err := input(); err != nil {
			t.Fatal(err)
		}
		last = nil
		if n, err := w.Tick(ctx, now); err != nil || n != 1 || len(last) != 1 {
			t.Fatalf("at %v: ran %d contacts (%v), want 1", now, n, err)
		}
		return last[0]
	}
	update := func(at time.Time, score int) func() error {
		return func() error {
			return st.PutContact(ctx, &store.PutContactParams{ID: "c", Attrs: map[string]any{"score": score}, At: at})
		}
	}
	event := func(at time.Time, id string) func() error {
		return func() error {
			_, err := st.AddEvent(ctx, &store.AddEventParams{Contact: "c", ID: id, Name: "signed_up", At: at})
			return err
		}
	}
	processed := func() time.Time {
		t.Helper()
		s, err := st.Contact(ctx, "c")
		if err != nil {
			t.Fatal(err)
		}
		return s.Processed
	}

	if r := step(start, update(start, 5)); r.Unchanged {
		t.Errorf("first run: unchanged, want changed")
	}
	t1 := start.Add(time.Minute)
	if r := step(t1, event(t1, "e1")); r.Unchanged || len(r.Outcome.Records) == 0 {
		t.Errorf("enrolling run: unchanged %v with %d records, want changed with records", r.Unchanged, len(r.Outcome.Records))
	}
	t2 := start.Add(time.Hour)
	r := step(t2, update(t2, 5))
	if !r.Unchanged {
		t.Errorf("update to the same score: changed, want unchanged")
	}
	if r.Outcome.Wake.IsZero() {
		t.Errorf("unchanged run: no wake-up, want the step's three days on")
	}
	if got := processed(); !got.Equal(t1) {
		t.Errorf("after the unchanged run the store's state ran at %v, want %v (not written)", got, t1)
	}
	t3 := start.Add(2 * time.Hour)
	if r := step(t3, update(t3, 6)); r.Unchanged {
		t.Errorf("update to another score: unchanged, want changed")
	}
	if got := processed(); !got.Equal(t3) {
		t.Errorf("after a changed run the store's state ran at %v, want %v", got, t3)
	}
	t4 := start.Add(3 * time.Hour)
	if r := step(t4, event(t4, "e2")); r.Unchanged {
		t.Errorf("an event: unchanged, want changed (the contact's events grow)")
	}
}
