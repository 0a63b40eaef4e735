package postgres

// The claims on Citus. Citus locks rows only in a statement routed to
// one shard, so the claim of due wake-ups and the outbox's lease each
// run over the buckets of one shard at a time (citus/queries/claim.sql,
// lease_outbox.sql), with FOR UPDATE SKIP LOCKED as on one Postgres: two
// runners on one shard skip each other's rows, and a row is leased to
// one runner at a time. A store takes the shards in turn, from where its
// last claim stopped (a random shard at first), so every shard is
// served, and runners that start together spread over them.

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime/store"
)

// citusShards is the buckets of each shard, read from Citus's metadata
// when first needed and again after a claim fails (the shards may have
// been split or moved), and the shard a store's next claim starts at.
type citusShards struct {
	mu      sync.Mutex
	buckets []pq.Int64Array // per shard, in shard order
	next    int
}

// citusShardBuckets reads the buckets of each shard.
var citusShardBuckets = citusQuery("shard_buckets")

// load returns the buckets of each shard and the shard to start at,
// reading them if they are not known.
func (c *citusShards) load(ctx context.Context, s *Store) ([]pq.Int64Array, int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buckets == nil {
		var rows []struct {
			Shard   int64         `db:"shard"`
			Buckets pq.Int64Array `db:"buckets"`
		}
		if err := s.db.SelectContext(ctx, &rows, citusShardBuckets); err != nil {
			return nil, 0, err
		}
		for _, r := range rows {
			c.buckets = append(c.buckets, r.Buckets)
		}
		if len(c.buckets) > 0 {
			c.next = rand.IntN(len(c.buckets))
		}
	}
	return c.buckets, c.next, nil
}

// advance records where the next claim starts, and forgets the shards
// after a failure.
func (c *citusShards) advance(next int, failed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if failed {
		c.buckets = nil
		return
	}
	if len(c.buckets) > 0 {
		c.next = next % len(c.buckets)
	}
}

// eachShard runs claim on the buckets of one shard after another, from
// where the last call stopped, until one claims something (it returns
// true) or every shard has been tried. The next call starts at the shard
// after the one that claimed.
func (c *citusShards) eachShard(ctx context.Context, s *Store, claim func(buckets pq.Int64Array) (bool, error)) error {
	shards, start, err := c.load(ctx, s)
	if err != nil {
		return err
	}
	for i := range shards {
		at := (start + i) % len(shards)
		got, err := claim(shards[at])
		if err != nil {
			c.advance(0, true)
			return err
		}
		if got {
			c.advance(at+1, false)
			return nil
		}
	}
	return nil
}

// claimWakeups runs the claim: one statement on Postgres, one per shard
// until one claims something on Citus.
func (s *Store) claimWakeups(ctx context.Context, out *[]pgClaimed, now time.Time, p *store.ClaimParams) error {
	until := now.Add(p.Lease)
	if !s.Distributed() {
		return s.db.SelectContext(ctx, out, s.q.claim, now, p.Limit, p.Worker, until)
	}
	return s.wakeShards.eachShard(ctx, s, func(buckets pq.Int64Array) (bool, error) {
		err := s.db.SelectContext(ctx, out, s.q.claim, now, p.Limit, p.Worker, until, buckets)
		return len(*out) > 0, err
	})
}

// leaseOutboxRows runs the outbox's lease as claimWakeups runs the claim.
func (s *Store) leaseOutboxRows(ctx context.Context, out *[]pgOutboxRow, now time.Time, p *store.LeaseOutboxParams) error {
	until := pgCeil(p.Now.Add(p.Lease))
	if !s.Distributed() {
		return s.db.SelectContext(ctx, out, s.q.leaseOutbox, now, p.Limit, p.Worker, until)
	}
	return s.outboxShards.eachShard(ctx, s, func(buckets pq.Int64Array) (bool, error) {
		err := s.db.SelectContext(ctx, out, s.q.leaseOutbox, now, p.Limit, p.Worker, until, buckets)
		return len(*out) > 0, err
	})
}
