package serve

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/journeylang/journey/runtime/store"
)

// The upkeep of the store that the runner leading the chores does besides
// pruning: retention (Store.Retain), and vacuuming the tables where the
// store asks for it (store.Maintainer: Postgres).
const (
	retainEvery   = time.Minute // retention runs at most this often, unless the last run left rows to delete
	retainBatches = 20          // the most batches of store.DefaultRetainBatch rows of each kind one chore tick deletes
	vacuumEvery   = 30 * time.Second
)

// upkeep is the state of retention and vacuuming.
type upkeep struct {
	outbox, history time.Duration // how long each is kept; 0 forever

	retained  time.Time // when retention last ran to the end, on clock; zero for never
	backlog   bool      // the last run stopped with rows left to delete
	vacuumed  time.Time // when the last vacuum began, on clock
	running   atomic.Bool
	vacuuming sync.WaitGroup
}

// keepFor is how long a retention setting keeps rows: def when 0, forever
// (0) when negative.
func keepFor(set, def time.Duration) time.Duration {
	switch {
	case set == 0:
		return def
	case set < 0:
		return 0
	}
	return set
}

// warn logs, once at start, what the store says about its upkeep (autovacuum
// off, on Postgres).
func (c *chores) warn(ctx context.Context) {
	m, ok := c.store.(store.Maintainer)
	if !ok {
		return
	}
	warnings, err := m.MaintenanceWarnings(ctx)
	if err != nil {
		c.logger.Warn("could not read the store's vacuum settings", "err", err)
		return
	}
	for _, w := range warnings {
		c.logger.Warn(w)
	}
}

// retain deletes what the retention policy no longer keeps, a batch at a
// time, every retainEvery, or at once while the last run left rows to
// delete; a run stops after retainBatches batches, or half a chore
// interval, leaving the tick time to finish.
func (c *chores) retain(ctx context.Context, now time.Time) error {
	u := &c.upkeep
	if u.outbox == 0 && u.history == 0 {
		return nil
	}
	if !u.backlog && !u.retained.IsZero() && now.Sub(u.retained) < retainEvery {
		return nil
	}
	p := &store.RetainParams{Limit: store.DefaultRetainBatch}
	if u.outbox > 0 {
		p.OutboxBefore = now.Add(-u.outbox)
	}
	if u.history > 0 {
		p.HistoryBefore = now.Add(-u.history)
	}
	total := store.Retained{}
	u.backlog = true
	began := time.Now() // the tick's own time, not the clock's: the lead's TTL runs on it
	for range retainBatches {
		if time.Since(began) > choreInterval/2 {
			break
		}
		n, err := c.store.Retain(ctx, p)
		if err != nil {
			return fmt.Errorf("retention: %w", err)
		}
		total.Outbox += n.Outbox
		total.History += n.History
		if n.Outbox < p.Limit && n.History < p.Limit {
			u.backlog = false
			break
		}
	}
	if !u.backlog {
		u.retained = now
	}
	if total.Outbox > 0 || total.History > 0 {
		c.logger.Info("retention deleted", "outbox", total.Outbox, "history", total.History,
			"outbox_before", p.OutboxBefore, "history_before", p.HistoryBefore, "more", u.backlog)
	}
	return nil
}

// vacuum starts, every vacuumEvery, a vacuum of the store's tables whose
// dead rows passed the threshold, unless one is still running: it runs
// apart from the chores' tick (a vacuum may take longer than the lead is
// good for), until done or ctx ends.
func (c *chores) vacuum(ctx context.Context, now time.Time) {
	m, ok := c.store.(store.Maintainer)
	u := &c.upkeep
	if !ok || (!u.vacuumed.IsZero() && now.Sub(u.vacuumed) < vacuumEvery) || !u.running.CompareAndSwap(false, true) {
		return
	}
	u.vacuumed = now
	u.vacuuming.Go(func() {
		defer u.running.Store(false)
		r, err := m.Vacuum(ctx, &store.VacuumParams{MinDead: store.DefaultVacuumMinDead, DeadFraction: store.DefaultVacuumFraction})
		if r != nil {
			for _, v := range r.Tables {
				c.logger.Info("vacuumed", "table", v.Table, "dead_rows", v.Dead, "live_rows", v.Live, "took", v.Took.Round(time.Millisecond))
			}
			if r.OldestXact >= store.OldXact {
				c.logger.Warn("a transaction open in the database holds back vacuum: the rows that died since it began stay, "+
					"and the queue slows, until it ends", "open_for", r.OldestXact.Round(time.Second))
			}
		}
		if err != nil && ctx.Err() == nil {
			c.logger.Warn("vacuum failed", "err", err)
		}
	})
}
