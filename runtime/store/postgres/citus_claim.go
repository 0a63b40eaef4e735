package postgres

// The claims on Citus. Citus locks rows only in a statement routed to
// one shard, so the claim of due wake-ups and the outbox's lease each
// run over the buckets of one shard at a time (citus/queries/claim.sql,
// lease_outbox.sql), with FOR UPDATE SKIP LOCKED as on one Postgres: two
// runners on one shard skip each other's rows, and a row is leased to
// one runner at a time. A claim first reads, without locking, which
// bucket holds the row one Postgres would take first (first_wakeup.sql,
// first_outbox.sql), and starts at its shard; if that shard yields
// nothing (another runner took it meanwhile) it goes on to the next
// shards in turn, until one yields work or all are tried. So the
// earliest work is taken first, as on one Postgres, and every shard is
// served.

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime/store"
)

// citusShards is the buckets of each shard, read from Citus's metadata
// when first needed and again after a claim fails (the shards may have
// been split or moved).
type citusShards struct {
	mu      sync.Mutex
	buckets []pq.Int64Array // per shard, in shard order
	shardOf map[int64]int   // bucket → shard index
}

// citusShardBuckets reads the buckets of each shard.
var citusShardBuckets = citusQuery("shard_buckets")

// load returns the buckets of each shard and the index of each bucket's
// shard, reading them if they are not known.
func (c *citusShards) load(ctx context.Context, s *Store) ([]pq.Int64Array, map[int64]int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buckets == nil {
		var rows []struct {
			Shard   int64         `db:"shard"`
			Buckets pq.Int64Array `db:"buckets"`
		}
		if err := s.db.SelectContext(ctx, &rows, citusShardBuckets); err != nil {
			return nil, nil, err
		}
		c.shardOf = map[int64]int{}
		for i, r := range rows {
			c.buckets = append(c.buckets, r.Buckets)
			for _, b := range r.Buckets {
				c.shardOf[b] = i
			}
		}
	}
	return c.buckets, c.shardOf, nil
}

// forget drops the shards read, after a claim failed: the next claim
// reads them again.
func (c *citusShards) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buckets, c.shardOf = nil, nil
}

// eachShard runs claim on the buckets of one shard after another, from
// the shard of the bucket first names, until one claims something (claim
// returns true) or every shard has been tried. Nothing due (first finds
// no row) tries none.
func (c *citusShards) eachShard(ctx context.Context, s *Store, first string, now time.Time, claim func(buckets pq.Int64Array) (bool, error)) error {
	shards, shardOf, err := c.load(ctx, s)
	if err != nil {
		return err
	}
	var bucket []int64
	if err := s.db.SelectContext(ctx, &bucket, first, now); err != nil || len(bucket) == 0 {
		return err
	}
	start, ok := shardOf[bucket[0]]
	if !ok {
		c.forget()
		return fmt.Errorf("bucket %d is in no shard the store knows", bucket[0])
	}
	for i := range shards {
		got, err := claim(shards[(start+i)%len(shards)])
		if err != nil {
			c.forget()
			return err
		}
		if got {
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
	return s.wakeShards.eachShard(ctx, s, s.q.firstWakeup, now, func(buckets pq.Int64Array) (bool, error) {
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
	return s.outboxShards.eachShard(ctx, s, s.q.firstOutbox, now, func(buckets pq.Int64Array) (bool, error) {
		err := s.db.SelectContext(ctx, out, s.q.leaseOutbox, now, p.Limit, p.Worker, until, buckets)
		return len(*out) > 0, err
	})
}
