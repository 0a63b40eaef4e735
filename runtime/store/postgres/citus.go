package postgres

// The store on a Citus coordinator. In a database with the citus
// extension, opening a store distributes it (once: Distribute) over the
// cluster's workers, after the migrations: each per-contact table
// gains a bucket (0..1023, a stable hash of the contact id; see
// citus/distribute.sql) and is distributed by it, all co-located, and the
// tables every runner shares are made reference tables. A store opened on
// a distributed schema uses the statements in citus/queries in place of
// the plain ones of the same name: each names the contact's bucket, so
// that Citus routes it to the one shard that holds the contact.
// docs/scale.md tells the design and what is built of it.

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/lib/pq"
)

//go:embed citus/*.sql citus/queries/*.sql
var citusFiles embed.FS

// citusQuery returns the statement in citus/<name>.sql.
func citusQuery(name string) string { return embedded(citusFiles, "citus/"+name+".sql") }

// citusq is pgq with the statements that name a contact's bucket, for a
// store distributed over Citus.
var citusq = func() pgQueries {
	q := pgq
	for _, v := range []struct {
		q    *string
		name string
	}{
		{&q.touchContact, "touch_contact"}, {&q.insertInput, "insert_input"}, {&q.insertEventID, "insert_event_id"},
		{&q.contact, "contact"}, {&q.outbox, "outbox"}, {&q.history, "history"},
		{&q.claim, "claim"}, {&q.claimedStates, "claimed_states"}, {&q.claimedInputs, "claimed_inputs"},
		{&q.lockLeases, "lock_leases"}, {&q.updateStates, "update_states"}, {&q.deleteInputs, "delete_inputs"},
		{&q.releaseWakeups, "release_wakeups"}, {&q.insertOutbox, "insert_outbox"},
		{&q.insertHistory, "insert_history"}, {&q.upsertEnrollments, "upsert_enrollments"},
		{&q.eraseContact, "erase_contact"}, {&q.eraseWakeup, "erase_wakeup"}, {&q.eraseInputs, "erase_inputs"},
		{&q.eraseEventIDs, "erase_event_ids"}, {&q.eraseOutbox, "erase_outbox"}, {&q.eraseHistory, "erase_history"},
		{&q.eraseExits, "erase_exits"}, {&q.eraseEnrollments, "erase_enrollments"},
		{&q.firstWakeup, "first_wakeup"}, {&q.firstOutbox, "first_outbox"},
		{&q.wakeStale, "wake_stale"}, {&q.retainOutbox, "retain_outbox"}, {&q.retainHistory, "retain_history"},
		{&q.withdrawOutbox, "withdraw_outbox"}, {&q.nextWake, "next_wake"}, {&q.leaseOutbox, "lease_outbox"},
		{&q.reportStages, "report_stages"}, {&q.reportMessages, "report_messages"}, {&q.reportArms, "report_arms"},
		{&q.reportVersionStages, "report_version_stages"}, {&q.reportVersionMessages, "report_version_messages"},
		{&q.reportVersionArms, "report_version_arms"},
		{&q.markOutbox, "mark_outbox"}, {&q.retryOutbox, "retry_outbox"},
		{&q.listOutbox, "list_outbox"},
	} {
		*v.q = citusQuery("queries/" + v.name)
	}
	return q
}()

// Citus statements that are not variants of plain ones.
var (
	citusIsCitus       = citusQuery("is_citus")
	citusIsDistributed = citusQuery("is_distributed")
	citusLock          = citusQuery("lock_distribute")
	citusDistribute    = citusQuery("distribute")
	citusHasFunctions  = citusQuery("has_functions")
	citusFunctions     = citusQuery("functions")
	citusHasHistoryFn  = citusQuery("has_history_function")
	citusHistoryFn     = citusQuery("history_function")
)

// distributed reports whether the database has the citus extension and,
// if so, whether the store in the current schema is distributed with
// all of its functions (citus/functions.sql, citus/history_function.sql)
// and the runners' leases (citus/runners.sql).
func (s *Store) distributed(ctx context.Context) (citus, distributed bool, err error) {
	if err := s.db.GetContext(ctx, &citus, citusIsCitus); err != nil || !citus {
		return false, false, err
	}
	if err := s.db.GetContext(ctx, &distributed, citusIsDistributed); err != nil || !distributed {
		return true, false, err
	}
	for _, q := range []string{citusHasFunctions, citusHasHistoryFn, citusHasRunners} {
		if err := s.db.GetContext(ctx, &distributed, q); err != nil || !distributed {
			return true, false, err
		}
	}
	return true, true, nil
}

// useCitus, when the database has the citus extension, distributes the
// store (if it is not yet, or makes the functions a store distributed
// before them lacks) and switches it to the Citus statements. On plain
// Postgres it does nothing.
func (s *Store) useCitus(ctx context.Context) error {
	citus, distributed, err := s.distributed(ctx)
	switch {
	case err != nil:
		return fmt.Errorf("postgres store: looking for Citus: %w", err)
	case distributed:
		s.q = &citusq
	case citus:
		return s.Distribute(ctx)
	}
	return nil
}

// Distributed reports whether the store's tables are distributed over a
// Citus cluster.
func (s *Store) Distributed() bool { return s.q == &citusq }

// Distribute distributes the store's tables over the Citus cluster whose
// coordinator its database is (see the file's comment), in one
// transaction, and switches the store to the statements that route to
// one shard. A store distributed already is left as it is; a database
// without the citus extension is an error, and changes nothing.
// Runners distributing one schema at once distribute it once.
func (s *Store) Distribute(ctx context.Context) error {
	citus, _, err := s.distributed(ctx)
	if err != nil {
		return fmt.Errorf("postgres store: looking for Citus: %w", err)
	}
	if !citus {
		return fmt.Errorf("postgres store: cannot distribute: the database has no citus extension (CREATE EXTENSION citus, on a Citus coordinator)")
	}
	// Citus's DDL in two schemas distributed at once (each under its own
	// lock) may deadlock on the cluster's metadata; Postgres then aborts
	// one transaction whole, which tries again.
	for attempt := 1; ; attempt++ {
		err := s.distributeOnce(ctx)
		var pqErr *pq.Error
		if err == nil {
			break
		} else if !errors.As(err, &pqErr) || pqErr.Code != "40P01" || attempt == citusDistributeAttempts {
			return fmt.Errorf("postgres store: distributing: %w", err)
		}
	}
	s.q = &citusq
	return nil
}

// citusDistributeAttempts is how many times Distribute tries when Citus
// reports a deadlock.
const citusDistributeAttempts = 5

// distributeOnce is one try of Distribute, in one transaction: the
// tables, then the functions that write to them and the runners' leases
// (which a store distributed before they were added lacks), each unless
// done.
func (s *Store) distributeOnce(ctx context.Context) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, citusLock); err != nil {
		return err
	}
	for _, step := range []struct{ done, do string }{
		{citusIsDistributed, citusDistribute},
		{citusHasFunctions, citusFunctions},
		{citusHasHistoryFn, citusHistoryFn},
		{citusHasRunners, citusRunners},
	} {
		var done bool
		if err := tx.GetContext(ctx, &done, step.done); err != nil {
			return err
		}
		if !done {
			if _, err := tx.ExecContext(ctx, step.do); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}
