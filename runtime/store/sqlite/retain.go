package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/journeylang/journey/runtime/store"
)

// Retain implements Store: both deletions in one write transaction.
func (s *Store) Retain(ctx context.Context, p *store.RetainParams) (*store.Retained, error) {
	out := &store.Retained{}
	limit := sql.Named("limit", p.BatchLimit())
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		*out = store.Retained{}
		var err error
		if !p.OutboxBefore.IsZero() {
			if out.Outbox, err = deleted(ctx, s.stmt(ctx, tx, "retain_outbox"), sql.Named("before", sqliteTime(p.OutboxBefore)), limit); err != nil {
				return fmt.Errorf("outbox: %w", err)
			}
		}
		if !p.HistoryBefore.IsZero() {
			if out.History, err = deleted(ctx, s.stmt(ctx, tx, "retain_history"), sql.Named("before", sqliteTime(p.HistoryBefore)), limit); err != nil {
				return fmt.Errorf("history: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite store: retention: %w", err)
	}
	return out, nil
}

// deleted runs a delete and returns how many rows it deleted.
func deleted(ctx context.Context, st *sqlx.Stmt, args ...any) (int, error) {
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
