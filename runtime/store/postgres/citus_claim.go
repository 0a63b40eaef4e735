package postgres

// The claims on Citus. Citus locks rows only in a statement routed to
// one shard, so the claim of due wake-ups and the outbox's lease each
// run over the buckets of one shard at a time (citus/queries/claim.sql,
// lease_outbox.sql), with FOR UPDATE SKIP LOCKED as on one Postgres: two
// runners on one shard skip each other's rows, and a row is leased to
// one runner at a time. A claim first reads, without locking, which
// bucket holds the row one Postgres would take first (first_wakeup.sql,
// first_outbox.sql), and starts at its shard; while the batch is not
// full it goes on to the next shards in turn, until all are tried. So
// the earliest work is taken first, as on one Postgres, and every shard
// is served. A runner that shares the shards with others (Share,
// citus_share.go) does all this over its own shards only. A batch of
// contacts from several shards commits as one transaction per shard
// (completeByShard): each contact's position and outbox rows still
// commit together, on its shard's worker.

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime/store"
)

// citusShards is the layout of the shards, read from Citus's metadata
// when first needed and again after a claim fails (the shards may have
// been split or moved).
type citusShards struct {
	mu     sync.Mutex
	layout *citusLayout // nil until read; never changed once read
}

// citusLayout is the buckets of each shard.
type citusLayout struct {
	buckets []pq.Int64Array // per shard, in shard order
	ids     []int64         // each shard's id, in the same order
	shardOf map[int64]int   // bucket → shard index
}

// citusShardBuckets reads the buckets of each shard.
var citusShardBuckets = citusQuery("shard_buckets")

// load returns the layout of the shards, reading it if it is not known.
func (c *citusShards) load(ctx context.Context, s *Store) (*citusLayout, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.layout == nil {
		var rows []struct {
			Shard   int64         `db:"shard"`
			Buckets pq.Int64Array `db:"buckets"`
		}
		if err := s.db.SelectContext(ctx, &rows, citusShardBuckets); err != nil {
			return nil, err
		}
		l := &citusLayout{shardOf: map[int64]int{}}
		for i, r := range rows {
			l.buckets = append(l.buckets, r.Buckets)
			l.ids = append(l.ids, r.Shard)
			for _, b := range r.Buckets {
				l.shardOf[b] = i
			}
		}
		c.layout = l
	}
	return c.layout, nil
}

// forget drops the layout read, after a claim failed: the next claim
// reads it again.
func (c *citusShards) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.layout = nil
}

// eachShard runs claim on the buckets of one shard after another, from
// the shard of the bucket first names, until limit rows are claimed
// (claim returns how many it took, given how many are still wanted) or
// every shard has been tried; of a runner that shares the shards with
// others (Share), only its own. Nothing due (first finds no row) tries
// none.
func (c *citusShards) eachShard(ctx context.Context, s *Store, first string, now time.Time, limit int, claim func(buckets pq.Int64Array, limit int) (int, error)) error {
	l, err := c.load(ctx, s)
	if err != nil {
		return err
	}
	shards, shardOf := l.buckets, l.shardOf
	// The runner's shards, decided once for the claim, and their buckets
	// for the look at the first row due (nil, every bucket, for a store
	// that shares with no one).
	own := make([]bool, len(shards))
	for k, id := range l.ids {
		own[k] = s.share.owns(id)
	}
	var mine pq.Int64Array
	if s.share.sharing() {
		mine = pq.Int64Array{}
		for k := range shards {
			if own[k] {
				mine = append(mine, shards[k]...)
			}
		}
		if len(mine) == 0 {
			return nil
		}
	}
	var bucket []int64
	if err := s.db.SelectContext(ctx, &bucket, first, now, mine); err != nil || len(bucket) == 0 {
		return err
	}
	start, ok := shardOf[bucket[0]]
	if !ok {
		c.forget()
		return fmt.Errorf("bucket %d is in no shard the store knows", bucket[0])
	}
	for i := 0; i < len(shards) && limit > 0; i++ {
		k := (start + i) % len(shards)
		if !own[k] {
			continue
		}
		n, err := claim(shards[k], limit)
		if err != nil {
			c.forget()
			return err
		}
		limit -= n
	}
	return nil
}

// claimWakeups runs the claim in tx: one statement on Postgres, one per shard
// until one claims something on Citus.
func (s *Store) claimWakeups(ctx context.Context, tx sqlx.QueryerContext, out *[]pgClaimed, now time.Time, p *store.ClaimParams) error {
	until := now.Add(p.Lease)
	if !s.Distributed() {
		return sqlx.SelectContext(ctx, tx, out, s.q.claim, now, p.Limit, p.Worker, until)
	}
	return s.wakeShards.eachShard(ctx, s, s.q.firstWakeup, now, p.Limit, func(buckets pq.Int64Array, limit int) (int, error) {
		var got []pgClaimed
		err := sqlx.SelectContext(ctx, tx, &got, s.q.claim, now, limit, p.Worker, until, buckets)
		*out = append(*out, got...)
		return len(got), err
	})
}

// leaseOutboxRows runs the outbox's lease as claimWakeups runs the claim.
func (s *Store) leaseOutboxRows(ctx context.Context, out *[]pgOutboxRow, now time.Time, p *store.LeaseOutboxParams) error {
	until := pgCeil(p.Now.Add(p.Lease))
	if !s.Distributed() {
		return s.db.SelectContext(ctx, out, s.q.leaseOutbox, now, p.Limit, p.Worker, until)
	}
	return s.outboxShards.eachShard(ctx, s, s.q.firstOutbox, now, p.Limit, func(buckets pq.Int64Array, limit int) (int, error) {
		var got []pgOutboxRow
		err := s.db.SelectContext(ctx, &got, s.q.leaseOutbox, now, limit, p.Worker, until, buckets)
		*out = append(*out, got...)
		return len(got), err
	})
}

// completeByShard commits a batch whose contacts are in more than one
// shard as one Complete per shard, and sums what they did; split is
// false, and nothing is done, for a batch in one shard. A shard's
// transaction that fails returns its error; the shards committed before
// it stay committed, each contact whole.
func (s *Store) completeByShard(ctx context.Context, p *store.CompleteParams) (res *store.CompleteResult, split bool, err error) {
	l, err := s.wakeShards.load(ctx, s)
	if err != nil {
		return nil, false, fmt.Errorf("postgres store: completing a batch: %w", err)
	}
	groups := byShard(p.Results, func(r *store.WorkResult) string { return r.Contact }, l.shardOf)
	if len(groups) < 2 {
		return nil, false, nil
	}
	res = &store.CompleteResult{}
	for _, group := range groups {
		one := *p
		one.Results = group
		r, err := s.Complete(ctx, &one)
		if err != nil {
			return nil, true, err
		}
		res.Committed += r.Committed
		res.Lost = append(res.Lost, r.Lost...)
	}
	return res, true, nil
}

// ContactBucket is a contact's bucket on Citus, 0..1023, as
// journey_bucket computes it in SQL (citus/distribute.sql): the low ten
// bits of the first 32 bits of the MD5 of its id.
func ContactBucket(contact string) int {
	sum := md5.Sum([]byte(contact))
	return int(binary.BigEndian.Uint32(sum[:4]) & 1023)
}

// execEachShard runs a statement whose parameters are args and then (on
// Citus) the buckets of a shard, and returns how many rows it changed:
// on Postgres once, on Citus once a shard, each routed to its shard.
func (s *Store) execEachShard(ctx context.Context, query string, args ...any) (int, error) {
	return s.execLimited(ctx, query, -1, args...)
}

// execLimited runs a statement that changes at most limit rows, whose
// parameters are args, then the limit, then (on Citus) the buckets of a
// shard, and returns how many rows it changed: on Postgres once, on
// Citus on one shard after another until limit rows are changed (the
// chores: waking stale contacts, retention). A limit below zero is none:
// the statement takes no limit, and runs on every shard.
func (s *Store) execLimited(ctx context.Context, query string, limit int, args ...any) (int, error) {
	exec := func(args ...any) (int, error) {
		res, err := s.db.ExecContext(ctx, query, args...)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		return int(n), err
	}
	args = args[:len(args):len(args)] // each append below makes its own
	if !s.Distributed() {
		if limit < 0 {
			return exec(args...)
		}
		return exec(append(args, limit)...)
	}
	l, err := s.wakeShards.load(ctx, s)
	if err != nil {
		return 0, err
	}
	total := 0
	for i := 0; i < len(l.buckets) && (limit < 0 || total < limit); i++ {
		shardArgs := append(args, limit-total, l.buckets[i])
		if limit < 0 {
			shardArgs = append(args, l.buckets[i])
		}
		n, err := exec(shardArgs...)
		if err != nil {
			s.wakeShards.forget()
			return total, err
		}
		total += n
	}
	return total, nil
}

// selectByShard runs a query whose first parameter is contact ids (args
// are the rest) and appends its rows to out: on Postgres once, on Citus
// once for the ids of each shard, so that each query is routed to one
// shard. The rows of one contact come from one query, in its order.
func selectByShard[T any](ctx context.Context, s *Store, out *[]T, query string, ids []string, args ...any) error {
	if !s.Distributed() {
		return s.db.SelectContext(ctx, out, query, append([]any{pgArray(ids)}, args...)...)
	}
	l, err := s.wakeShards.load(ctx, s)
	if err != nil {
		return err
	}
	for _, group := range byShard(ids, func(id string) string { return id }, l.shardOf) {
		var rows []T
		if err := s.db.SelectContext(ctx, &rows, query, append([]any{pgArray(group)}, args...)...); err != nil {
			return err
		}
		*out = append(*out, rows...)
	}
	return nil
}

// byShard groups items by the shard of their contact, the groups in the
// order their first items come, each group in the items' order.
func byShard[T any](items []T, contact func(T) string, shardOf map[int64]int) [][]T {
	var groups [][]T
	index := map[int]int{}
	for _, it := range items {
		shard := shardOf[int64(ContactBucket(contact(it)))]
		i, ok := index[shard]
		if !ok {
			i = len(groups)
			index[shard] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], it)
	}
	return groups
}
