package serve

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
)

// follower keeps a runner on the deployment the store has in force, so
// that the runners sharing a store agree on the versions they run
// whatever files each has:
//
//   - when the runner's own deployment changes (at start, and on each hot
//     reload), it deploys its bundle to the store, unless Follow is set;
//   - every poll it asks the store for a newer deployment in force, and
//     loads it (its own, when the digests match, else the bundle as the
//     store holds it, read with Verify);
//   - on a new deployment in force it records its journeys' versions,
//     loads the earlier versions the store holds (the engine drains and
//     migrates with them), puts it in force, and wakes the contacts still
//     on another version of a journey that migrates, in batches, until
//     none is left.
//
// A runner runs its own deployment while the store has none: when it has
// no bundle (tests that build one from a program), or Follow is set, or
// deploying it failed.
//
// A failed store call is recorded in health and the round goes on; what
// failed is tried again the next poll, or after the backoff of health if
// that is longer.
type follower struct {
	cfg       *Config
	health    *health.Part        // records failed store calls
	published *runtime.Deployment // the runner's own, last deployed
	id        int64               // the store's deployment in force, once loaded (or refused)
	inForce   *runtime.Deployment // what was put in force, before its earlier versions were added
	woken     bool                // no contact of the deployment in force is left on another version
	failed    error               // the round's first failed store call; nil for none
}

// ownCheck is how often the runner looks for a new deployment of its own.
const ownCheck = 20 * time.Millisecond

// run follows until ctx ends.
func (f *follower) run(ctx context.Context) {
	poll := f.cfg.Poll
	if poll <= 0 {
		poll = time.Second
	}
	// The runner's own deployment is looked at often (hot reload puts an
	// edit in force at once); the store, every poll.
	tick := time.NewTicker(min(poll, ownCheck))
	defer tick.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if time.Since(last) >= poll || f.unpublished(f.cfg.Current()) {
			last = time.Now()
			f.step(ctx)
			if f.failed != nil && !f.health.Wait(ctx) {
				return // the store fails: the next round waits its backoff too
			}
		}
	}
}

// step does one round: deploy, follow, wake.
func (f *follower) step(ctx context.Context) {
	cfg := f.cfg
	own := cfg.Current()
	if own == nil {
		return
	}
	f.failed = nil
	defer func() {
		switch {
		case f.failed != nil:
			f.health.Fail(f.failed)
		case ctx.Err() == nil:
			f.health.Ok()
		}
	}()
	if f.unpublished(own) {
		_, fresh, err := cfg.Store.Deploy(ctx, &store.DeployParams{Bundle: own.Bundle, By: cfg.Name, At: cfg.Clock()})
		switch {
		case err != nil:
			f.fail(ctx, "deploying", err)
		case err == nil:
			f.published = own
			if fresh {
				cfg.Logger.Info("deployed", "digest", runtime.BundleDigest(own.Bundle))
			}
		}
	}
	db, err := cfg.Store.Deployed(ctx, &store.DeployedParams{After: f.id})
	switch {
	case err == nil:
		d := own
		if db.Digest != runtime.BundleDigest(own.Bundle) {
			if d, err = runtime.Load(db.Bundle, cfg.Verify); err != nil {
				cfg.Logger.Error("the deployment in force does not load here; this runner keeps the one it runs", "deployment", db.ID, "by", db.By, "error", err)
				f.id = db.ID // not tried again
				d = nil
			}
		}
		if d != nil && f.adopt(ctx, d) {
			f.id = db.ID
			cfg.Logger.Info("in force", "deployment", db.ID, "by", db.By, "journeys", len(d.Journeys()))
		}
	case !errors.Is(err, store.ErrNotFound):
		f.fail(ctx, "reading the deployment in force", err)
	case f.id == 0 && f.inForce != own:
		f.adopt(ctx, own) // the store has none: one without a bundle, or deploying failed
	}
	if f.inForce == nil {
		f.adopt(ctx, own) // what the store has does not load, or cannot be read
	}
	if !f.woken {
		f.wake(ctx)
	}
}

// unpublished reports whether own, the runner's deployment, is one to
// deploy that it has not deployed yet.
func (f *follower) unpublished(own *runtime.Deployment) bool {
	return !f.cfg.Follow && own != nil && own != f.published && len(own.Bundle) > 0
}

// adopt puts d in force, and reports whether it could: its versions are
// recorded and the earlier ones read.
func (f *follower) adopt(ctx context.Context, d *runtime.Deployment) bool {
	cfg := f.cfg
	vs, err := runtime.DeployedVersions(d)
	if err == nil {
		var n int
		n, err = cfg.Store.SaveVersions(ctx, &store.SaveVersionsParams{Versions: vs, Now: cfg.Clock()})
		if n > 0 {
			cfg.Logger.Info("recorded journey versions", "new", n)
		}
	}
	if err != nil {
		f.fail(ctx, "recording journey versions", err)
		return false // tried again next poll
	}
	earlier, err := store.RecordedVersions(ctx, cfg.Store, d)
	if err != nil {
		f.fail(ctx, "reading journey versions", err)
		return false
	}
	full, err := d.WithVersions(earlier)
	if err != nil {
		cfg.Logger.Warn("earlier versions that do not load: their contacts migrate", "error", err)
	}
	cfg.InForce.Store(full)
	f.inForce, f.woken = d, false
	return true
}

// wake makes the contacts on another version of a migrating journey due,
// so that each moves to the version in force at once rather than at the
// wake-up its old version set.
func (f *follower) wake(ctx context.Context) {
	cfg := f.cfg
	d := cfg.InForce.Load()
	if d == nil {
		return
	}
	n, err := store.WakeStale(ctx, cfg.Store, d, cfg.Clock(), 500)
	if n > 0 {
		cfg.Logger.Info("woke contacts for the version in force", "contacts", n)
	}
	if err == nil {
		f.woken, err = store.Migrated(ctx, cfg.Store, d)
	}
	if err != nil {
		f.fail(ctx, "waking contacts for the version in force", err)
	}
}

// fail records the round's failed store call, doing what; none once ctx
// ended (the runner stops).
func (f *follower) fail(ctx context.Context, doing string, err error) {
	if f.failed == nil && ctx.Err() == nil {
		f.failed = fmt.Errorf("%s: %w", doing, err)
	}
}
