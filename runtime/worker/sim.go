package worker

import (
	"context"
	"fmt"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"time"
)

// Sim runs a store and an engine on a simulated clock: what the
// conformance corpus and `journey test` use. Time moves only when Advance
// is called, straight from one wake-up to the next, so a test of thirty
// days runs in milliseconds and always the same way.
type Sim struct {
	Store  store.Store
	Worker *Worker
	Now    time.Time
}

// NewSim returns a simulation of a deployment on a store, starting at
// start.
func NewSim(d *runtime.Deployment, st store.Store, start time.Time) *Sim {
	return &Sim{
		Store:  st,
		Worker: &Worker{Store: st, Engine: &runtime.Engine{Deployment: d}, ID: "sim", Batch: 100, Lease: time.Hour},
		Now:    start,
	}
}

// maxTicks bounds a simulation that would never settle.
const maxTicks = 1000000

// Advance processes everything that falls due up to and including to,
// moving the clock through each wake-up in order, and leaves it at to.
func (s *Sim) Advance(ctx context.Context, to time.Time) error {
	for ticks := 0; ; ticks++ {
		if ticks > maxTicks {
			return fmt.Errorf("the simulation does not settle by %s", to)
		}
		next, ok, err := s.Store.NextWake(ctx)
		if err != nil {
			return err
		}
		if !ok || next.After(to) {
			break
		}
		if next.After(s.Now) {
			s.Now = next
		}
		n, err := s.Worker.Tick(ctx, s.Now)
		if err != nil {
			return err
		}
		if n == 0 {
			// Claimable but nothing run: a contact ahead of this
			// deployment (NextWake already waits out a lease). Move on,
			// so that a simulation that cannot settle still ends.
			s.Now = s.Now.Add(time.Second)
		}
	}
	if to.After(s.Now) {
		s.Now = to
	}
	return nil
}
