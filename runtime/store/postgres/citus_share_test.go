package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
)

// citusRunner is a store that shares a distributed store's shards as
// one runner, stopped when the test ends.
type citusRunner struct {
	name  string
	store *postgres.Store
	stop  func()
}

// citusRunners opens n runners on the store in dsn, r0, r1, …, each
// with a lease far longer than the test: the leases end only when the
// test ends them.
func citusRunners(t *testing.T, dsn string, n int) []*citusRunner {
	t.Helper()
	var out []*citusRunner
	for i := range n {
		r := &citusRunner{name: fmt.Sprintf("r%d", i), store: pgOpen(t, dsn)}
		stop, err := r.store.Share(context.Background(), r.name, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		r.stop = stop
		t.Cleanup(stop)
		out = append(out, r)
	}
	return out
}

// owned renews each runner's view of the leases and returns the shards
// each claims in.
func owned(t *testing.T, runners []*citusRunner) map[string][]int64 {
	t.Helper()
	ctx := context.Background()
	out := map[string][]int64{}
	for _, r := range runners {
		if err := postgres.RenewShare(ctx, r.store, r.name, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range runners {
		ids, err := postgres.OwnedShards(ctx, r.store)
		if err != nil {
			t.Fatal(err)
		}
		out[r.name] = ids
	}
	return out
}

// checkCover fails the test unless the runners' shards are all of the
// store's, each once.
func checkCover(t *testing.T, all []int64, shares map[string][]int64) {
	t.Helper()
	seen := map[int64]string{}
	for name, ids := range shares {
		for _, id := range ids {
			if other, ok := seen[id]; ok {
				t.Errorf("shard %d is served by %s and %s", id, other, name)
			}
			seen[id] = name
		}
	}
	for _, id := range all {
		if _, ok := seen[id]; !ok {
			t.Errorf("shard %d is served by no runner of %v", id, shares)
		}
	}
	if len(seen) != len(all) {
		t.Errorf("%d shards served, the store has %d", len(seen), len(all))
	}
}

// TestCitusShareCover: one, two and three runners sharing a store serve
// every shard, each shard by one runner.
func TestCitusShareCover(t *testing.T) {
	t.Parallel()
	s, dsn := citusStore(t)
	all, err := postgres.OwnedShards(context.Background(), s) // shares with no one: all
	if err != nil || len(all) < 3 {
		t.Fatalf("the store's shards: %v %v", all, err)
	}
	runners := citusRunners(t, dsn, 3)
	parent := t
	for n := 1; n <= 3; n++ {
		t.Run(fmt.Sprintf("runners=%d", n), func(t *testing.T) {
			if n < 3 {
				// The later runners have not taken their leases: stop them
				// for now.
				for _, r := range runners[n:] {
					r.stop()
				}
				defer func() {
					for _, r := range runners[n:] {
						stop, err := r.store.Share(context.Background(), r.name, time.Hour)
						if err != nil {
							t.Fatal(err)
						}
						r.stop = stop
						parent.Cleanup(stop)
					}
				}()
			}
			shares := owned(t, runners[:n])
			checkCover(t, all, shares)
			for name, ids := range shares {
				t.Logf("%s serves %d shards", name, len(ids))
			}
		})
	}
}

// TestCitusShareTakeover: the shards of a runner that stops go to the
// others, and theirs stay theirs (rendezvous hashing moves only the
// shards that lost their runner); those of a runner whose lease ran out
// without a word go too.
func TestCitusShareTakeover(t *testing.T) {
	t.Parallel()
	s, dsn := citusStore(t)
	all, err := postgres.OwnedShards(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	runners := citusRunners(t, dsn, 3)
	before := owned(t, runners)
	checkCover(t, all, before)

	runners[2].stop()
	after := owned(t, runners[:2])
	checkCover(t, all, after)
	for _, r := range runners[:2] {
		for _, id := range before[r.name] {
			if !slices.Contains(after[r.name], id) {
				t.Errorf("%s lost shard %d when r2 stopped", r.name, id)
			}
		}
	}

	db := citusDB(t, dsn)
	if _, err := db.Exec(testdataSQL(t, "citus_expire_runner"), "r1"); err != nil {
		t.Fatal(err)
	}
	last := owned(t, runners[:1])
	if !slices.Equal(last["r0"], all) {
		t.Errorf("r0 serves %v after r1's lease ran out, want every shard %v", last["r0"], all)
	}
}

// TestCitusShareClaims: two runners sharing a store claim due contacts,
// and lease due outbox rows, only in their own shards, and between them
// take all.
func TestCitusShareClaims(t *testing.T) {
	t.Parallel()
	_, dsn := citusStore(t)
	runners := citusRunners(t, dsn, 2)
	shares := owned(t, runners)
	ctx := context.Background()
	db := citusDB(t, dsn)
	const contacts = 200
	shardOf := map[string]int64{}
	for i := range contacts {
		id := fmt.Sprintf("c%d", i)
		if _, err := runners[0].store.AddEvent(ctx, &store.AddEventParams{Contact: id, ID: "e" + id, Name: "signed_up", At: pgT0}); err != nil {
			t.Fatal(err)
		}
		var shard int64
		if err := db.QueryRow(testdataSQL(t, "citus_shard_of"), id).Scan(&shard); err != nil {
			t.Fatal(err)
		}
		shardOf[id] = shard
	}
	// takes checks what each runner took (take returns its contacts) is
	// in its own shards, and all of it together every contact.
	takes := func(what string, take func(r *citusRunner) ([]string, error)) {
		t.Helper()
		n := 0
		for _, r := range runners {
			got, err := take(r)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range got {
				if shard := shardOf[id]; !slices.Contains(shares[r.name], shard) {
					t.Errorf("%s: %s took %s in shard %d, not one of its own", what, r.name, id, shard)
				}
			}
			n += len(got)
		}
		if n != contacts {
			t.Errorf("%s: the runners took %d contacts, want all %d", what, n, contacts)
		}
	}
	takes("claim", func(r *citusRunner) ([]string, error) {
		work, err := r.store.Claim(ctx, &store.ClaimParams{Now: pgT0.Add(time.Minute), Limit: contacts, Worker: r.name, Lease: time.Hour})
		var ids []string
		for _, w := range work {
			ids = append(ids, w.State.ID)
		}
		return ids, err
	})

	// The outbox's lease likewise: a row due for each contact.
	for id := range shardOf {
		one := func(v string) pq.StringArray { return pq.StringArray{v} }
		if _, err := db.Exec(postgres.CitusQuery("queries/insert_outbox"), one("k-"+id), one(id), one("j"), one("v"),
			one("s"), one("send"), one("t"), one("{}"), one(pgT0.Format(time.RFC3339))); err != nil {
			t.Fatal(err)
		}
	}
	takes("outbox", func(r *citusRunner) ([]string, error) {
		rows, err := r.store.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: pgT0.Add(time.Minute), Limit: contacts, Worker: r.name, Lease: time.Hour})
		var ids []string
		for _, row := range rows {
			ids = append(ids, row.Contact)
		}
		return ids, err
	})
}
