package worker_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/storetest"
	"github.com/journeylang/journey/runtime/worker"
)

// flakyStore is a store whose next calls of Claim and Complete fail, as
// they would while its server is down.
type flakyStore struct {
	store.Store
	mu             sync.Mutex
	claimFails     int // Claim calls left to fail
	completeFails  int // Complete calls left to fail
	completeFailed int // Complete calls failed
}

var errDown = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

func (s *flakyStore) Claim(ctx context.Context, p *store.ClaimParams) ([]*store.Work, error) {
	s.mu.Lock()
	if s.claimFails > 0 {
		s.claimFails--
		s.mu.Unlock()
		return nil, errDown
	}
	s.mu.Unlock()
	return s.Store.Claim(ctx, p)
}

func (s *flakyStore) Complete(ctx context.Context, p *store.CompleteParams) (*store.CompleteResult, error) {
	s.mu.Lock()
	if s.completeFails > 0 {
		s.completeFails--
		s.completeFailed++
		s.mu.Unlock()
		return nil, errDown
	}
	s.mu.Unlock()
	return s.Store.Complete(ctx, p)
}

// TestWorkerOutlivesTheStore runs a worker on a store that fails to
// claim, then to commit the batch in hand: Run goes on, keeps the batch,
// and commits it once the store takes it — each contact's action once —
// with every failure counted.
func TestWorkerOutlivesTheStore(t *testing.T) {
	real := memory.New()
	d := storetest.Deploy(t, map[string][]byte{"crash.journey": []byte(crashJourney), "schema.journey": []byte(crashSchema)},
		map[string][]byte{"welcome.md": []byte("subject: Welcome\n")})
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for _, c := range []string{"c1", "c2", "c3"} {
		if _, err := real.AddEvent(ctx, &store.AddEventParams{Contact: c, ID: "e" + c, Name: "signed_up", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	s := &flakyStore{Store: real, claimFails: 2, completeFails: 3}
	failures := 0
	mon := health.New(slog.New(slog.DiscardHandler), func(string) { failures++ })
	w := &worker.Worker{Store: s, Engine: &runtime.Engine{Deployment: d}, ID: "w", Health: mon.Part("worker")}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx, func() time.Time { return at }, 5*time.Millisecond) }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		rows, err := real.Outbox(ctx, &store.OutboxParams{})
		if err != nil {
			t.Fatal(err)
		}
		// Committed, and the worker has seen its store work again: it
		// marks its part ok after the commit it retried.
		if len(rows) == 3 && mon.Report().Status == health.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not processed, or health not back, within 30 s: %+v %+v", rows, mon.Report())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	rows, err := real.Outbox(ctx, &store.OutboxParams{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.Contact] || r.Kind != "send" {
			t.Errorf("outbox: %+v", rows)
		}
		seen[r.Contact] = true
	}
	if failures != 5 || s.completeFailed != 3 {
		t.Errorf("%d failures counted, %d commits refused; want 5 and 3", failures, s.completeFailed)
	}
}
