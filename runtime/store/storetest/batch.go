package storetest

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// batchItems are a batch of updates and events for two contacts, out of
// order in time, with a repeat of an earlier event of the batch (index 4)
// and of an event stored before (index 5, "e0").
func batchItems() []store.BatchItem {
	ev := func(contact, id, name string, payload map[string]any, at time.Duration) store.BatchItem {
		return store.BatchItem{Event: &store.AddEventParams{Contact: contact, ID: id, Name: name, Payload: payload, At: t0.Add(at), Received: t0.Add(time.Hour)}}
	}
	up := func(contact string, attrs map[string]any, at time.Duration) store.BatchItem {
		return store.BatchItem{Update: &store.PutContactParams{ID: contact, Attrs: attrs, At: t0.Add(at)}}
	}
	return []store.BatchItem{
		up("c1", map[string]any{"plan": "pro", "seats": int64(3)}, 10*time.Minute),
		ev("c1", "e1", "signed_up", map[string]any{"form": "a"}, 5*time.Minute),
		ev("c2", "e2", "login", nil, 20*time.Minute),
		up("c2", map[string]any{"plan": nil}, 2*time.Minute),
		ev("c2", "e1", "signed_up", map[string]any{"form": "b"}, time.Minute),
		ev("c1", "e0", "login", nil, 3*time.Minute),
		ev("c1", "e3", "page_viewed", map[string]any{"path": "/x", "n": 1.5}, 30*time.Minute),
	}
}

// claimAll claims every contact due at the end of time, by ID.
func claimAll(t *testing.T, st store.Store) map[string]*store.Work {
	t.Helper()
	work := must[[]*store.Work](t)(st.Claim(context.Background(), &store.ClaimParams{Now: t0.Add(365 * 24 * time.Hour), Limit: 100, Worker: "w", Lease: time.Minute}))
	out := map[string]*store.Work{}
	for _, w := range work {
		out[w.State.ID] = w
	}
	return out
}

// sameWork fails unless two claims hold the same contacts, due at the same
// times, with the same inputs in the same order (their numbers aside).
func sameWork(t *testing.T, got, want map[string]*store.Work) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("claimed %d contacts, want %d", len(got), len(want))
	}
	for id, w := range want {
		g := got[id]
		if g == nil {
			t.Fatalf("contact %s not claimed", id)
		}
		if !g.Due.Equal(w.Due) {
			t.Errorf("%s due at %v, want %v", id, g.Due, w.Due)
		}
		strip := func(in []runtime.Input) []runtime.Input {
			out := slices.Clone(in)
			for i := range out {
				out[i].Seq = 0
				out[i].At = out[i].At.UTC()
			}
			return out
		}
		if gi, wi := strip(g.Inputs), strip(w.Inputs); !reflect.DeepEqual(gi, wi) {
			t.Errorf("%s's inputs:\n got  %+v\n want %+v", id, gi, wi)
		}
	}
}

// testBatch: a batch queues what the same updates and events would one
// by one, in the same order, and is answered with the indexes of the
// repeats: of an event stored before, and of an event earlier in the
// batch (the first of the two is taken).
func testBatch(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	batched, single := newStore(t), newStore(t)
	e0 := &store.AddEventParams{Contact: "c1", ID: "e0", Name: "login", At: t0}
	for _, st := range []store.Store{batched, single} {
		if !must[bool](t)(st.AddEvent(ctx, e0)) {
			t.Fatal("e0 not taken")
		}
	}
	res := must[*store.AddBatchResult](t)(batched.AddBatch(ctx, &store.AddBatchParams{Items: batchItems()}))
	// Item 5 repeats e0 of the same contact: a repeat on every store. Item
	// 4 repeats e1 of another contact: a repeat where an identity is
	// unique across contacts (every store but Citus, where it is unique
	// within the contact's bucket: docs/scale.md); the batch must agree
	// with the same events one by one either way.
	if want, citus := []int{4, 5}, []int{5}; !slices.Equal(res.Duplicates, want) && !slices.Equal(res.Duplicates, citus) {
		t.Fatalf("duplicates %v, want %v (or %v where identities are per bucket)", res.Duplicates, want, citus)
	}
	var dups []int
	for i, it := range batchItems() {
		if it.Update != nil {
			noErr(t, single.PutContact(ctx, it.Update))
		} else if !must[bool](t)(single.AddEvent(ctx, it.Event)) {
			dups = append(dups, i)
		}
	}
	if !slices.Equal(dups, res.Duplicates) {
		t.Fatalf("one by one, the duplicates are %v; batched, %v", dups, res.Duplicates)
	}
	got, want := claimAll(t, batched), claimAll(t, single)
	sameWork(t, got, want)
	if n := len(got["c1"].Inputs); n != 4 {
		t.Errorf("c1 has %d inputs, want 4 (e0, its update, e1, e3)", n)
	}

	// The same batch again: every event is a repeat, the updates are
	// queued again.
	res = must[*store.AddBatchResult](t)(batched.AddBatch(ctx, &store.AddBatchParams{Items: batchItems()}))
	if want := []int{1, 2, 4, 5, 6}; !slices.Equal(res.Duplicates, want) {
		t.Fatalf("the batch again: duplicates %v, want %v", res.Duplicates, want)
	}
}

// testBatchAllOrNothing: a batch that fails at its last item stores
// nothing: not its contacts, not its inputs, not its events' identities.
func testBatchAllOrNothing(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	st := newStore(t)
	items := batchItems()
	items = append(items, store.BatchItem{Event: &store.AddEventParams{Contact: "c3", ID: "e9", Name: "login", Payload: map[string]any{"x": math.NaN()}, At: t0}})
	if _, err := st.AddBatch(ctx, &store.AddBatchParams{Items: items}); err == nil {
		t.Fatal("a payload that is not JSON was stored")
	}
	if _, err := st.AddBatch(ctx, &store.AddBatchParams{Items: []store.BatchItem{{}}}); err == nil {
		t.Fatal("an item with neither an update nor an event was taken")
	}
	for _, id := range []string{"c1", "c2", "c3"} {
		if _, err := st.Contact(ctx, id); err != store.ErrNotFound {
			t.Errorf("contact %s after a failed batch: %v, want ErrNotFound", id, err)
		}
	}
	if w := claimAll(t, st); len(w) != 0 {
		t.Errorf("%d contacts due after a failed batch", len(w))
	}
	for _, id := range []string{"e1", "e2", "e3"} {
		if !must[bool](t)(st.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: id, Name: "login", At: t0})) {
			t.Errorf("event %s is a repeat after a failed batch", id)
		}
	}
}

// testBatchConcurrent: batches sent at once that share events, in
// different orders, store each event once: the accepted events add up
// to the distinct ones, and each is queued once.
func testBatchConcurrent(t *testing.T, newStore Open) {
	t.Parallel()
	ctx := context.Background()
	st := newStore(t)
	const senders, events = 4, 60
	accepted := make([]int, senders)
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	for g := range senders {
		wg.Go(func() {
			var items []store.BatchItem
			for k := range events {
				i := (k*(g+1) + g) % events // each sender its own order
				items = append(items, store.BatchItem{Event: &store.AddEventParams{
					Contact: fmt.Sprintf("c%d", i%7), ID: fmt.Sprintf("e%02d", i), Name: "login", At: t0.Add(time.Duration(i) * time.Second)}})
			}
			for start := 0; start < len(items); start += 20 {
				res, err := st.AddBatch(ctx, &store.AddBatchParams{Items: items[start : start+20]})
				if err != nil {
					errs <- err
					return
				}
				accepted[g] += 20 - len(res.Duplicates)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := 0
	for _, n := range accepted {
		total += n
	}
	queued := map[string]int{}
	for _, w := range claimAll(t, st) {
		for _, in := range w.Inputs {
			queued[in.ID]++
		}
	}
	if total != events || len(queued) != events {
		t.Fatalf("accepted %d events and queued %d distinct, want %d", total, len(queued), events)
	}
	for id, n := range queued {
		if n != 1 {
			t.Errorf("event %s queued %d times", id, n)
		}
	}
}
