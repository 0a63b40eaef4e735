package postgres

// Runners sharing the shards of a distributed store. A runner that
// calls Share takes a lease (citus/runners.sql, a reference table) and
// renews it while it runs; every runner reads the live leases at each
// renewal and gives each shard to one of them by rendezvous hashing:
// the runner whose hash of its name with the shard's id is the highest.
// Every runner that sees the same leases computes the same owners, so
// each shard has one, and none has two. When a runner stops it drops
// its lease and the others take its shards at their next renewal; when
// it stops without a word, they take them once its lease has expired.
// Rendezvous hashing moves only the shards of the runner that came or
// went. The claim of due wake-ups and the outbox's lease then take only
// the runner's own shards (citusShards.eachShard). Runners that see
// different leases for a moment (one has renewed, the other not yet)
// may both take a shard: FOR UPDATE SKIP LOCKED still keeps each row to
// one of them. A store without Share (tests, one-off commands) claims
// in every shard, as before.

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/lib/pq"
)

// DefaultShareLease is how long a runner's lease on its shards lasts
// unless renewed (journey run's): a runner that stops without a word
// loses its shards to the others within it. It is renewed three times
// in that time.
const DefaultShareLease = 15 * time.Second

// The runners' leases.
var (
	citusHasRunners   = citusQuery("has_runners")
	citusRunners      = citusQuery("runners")
	citusRenewRunner  = citusQuery("renew_runner")
	citusRunnersLive  = citusQuery("runners_live")
	citusPruneRunners = citusQuery("prune_runners")
	citusDropRunner   = citusQuery("drop_runner")
)

// citusPruneAfter is how long an expired lease is kept before it is
// pruned: long past any lease, so that a runner merely slow to renew
// finds its row.
const citusPruneAfter = time.Hour

// citusShare is a runner's view of the runners that share the store.
type citusShare struct {
	mu   sync.Mutex
	me   string   // "" until Share
	live []string // the live runners' names, sorted, me among them
}

// owns reports whether the runner owns the shard, and true for a store
// that shares with no one (no Share).
func (c *citusShare) owns(shard int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.me == "" || owner(c.live, shard) == c.me
}

// sharing reports whether the store is a runner that shares the shards
// with others (Share).
func (c *citusShare) sharing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.me != ""
}

// owner is the runner the shard goes to among live (rendezvous hashing),
// "" when there is none.
func owner(live []string, shard int64) string {
	best, top := "", uint64(0)
	for _, name := range live {
		sum := md5.Sum([]byte(name + "/" + strconv.FormatInt(shard, 10)))
		if h := binary.BigEndian.Uint64(sum[:8]); best == "" || h > top {
			best, top = name, h
		}
	}
	return best
}

// Share makes the store one runner, named name, among those that share
// the shards of a distributed store (see the file's comment): it takes
// its lease and reads the others' before it returns, and renews them
// every third of lease until ctx ends or stop is called, which drops the
// lease. From then on the store's claims and outbox leases take only its
// own shards. On a store that is not distributed it does nothing.
func (s *Store) Share(ctx context.Context, name string, lease time.Duration) (stop func(), err error) {
	if !s.Distributed() {
		return func() {}, nil
	}
	if name == "" || lease <= 0 {
		return nil, errors.New("postgres store: sharing shards: want a runner's name and a lease longer than zero")
	}
	if err := s.renewShare(ctx, name, lease); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(lease / 3)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				// A failed renewal keeps the shards last seen: should the
				// lease expire meanwhile, others take them too, and SKIP
				// LOCKED keeps each row to one.
				_ = s.renewShare(ctx, name, lease)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
			drop, dropped := context.WithTimeout(context.Background(), lease/3)
			defer dropped()
			_, _ = s.db.ExecContext(drop, citusDropRunner, name)
		})
	}, nil
}

// renewShare renews the runner's lease and reads the live runners.
func (s *Store) renewShare(ctx context.Context, name string, lease time.Duration) error {
	if _, err := s.db.ExecContext(ctx, citusRenewRunner, name, lease.Seconds()); err != nil {
		return fmt.Errorf("postgres store: renewing the lease of runner %s: %w", name, err)
	}
	var row struct {
		Live  pq.StringArray `db:"live"`
		Stale int            `db:"stale"`
	}
	prune := citusPruneAfter.Seconds()
	if err := s.db.GetContext(ctx, &row, citusRunnersLive, prune); err != nil {
		return fmt.Errorf("postgres store: reading the runners' leases: %w", err)
	}
	if row.Stale > 0 {
		if _, err := s.db.ExecContext(ctx, citusPruneRunners, prune); err != nil {
			return fmt.Errorf("postgres store: pruning the runners' leases: %w", err)
		}
	}
	s.share.mu.Lock()
	defer s.share.mu.Unlock()
	s.share.me, s.share.live = name, row.Live
	return nil
}
