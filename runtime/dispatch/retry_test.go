package dispatch_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
)

// flakyStore is a store whose next calls of LeaseOutbox and MarkOutbox
// fail, as they would while its server is down.
type flakyStore struct {
	store.Store
	mu          sync.Mutex
	leaseFails  int // LeaseOutbox calls left to fail
	markFails   int // MarkOutbox calls left to fail
	markRefused int // MarkOutbox calls failed
}

var errDown = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

func (s *flakyStore) LeaseOutbox(ctx context.Context, p *store.LeaseOutboxParams) ([]store.OutboxRow, error) {
	s.mu.Lock()
	if s.leaseFails > 0 {
		s.leaseFails--
		s.mu.Unlock()
		return nil, errDown
	}
	s.mu.Unlock()
	return s.Store.LeaseOutbox(ctx, p)
}

func (s *flakyStore) MarkOutbox(ctx context.Context, p *store.MarkOutboxParams) (*store.MarkOutboxResult, error) {
	s.mu.Lock()
	if s.markFails > 0 {
		s.markFails--
		s.markRefused++
		s.mu.Unlock()
		return nil, errDown
	}
	s.mu.Unlock()
	return s.Store.MarkOutbox(ctx, p)
}

// recorder is a sink that counts each key's calls.
type recorder struct {
	mu   sync.Mutex
	keys map[string]int
}

func (r *recorder) Deliver(_ context.Context, d *dispatch.Delivery) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys[d.Key]++
	return nil
}

// TestRunOutlivesTheStore runs the dispatcher on a store that fails to
// lease, then to mark the outcomes of calls made: Run goes on, and each
// action is delivered once — the outcomes are kept and marked once the
// store takes them — with every failure counted.
func TestRunOutlivesTheStore(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			real := open(t)
			acts := []runtime.Action{action("c1", "webhook", "crm", nil), action("c2", "webhook", "crm", nil)}
			seed(t, real, map[string]map[string]any{"c1": {}, "c2": {}}, acts...)
			s := &flakyStore{Store: real, leaseFails: 2, markFails: 3}
			sink := &recorder{keys: map[string]int{}}
			failures := 0
			mon := health.New(slog.New(slog.DiscardHandler), func(string) { failures++ })
			d := &dispatch.Dispatcher{
				Store: s, Worker: "d", Clock: (&clock{t: t0}).Now, Health: mon.Part("dispatcher"),
				Routes: map[string]*dispatch.Route{"*": {Name: "rec", Sink: sink}},
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- d.Run(ctx, 5*time.Millisecond) }()
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				rows, err := real.ListOutbox(context.Background(), &store.ListOutboxParams{Status: store.OutboxSent})
				noErr(t, err)
				// Sent, and the dispatcher has seen its store work again:
				// it marks its part ok after the marks it retried commit.
				if len(rows) == len(acts) && mon.Report().Status == health.StatusOK {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("not sent, or health not back, within 30 s: %+v %+v", rows, mon.Report())
				}
			}
			cancel()
			noErr(t, <-done)
			for _, a := range acts {
				if n := sink.keys[a.Key]; n != 1 {
					t.Errorf("%s delivered %d times, want 1", a.Key, n)
				}
			}
			if failures != 5 || s.markRefused != 3 {
				t.Errorf("%d failures counted, %d marks refused; want 5 and 3", failures, s.markRefused)
			}
		})
	}
}

// TestRunStopsWhileTheStoreFails: a dispatcher waiting out its backoff
// stops at once when its context ends.
func TestRunStopsWhileTheStoreFails(t *testing.T) {
	real := memory.New()
	seed(t, real, map[string]map[string]any{"c1": {}}, action("c1", "webhook", "crm", nil))
	s := &flakyStore{Store: real, markFails: 1 << 30}
	d := &dispatch.Dispatcher{
		Store: s, Worker: "d", Clock: (&clock{t: t0}).Now, Health: health.New(slog.New(slog.DiscardHandler), nil).Part("dispatcher"),
		Routes: map[string]*dispatch.Route{"*": {Name: "rec", Sink: &recorder{keys: map[string]int{}}}},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, 5*time.Millisecond) }()
	for {
		s.mu.Lock()
		refused := s.markRefused
		s.mu.Unlock()
		if refused >= 4 { // the next wait is about 1.6 s
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		noErr(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop when its context ended")
	}
}
