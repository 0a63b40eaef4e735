package postgres

// The batched intake on Citus. A batch's items are grouped by the shard
// of their contact, and each group is taken in by one call of
// journey_add_batch (citus/functions.sql), which Citus sends whole to
// the worker that holds the shard: one task, one round trip a shard,
// where an INSERT … SELECT over the batch's arrays would go through the
// coordinator. The calls run in one transaction, in shard order (two
// batches that share shards wait on one another, never in a cycle):
// the batch is taken in whole or not at all, committed in two phases
// when its shards are on more than one worker.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime/store"
)

// citusAddBatch is a shard's intake (citus/add_batch.sql).
var citusAddBatch = citusQuery("add_batch")

// citusIntake is the items of one shard in a batch, as the arrays of
// add_batch.sql.
type citusIntake struct {
	shard    int
	items    []int // the batch's indexes, in its order
	in       pgInputs
	received []sql.NullString
	states   []string
}

// addBatchByShard is AddBatch on Citus (see the file's comment). Every
// item is read before anything is written: bad input writes nothing.
func (s *Store) addBatchByShard(ctx context.Context, p *store.AddBatchParams) (*store.AddBatchResult, error) {
	l, err := s.wakeShards.load(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("postgres store: intake of a batch: %w", err)
	}
	shardOf := l.shardOf
	repeat, _ := store.RepeatsInBatchBy(p.Items, s.eventIdentity)
	var kept []int
	for i := range p.Items {
		if !repeat[i] {
			kept = append(kept, i)
		}
	}
	initial := map[string]string{}
	var shards []*citusIntake
	for _, group := range byShard(kept, func(i int) string { return batchContact(&p.Items[i]) }, shardOf) {
		g := &citusIntake{shard: shardOf[int64(ContactBucket(batchContact(&p.Items[group[0]])))], items: group}
		for _, i := range group {
			it := &p.Items[i]
			if err := g.in.add(it); err != nil {
				return nil, err
			}
			var received sql.NullString
			if it.Event != nil {
				received = sql.NullString{String: pgTimeText(it.Event.ReceivedAt()), Valid: true}
			}
			g.received = append(g.received, received)
			c := batchContact(it)
			if _, ok := initial[c]; !ok {
				state, err := store.NewContactJSON(c)
				if err != nil {
					return nil, err
				}
				initial[c] = string(state)
			}
			g.states = append(g.states, initial[c])
		}
		shards = append(shards, g)
	}
	slices.SortFunc(shards, func(a, b *citusIntake) int { return a.shard - b.shard })

	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, g := range shards {
		var repeats pq.Int64Array
		b := &g.in
		if err := tx.GetContext(ctx, &repeats, citusAddBatch, pgArray(b.contact), pgArray(b.kind), pgArray(b.eventID),
			pgArray(b.name), pgArray(b.payload), pgArray(b.attrs), pgArray(b.at), pgArray(g.received), pgArray(g.states)); err != nil {
			s.wakeShards.forget() // the shards may have moved or split: read them again
			return nil, fmt.Errorf("postgres store: intake of %d items in shard %d: %w", len(g.items), g.shard, err)
		}
		for _, n := range repeats {
			if n < 1 || int(n) > len(g.items) {
				return nil, fmt.Errorf("postgres store: intake of a batch: item %d of %d reported a repeat", n, len(g.items))
			}
			repeat[g.items[n-1]] = true
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("postgres store: intake of a batch: %w", err)
	}
	res := &store.AddBatchResult{}
	for i := range p.Items {
		if repeat[i] {
			res.Duplicates = append(res.Duplicates, i)
		}
	}
	return res, nil
}

// batchContact is the contact of a batch's item: an event's, or the one
// an update names.
func batchContact(it *store.BatchItem) string {
	if it.Event != nil {
		return it.Event.Contact
	}
	return it.Update.ID
}
