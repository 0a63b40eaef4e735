package serve

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
)

// The chores one runner at a time does, among all those sharing a store:
// the runner that holds the lead of "chores" (a row with a TTL, renewed
// every choreInterval, good for choreTTL) does them; when it dies another
// takes over within choreTTL.
const (
	choreName        = "chores"
	choreInterval    = 5 * time.Second
	choreTTL         = 10 * time.Second
	pruneEvery       = time.Hour                 // event identities are pruned at most this often
	defaultRetention = store.DefaultDedupeWindow // how long event identities are kept, from their receipt, when Config.DedupeWindow is 0
)

// chores tries to lead every choreInterval and, while it leads, does the
// chores. After a failed store call it tries again after its backoff
// instead (up to choreInterval).
type chores struct {
	store     store.Store
	holder    string // names this runner's lead: Config.Name
	clock     func() time.Time
	retention time.Duration
	logger    *slog.Logger
	leader    prometheus.Gauge // 1 while this runner leads
	health    *health.Part     // records failed store calls and paces their retries

	pruned time.Time // when this runner last pruned, on clock; zero for never
	upkeep upkeep
	tally  tally
}

func newChores(cfg *Config, leader prometheus.Gauge, part *health.Part) *chores {
	retention := cfg.DedupeWindow
	if retention <= 0 {
		retention = defaultRetention
	}
	return &chores{
		store: cfg.Store, holder: cfg.Name, clock: cfg.Clock,
		retention: retention, logger: cfg.Logger, leader: leader, health: part,
		upkeep: upkeep{
			outbox: keepFor(cfg.RetainOutbox, store.DefaultRetainOutbox), history: keepFor(cfg.RetainHistory, store.DefaultRetainHistory),
		},
	}
}

// run does the chores until ctx ends: every choreInterval, or after the
// backoff of a failed store call.
func (c *chores) run(ctx context.Context) {
	defer c.leader.Set(0)
	defer c.upkeep.vacuuming.Wait()
	c.warn(ctx)
	for {
		err := c.tick(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !c.health.Retry(ctx, err) {
				return
			}
			continue
		}
		c.health.Ok()
		select {
		case <-ctx.Done():
			return
		case <-time.After(choreInterval):
		}
	}
}

// tick takes or renews the lead and, if this runner leads, does what is
// due. It returns a failed store call's error.
func (c *chores) tick(ctx context.Context) error {
	runCtx := ctx
	ctx, cancel := context.WithTimeout(ctx, choreInterval)
	defer cancel()
	now := c.clock()
	leads, err := c.store.Lead(ctx, &store.LeadParams{Name: choreName, Holder: c.holder, Now: now, TTL: choreTTL})
	if err != nil {
		c.leader.Set(0)
		return fmt.Errorf("leading the chores: %w", err)
	}
	if !leads {
		c.leader.Set(0)
		return nil
	}
	c.leader.Set(1)
	c.vacuum(runCtx, now)
	if err := c.tally.run(ctx, c.store, now); err != nil {
		return err
	}
	if err := c.retain(ctx, now); err != nil {
		return err
	}
	if !c.pruned.IsZero() && now.Sub(c.pruned) < pruneEvery {
		return nil
	}
	// Counted as done even when it fails: a failing prune is not retried
	// every few seconds, but in an hour.
	c.pruned = now
	before := now.Add(-c.retention)
	n, err := c.store.Prune(ctx, &store.PruneParams{Before: before})
	if err != nil {
		return fmt.Errorf("pruning event identities: %w", err)
	}
	if n > 0 {
		c.logger.Info("pruned event identities", "count", n, "before", before)
	}
	return nil
}
