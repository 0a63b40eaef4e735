package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
)

// TestPostgresMatchesMemory plays one script of store calls on a
// memory.Store and on a postgres.Store and requires the same answers: the
// edges the conformance corpus does not reach (ties in the claim order,
// inputs arriving during a lease, partly consumed inputs, an expired lease
// completed by its holder, a contact twice in a batch, an unknown contact,
// JSON values of every kind).
func TestPostgresMatchesMemory(t *testing.T) {
	t.Parallel()
	mem, err := pgScript(context.Background(), memory.New())
	if err != nil {
		t.Fatalf("memory: %v", err)
	}
	pg, err := pgScript(context.Background(), pgNewStore(t))
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	if diff := cmp.Diff(mem, pg); diff != "" {
		t.Errorf("memory (-) and postgres (+) differ:\n%s", diff)
	}
}

type pgObservation struct {
	Step string
	Got  any
}

func pgScript(ctx context.Context, s store.Store) ([]pgObservation, error) {
	var obs []pgObservation
	note := func(step string, got any) { obs = append(obs, pgObservation{step, got}) }
	put := func(id string, attrs map[string]any, at time.Time) error {
		return s.PutContact(ctx, &store.PutContactParams{ID: id, Attrs: attrs, At: at})
	}
	event := func(contact, id, name string, payload map[string]any, at time.Time) error {
		ok, err := s.AddEvent(ctx, &store.AddEventParams{Contact: contact, ID: id, Name: name, Payload: payload, At: at})
		note("event "+id, ok)
		return err
	}
	next := func(step string) error {
		at, ok, err := s.NextWake(ctx)
		note(step, fmt.Sprint(at, ok))
		return err
	}
	claim := func(step string, p *store.ClaimParams) ([]*store.Work, error) {
		w, err := s.Claim(ctx, p)
		note(step, w)
		return w, err
	}
	complete := func(step string, p *store.CompleteParams) error {
		res, err := s.Complete(ctx, p)
		note(step, res)
		return err
	}
	payload, _ := json.Marshal(map[string]any{"b": 1, "a": "<tag> & co", "n": 1.5, "list": []any{1, "x", nil, true}})

	steps := []func() error{
		func() error { return put("c1", map[string]any{"score": int64(10), "tags": []any{"a", "b"}}, pgT0) },
		func() error {
			return event("c1", "e1", "form_submitted", map[string]any{"form": "pricing", "n": int64(3), "f": 1.5, "nested": map[string]any{"k": []any{int64(1), "x"}}}, pgT0.Add(time.Minute))
		},
		func() error { return event("c2", "e2", "login", nil, pgT0) },
		func() error { return event("c3", "e3", "login", map[string]any{}, pgT0.Add(time.Minute)) },
		func() error { return put("c1", map[string]any{"score": nil}, pgT0.Add(2*time.Minute)) },
		func() error { return event("c9", "e1", "login", nil, pgT0.Add(-time.Hour)) },
		func() error { return next("next wake, first") },
		func() error {
			w, err := claim("claim w1", &store.ClaimParams{Now: pgT0.Add(time.Minute), Limit: 2, Worker: "w1", Lease: time.Minute})
			if err != nil || len(w) != 2 {
				return fmt.Errorf("claim w1: %d, %v", len(w), err)
			}
			if _, err := claim("claim w2", &store.ClaimParams{Now: pgT0.Add(time.Minute), Limit: 10, Worker: "w2", Lease: time.Minute}); err != nil {
				return err
			}
			// An input for c1 during w1's lease, earlier than anything.
			if err := event("c1", "e4", "page_viewed", map[string]any{"path": "/"}, pgT0.Add(-time.Hour)); err != nil {
				return err
			}
			c1, c2 := w[0], w[1]
			if c1.State.ID != "c1" {
				c1, c2 = c2, c1
			}
			r1 := pgResult(c1, "k1", pgT0.Add(24*time.Hour))
			r1.Consumed = c1.Inputs[0].Seq // only the first input
			r1.Outcome.Actions = append(r1.Outcome.Actions, runtime.Action{Key: "k1b", Contact: "c1", Journey: "j", Version: "v1", Step: "S/webhook:y#1", Kind: "webhook", Target: "y", Payload: payload, Due: pgT0.Add(time.Second)})
			r1.Outcome.Records = append(r1.Outcome.Records, runtime.Record{At: pgT0.Add(time.Second), Contact: "c1", Journey: "j", Entry: 2, Kind: runtime.RecStage})
			r2 := pgResult(c2, "k2", time.Time{})
			again := pgResult(c2, "k2-again", time.Time{})
			unknown := &store.WorkResult{Contact: "zz", State: &runtime.ContactState{ID: "zz"}, Outcome: &runtime.Outcome{}}
			return complete("complete w1", &store.CompleteParams{Worker: "w1", Now: pgT0.Add(time.Minute), Results: []*store.WorkResult{r1, r2, again, unknown}})
		},
		func() error { return next("next wake, after w1") },
		func() error {
			// c1 is due again (e4); w3 takes it for a minute.
			w, err := s.Claim(ctx, &store.ClaimParams{Now: pgT0.Add(time.Minute), Limit: 10, Worker: "w3", Lease: time.Minute})
			note("claim w3: c1, woken by e4", len(w))
			if err != nil {
				return err
			}
			return nil
		},
		func() error {
			// w2 completes c3 after its lease ran out, but no one took it.
			c3, err := s.Contact(ctx, "c3")
			if err != nil {
				return err
			}
			r := pgResult(&store.Work{State: c3, Inputs: []runtime.Input{{Seq: 4}}}, "k3", pgT0.Add(time.Hour))
			return complete("complete w2, expired", &store.CompleteParams{Worker: "w2", Now: pgT0.Add(10 * time.Minute), Results: []*store.WorkResult{r}})
		},
		func() error {
			_, err := claim("claim c1 again", &store.ClaimParams{Now: pgT0.Add(time.Hour), Limit: 10, Worker: "w1", Lease: time.Minute})
			return err
		},
		func() error { return next("next wake, end") },
		func() error {
			for _, id := range []string{"c1", "c2", "c3", "nope"} {
				st, err := s.Contact(ctx, id)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				note("contact "+id, st)
				note("contact "+id+" not found", errors.Is(err, store.ErrNotFound))
			}
			return nil
		},
		func() error {
			for _, c := range []string{"", "c1", "c2", "c9"} {
				out, err := s.Outbox(ctx, &store.OutboxParams{Contact: c})
				if err != nil {
					return err
				}
				note("outbox "+c, out)
				h, err := s.History(ctx, &store.HistoryParams{Contact: c})
				if err != nil {
					return err
				}
				note("history "+c, h)
			}
			return nil
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			return obs, fmt.Errorf("step %d: %w", i+1, err)
		}
	}
	return obs, nil
}
