package postgres

// The Postgres store's side of delivery: a lease is one statement (rows
// locked SKIP LOCKED, so dispatchers never wait on each other) committed
// before the dispatcher calls out; the marks of a batch are one statement
// over arrays, guarded by the lease owner.

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"slices"
	"time"
)

// pgOutboxRow is an outbox row with its delivery state; the outbox query
// reads only the columns of its Action.
type pgOutboxRow struct {
	Seq         int64          `db:"seq"`
	Key         string         `db:"key"`
	Contact     string         `db:"contact_id"`
	Journey     string         `db:"journey"`
	Version     string         `db:"version"`
	Step        string         `db:"step"`
	Kind        string         `db:"kind"`
	Target      string         `db:"target"`
	Payload     []byte         `db:"payload"`
	Due         time.Time      `db:"due"`
	Status      string         `db:"status"`
	Attempts    int            `db:"attempts"`
	NextAttempt sql.NullTime   `db:"next_attempt_at"`
	LeaseOwner  sql.NullString `db:"lease_owner"`
	LeaseUntil  sql.NullTime   `db:"lease_until"`
	LastError   sql.NullString `db:"last_error"`
	SentAt      sql.NullTime   `db:"sent_at"`
	Expired     bool           `db:"expired"`    // lease_outbox only
	Written     sql.NullTime   `db:"written_at"` // Citus's lease_outbox only: when written
}

func (r *pgOutboxRow) Row() (store.OutboxRow, error) {
	payload, err := pgCanonicalJSON(r.Payload)
	if err != nil {
		return store.OutboxRow{}, fmt.Errorf("postgres store: outbox %s: %w", r.Key, err)
	}
	utc := func(t sql.NullTime) time.Time {
		if !t.Valid {
			return time.Time{}
		}
		return t.Time.UTC()
	}
	return store.OutboxRow{
		Action: runtime.Action{
			Key: r.Key, Contact: r.Contact, Journey: r.Journey, Version: r.Version, Step: r.Step,
			Kind: r.Kind, Target: r.Target, Payload: payload, Due: r.Due.UTC(),
		},
		Seq: r.Seq, Status: r.Status, Attempts: r.Attempts, NextAttempt: utc(r.NextAttempt),
		LeaseOwner: r.LeaseOwner.String, LeaseUntil: utc(r.LeaseUntil), LastError: r.LastError.String,
		SentAt: utc(r.SentAt), Unknown: r.Expired,
	}, nil
}

// LeaseOutbox implements Store.
func (s *Store) LeaseOutbox(ctx context.Context, p *store.LeaseOutboxParams) ([]store.OutboxRow, error) {
	if p.Limit <= 0 {
		return nil, nil
	}
	now := pgFloor(p.Now)
	var rows []pgOutboxRow
	if err := s.leaseOutboxRows(ctx, &rows, now, p); err != nil {
		return nil, fmt.Errorf("postgres store: leasing the outbox: %w", err)
	}
	// RETURNING has no order: the expired first, each group in the order
	// written (on Citus by the time written, then the number, as the
	// numbers of two workers are not in that order).
	slices.SortFunc(rows, func(a, b pgOutboxRow) int {
		if a.Expired != b.Expired {
			if a.Expired {
				return -1
			}
			return 1
		}
		if c := a.Written.Time.Compare(b.Written.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return store.OutboxRows(rows)
}

// MarkOutbox implements Store.
func (s *Store) MarkOutbox(ctx context.Context, p *store.MarkOutboxParams) (*store.MarkOutboxResult, error) {
	res := &store.MarkOutboxResult{}
	if len(p.Results) == 0 {
		return res, nil
	}
	n := len(p.Results)
	keys, statuses, errs := make([]string, n), make([]string, n), make([]string, n)
	attempts, next := make([]int64, n), make([]sql.NullString, n)
	for i, m := range p.Results {
		keys[i], statuses[i], errs[i], attempts[i] = m.Key, m.Status, m.Error, int64(m.Attempts)
		if m.Status == store.OutboxPending {
			if m.NextAttempt.IsZero() {
				// Due at once: rounded down, so a lease at the same
				// time takes it.
				next[i] = sql.NullString{String: pgFloor(p.Now).Format(pgTimeLayout), Valid: true}
			} else {
				next[i] = pgNullTimeText(m.NextAttempt)
			}
		}
	}
	query, args := s.q.markOutbox, []any{pgArray(keys), pgArray(statuses), pgArray(attempts),
		pgArray(next), pgArray(errs), p.Worker, pgCeil(p.Now)}
	if s.Distributed() {
		// On Citus the marks are routed by their rows' contacts; a batch
		// with a mark that names none is found by key, on every shard.
		if contacts, ok := markContacts(p.Results); ok {
			args = append(args, pgArray(contacts))
		} else {
			query = pgq.markOutbox
		}
	}
	var marked []string
	if err := s.db.SelectContext(ctx, &marked, query, args...); err != nil {
		return nil, fmt.Errorf("postgres store: marking the outbox: %w", err)
	}
	done := make(map[string]bool, len(marked))
	for _, k := range marked {
		done[k] = true
	}
	for _, m := range p.Results {
		if done[m.Key] {
			res.Marked++
		} else {
			res.Lost = append(res.Lost, m.Key)
		}
	}
	return res, nil
}

// markContacts returns the contacts of marks, and whether every mark
// names its contact.
func markContacts(marks []store.OutboxMark) ([]string, bool) {
	contacts := make([]string, len(marks))
	for i, m := range marks {
		if m.Contact == "" {
			return nil, false
		}
		contacts[i] = m.Contact
	}
	return contacts, true
}

// ListOutbox implements Store.
func (s *Store) ListOutbox(ctx context.Context, p *store.ListOutboxParams) ([]store.OutboxRow, error) {
	var limit sql.NullInt64
	if p.Limit > 0 {
		limit = sql.NullInt64{Int64: int64(p.Limit), Valid: true}
	}
	var rows []pgOutboxRow
	if err := s.db.SelectContext(ctx, &rows, s.q.listOutbox, p.Status, limit, p.Key); err != nil {
		return nil, fmt.Errorf("postgres store: listing the outbox: %w", err)
	}
	return store.OutboxRows(rows)
}

// RetryOutbox implements Store.
func (s *Store) RetryOutbox(ctx context.Context, p *store.RetryOutboxParams) (int, error) {
	n, err := s.execEachShard(ctx, s.q.retryOutbox, p.Key, pgFloor(p.Now))
	if err != nil {
		return n, fmt.Errorf("postgres store: retrying the outbox: %w", err)
	}
	return n, nil
}
