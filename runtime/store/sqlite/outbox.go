package sqlite

// The SQLite store's side of delivery: leases committed before the
// dispatcher calls out, marks in one transaction per batch, and the
// listing and retry of parked rows.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// sqliteOutboxRow is an outbox row with its delivery state; the outbox_all
// and outbox_contact queries read only the columns of its Action.
type sqliteOutboxRow struct {
	Seq         int64          `db:"seq"`
	Key         string         `db:"key"`
	Contact     string         `db:"contact_id"`
	Journey     string         `db:"journey"`
	Version     string         `db:"version"`
	Step        string         `db:"step"`
	Kind        string         `db:"kind"`
	Target      string         `db:"target"`
	Payload     string         `db:"payload"`
	Due         string         `db:"due"`
	Status      string         `db:"status"`
	Attempts    int            `db:"attempts"`
	NextAttempt sql.NullString `db:"next_attempt_at"`
	LeaseOwner  sql.NullString `db:"lease_owner"`
	LeaseUntil  sql.NullString `db:"lease_until"`
	LastError   sql.NullString `db:"last_error"`
	SentAt      sql.NullString `db:"sent_at"`
}

func (r *sqliteOutboxRow) Row() (store.OutboxRow, error) {
	out := store.OutboxRow{
		Action: runtime.Action{
			Key: r.Key, Contact: r.Contact, Journey: r.Journey, Version: r.Version, Step: r.Step,
			Kind: r.Kind, Target: r.Target, Payload: json.RawMessage(r.Payload),
		},
		Seq: r.Seq, Status: r.Status, Attempts: r.Attempts,
		LeaseOwner: r.LeaseOwner.String, LastError: r.LastError.String,
	}
	if r.Payload == "null" {
		out.Payload = nil
	}
	var err error
	if out.Due, err = parseSQLiteTime(r.Due); err != nil {
		return out, fmt.Errorf("outbox %s: %w", r.Key, err)
	}
	for _, t := range []struct {
		col sql.NullString
		to  *time.Time
	}{{r.NextAttempt, &out.NextAttempt}, {r.LeaseUntil, &out.LeaseUntil}, {r.SentAt, &out.SentAt}} {
		if !t.col.Valid {
			continue
		}
		if *t.to, err = parseSQLiteTime(t.col.String); err != nil {
			return out, fmt.Errorf("outbox %s: %w", r.Key, err)
		}
	}
	return out, nil
}

// LeaseOutbox implements Store.
func (s *Store) LeaseOutbox(ctx context.Context, p *store.LeaseOutboxParams) ([]store.OutboxRow, error) {
	if p.Limit <= 0 {
		return nil, nil
	}
	var out []store.OutboxRow
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		out = nil
		args := []any{
			sql.Named("now", sqliteTime(p.Now)), sql.Named("worker", p.Worker),
			sql.Named("lease_until", sqliteTime(p.Now.Add(p.Lease))),
		}
		var expired, due []sqliteOutboxRow
		if err := s.stmt(ctx, tx, "outbox_lease_expired").SelectContext(ctx, &expired,
			append(args, sql.Named("limit", p.Limit))...); err != nil {
			return err
		}
		if rest := p.Limit - len(expired); rest > 0 {
			if err := s.stmt(ctx, tx, "outbox_lease_due").SelectContext(ctx, &due,
				append(args, sql.Named("limit", rest))...); err != nil {
				return err
			}
		}
		// RETURNING has no order: the expired first, each group in the
		// order written.
		bySeq := func(a, b sqliteOutboxRow) int { return int(a.Seq - b.Seq) }
		slices.SortFunc(expired, bySeq)
		slices.SortFunc(due, bySeq)
		for i, group := range [][]sqliteOutboxRow{expired, due} {
			for _, r := range group {
				row, err := r.Row()
				if err != nil {
					return err
				}
				row.Unknown = i == 0
				out = append(out, row)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MarkOutbox implements Store.
func (s *Store) MarkOutbox(ctx context.Context, p *store.MarkOutboxParams) (*store.MarkOutboxResult, error) {
	var res *store.MarkOutboxResult
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res = &store.MarkOutboxResult{}
		mark := s.stmt(ctx, tx, "outbox_mark")
		for _, m := range p.Results {
			var next, sent any
			switch m.Status {
			case store.OutboxPending:
				next = sqliteTime(p.Now)
				if !m.NextAttempt.IsZero() {
					next = sqliteTime(m.NextAttempt)
				}
			case store.OutboxSent:
				sent = sqliteTime(p.Now)
			}
			r, err := mark.ExecContext(ctx,
				sql.Named("key", m.Key), sql.Named("worker", p.Worker), sql.Named("status", m.Status),
				sql.Named("attempts", m.Attempts), sql.Named("next_attempt_at", next),
				sql.Named("last_error", sqliteText(m.Error)), sql.Named("sent_at", sent))
			if err != nil {
				return fmt.Errorf("outbox %s: %w", m.Key, err)
			}
			n, err := r.RowsAffected()
			if err != nil {
				return err
			}
			if n == 0 {
				res.Lost = append(res.Lost, m.Key)
				continue
			}
			res.Marked++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ListOutbox implements Store.
func (s *Store) ListOutbox(ctx context.Context, p *store.ListOutboxParams) ([]store.OutboxRow, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = -1
	}
	var rows []sqliteOutboxRow
	if err := s.reader("outbox_list").SelectContext(ctx, &rows,
		sql.Named("status", p.Status), sql.Named("key", p.Key), sql.Named("limit", limit)); err != nil {
		return nil, err
	}
	return store.OutboxRows(rows)
}

// RetryOutbox implements Store.
func (s *Store) RetryOutbox(ctx context.Context, p *store.RetryOutboxParams) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.stmt(ctx, tx, "outbox_retry").ExecContext(ctx,
			sql.Named("key", p.Key), sql.Named("now", sqliteTime(p.Now)))
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	return int(n), err
}
