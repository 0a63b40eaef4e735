package sqlite

// The SQLite store's unit of work: a claim leases due contacts and reads
// them; a completion commits a batch of results, each guarded by the
// revision it was claimed at and by its lease, in one transaction.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// sqliteInput is a row of inputs.
type sqliteInput struct {
	Seq     int64          `db:"seq"`
	Kind    string         `db:"kind"`
	EventID sql.NullString `db:"event_id"`
	Name    sql.NullString `db:"name"`
	Payload []byte         `db:"payload"` // nil for NULL
	Attrs   []byte         `db:"attrs"`   // nil for NULL
	At      string         `db:"at"`
}

// sqliteClaimed is a row the claim leased.
type sqliteClaimed struct {
	ID   string `db:"contact_id"`
	Wake string `db:"wake_at"`
}

// Claim implements Store.
func (s *Store) Claim(ctx context.Context, p *store.ClaimParams) ([]*store.Work, error) {
	if p.Limit <= 0 {
		return nil, nil
	}
	var out []*store.Work
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		out = nil
		var claimed []sqliteClaimed
		if err := s.stmt(ctx, tx, "claim").SelectContext(ctx, &claimed,
			sql.Named("worker", p.Worker), sql.Named("lease_until", sqliteTime(p.Now.Add(p.Lease))),
			sql.Named("now", sqliteTime(p.Now)), sql.Named("limit", p.Limit)); err != nil {
			return err
		}
		// RETURNING has no order: put the batch in due order, as the
		// subquery chose it.
		slices.SortFunc(claimed, func(a, b sqliteClaimed) int {
			if c := strings.Compare(a.Wake, b.Wake); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		for _, c := range claimed {
			w, err := s.work(ctx, tx, c.ID, p.InputLimit())
			if err != nil {
				return err
			}
			if w.Due, err = parseSQLiteTime(c.Wake); err != nil {
				return fmt.Errorf("contact %s: wake-up: %w", c.ID, err)
			}
			out = append(out, w)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// work reads a claimed contact's state and its first limit pending inputs.
func (s *Store) work(ctx context.Context, tx *sqlx.Tx, id string, limit int) (*store.Work, error) {
	var row struct {
		State string `db:"state"`
		Rev   int64  `db:"rev"`
	}
	if err := s.stmt(ctx, tx, "contact_state").GetContext(ctx, &row, sql.Named("id", id)); err != nil {
		return nil, fmt.Errorf("contact %s: %w", id, err)
	}
	w := &store.Work{State: &runtime.ContactState{}, Rev: row.Rev}
	if err := json.Unmarshal([]byte(row.State), w.State); err != nil {
		return nil, fmt.Errorf("contact %s: %w", id, err)
	}
	var rows []sqliteInput
	if err := s.stmt(ctx, tx, "inputs_list").SelectContext(ctx, &rows, sql.Named("contact_id", id), sql.Named("limit", limit)); err != nil {
		return nil, err
	}
	for _, r := range rows {
		in, err := r.input()
		if err != nil {
			return nil, fmt.Errorf("contact %s, input %d: %w", id, r.Seq, err)
		}
		w.Inputs = append(w.Inputs, in)
	}
	return w, nil
}

func (r *sqliteInput) input() (runtime.Input, error) {
	in := runtime.Input{Seq: r.Seq, Kind: r.Kind, ID: r.EventID.String, Name: r.Name.String}
	var err error
	if in.At, err = parseSQLiteTime(r.At); err != nil {
		return in, err
	}
	if in.Payload, err = store.JSONObject(r.Payload); err != nil {
		return in, err
	}
	in.Attrs, err = store.JSONObject(r.Attrs)
	return in, err
}

// Complete implements Store.
func (s *Store) Complete(ctx context.Context, p *store.CompleteParams) (*store.CompleteResult, error) {
	var res *store.CompleteResult
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res = &store.CompleteResult{}
		for _, r := range p.Results {
			ok, err := s.complete(ctx, tx, p.Worker, r)
			if err != nil {
				return fmt.Errorf("contact %s: %w", r.Contact, err)
			}
			if !ok {
				res.Lost = append(res.Lost, r.Contact)
				continue
			}
			res.Committed++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// complete commits one result, unless its lease was lost.
func (s *Store) complete(ctx context.Context, tx *sqlx.Tx, worker string, r *store.WorkResult) (bool, error) {
	if ok, err := s.commitState(ctx, tx, worker, r); !ok || err != nil {
		return false, err
	}
	out := r.Outcome
	if out == nil {
		out = &runtime.Outcome{}
	}
	if _, err := s.stmt(ctx, tx, "inputs_delete").ExecContext(ctx,
		sql.Named("contact_id", r.Contact), sql.Named("consumed", r.Consumed)); err != nil {
		return false, err
	}
	if _, err := s.stmt(ctx, tx, "wakeup_release").ExecContext(ctx,
		sql.Named("contact_id", r.Contact), sql.Named("wake", sqliteNullTime(out.Wake))); err != nil {
		return false, err
	}
	for _, w := range out.Withdraw {
		if err := s.withdraw(ctx, tx, r, w); err != nil {
			return false, err
		}
	}
	outbox := s.stmt(ctx, tx, "outbox_insert")
	for _, a := range out.Actions {
		if _, err := outbox.ExecContext(ctx,
			sql.Named("key", a.Key), sql.Named("contact_id", a.Contact), sql.Named("journey", a.Journey),
			sql.Named("version", a.Version), sql.Named("step", a.Step), sql.Named("kind", a.Kind),
			sql.Named("target", a.Target), sql.Named("payload", store.PayloadText(a.Payload)), sql.Named("due", sqliteTime(a.Due))); err != nil {
			return false, fmt.Errorf("outbox %s: %w", a.Key, err)
		}
	}
	history := s.stmt(ctx, tx, "history_insert")
	for _, row := range store.PackHistory(out.Records) {
		if err := insertHistory(ctx, history, row); err != nil {
			return false, err
		}
	}
	if r.State != nil && !r.Unchanged {
		enroll := s.stmt(ctx, tx, "enrollment_upsert")
		for _, e := range r.State.Enrollments {
			if _, err := enroll.ExecContext(ctx,
				sql.Named("contact_id", r.Contact), sql.Named("journey", e.Journey), sql.Named("entry", e.Entry),
				sql.Named("version", e.Version), sql.Named("status", e.Status), sql.Named("stage", e.Stage),
				sql.Named("stage_at", sqliteTime(e.StageAt)), sql.Named("entered_at", sqliteTime(e.EnteredAt)),
				sql.Named("exited_at", sqliteNullTime(e.ExitedAt)), sql.Named("reason", sqliteText(e.Reason))); err != nil {
				return false, fmt.Errorf("enrollment %s#%d: %w", e.Journey, e.Entry, err)
			}
		}
	}
	return true, nil
}

// commitState writes a result's state, unless the run left it as it
// was, and reports whether the worker still held the contact at the
// revision it claimed: if not, the result is lost.
func (s *Store) commitState(ctx context.Context, tx *sqlx.Tx, worker string, r *store.WorkResult) (bool, error) {
	if r.Unchanged {
		var n int
		err := s.stmt(ctx, tx, "contact_held").GetContext(ctx, &n,
			sql.Named("id", r.Contact), sql.Named("rev", r.Rev), sql.Named("worker", worker))
		return n > 0, err
	}
	state, err := json.Marshal(r.State)
	if err != nil {
		return false, err
	}
	res, err := s.stmt(ctx, tx, "contact_update").ExecContext(ctx,
		sql.Named("id", r.Contact), sql.Named("state", string(state)),
		sql.Named("rev", r.Rev), sql.Named("worker", worker))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// sqliteWithdrawn is an outbox row a withdrawal cancelled.
type sqliteWithdrawn struct {
	Seq     int64  `db:"seq"`
	Journey string `db:"journey"`
	Step    string `db:"step"`
	Target  string `db:"target"`
}

// withdraw cancels a contact's marketing rows of a channel still waiting
// for delivery, and records each, in order.
func (s *Store) withdraw(ctx context.Context, tx *sqlx.Tx, r *store.WorkResult, w runtime.Withdrawal) error {
	var rows []sqliteWithdrawn
	if err := s.stmt(ctx, tx, "outbox_withdraw").SelectContext(ctx, &rows,
		sql.Named("contact_id", r.Contact), sql.Named("channel", w.Channel)); err != nil {
		return fmt.Errorf("withdrawing %s: %w", w.Channel, err)
	}
	slices.SortFunc(rows, func(a, b sqliteWithdrawn) int { return int(a.Seq - b.Seq) })
	history := s.stmt(ctx, tx, "history_insert")
	for _, row := range rows {
		rec := store.WithdrawnRecord(r.State, r.Contact, row.Journey, row.Step, row.Target, w.At)
		if err := insertHistory(ctx, history, store.HistoryRow{Record: rec}); err != nil {
			return err
		}
	}
	return nil
}

// insertHistory appends a row to the history with the statement
// history_insert.
func insertHistory(ctx context.Context, history *sqlx.Stmt, row store.HistoryRow) error {
	_, err := history.ExecContext(ctx,
		sql.Named("contact_id", row.Contact), sql.Named("journey", row.Journey), sql.Named("entry", row.Entry),
		sql.Named("kind", row.Kind), sql.Named("step", sqliteText(row.Step)), sql.Named("detail", sqliteText(row.Detail)),
		sql.Named("at", sqliteTime(row.At)), sql.Named("first_stage", sqliteText(row.FirstStage)))
	return err
}
