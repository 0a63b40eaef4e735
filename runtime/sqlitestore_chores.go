package runtime

// The SQLite store's chores: the lead of a chore, and retention.

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Lead implements Store.
func (s *SQLiteStore) Lead(ctx context.Context, p *LeadParams) (bool, error) {
	var holders []string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		holders = nil
		return s.stmt(ctx, tx, "lead").SelectContext(ctx, &holders,
			sql.Named("name", p.Name), sql.Named("holder", p.Holder),
			sql.Named("now", sqliteTime(p.Now)), sql.Named("expires_at", sqliteTime(p.Now.Add(p.TTL))))
	})
	if err != nil {
		return false, fmt.Errorf("sqlite store: leading %s: %w", p.Name, err)
	}
	return len(holders) > 0, nil
}

// WakeStale implements Store.
func (s *SQLiteStore) WakeStale(ctx context.Context, p *WakeStaleParams) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := s.stmt(ctx, tx, "wakeup_stale").ExecContext(ctx, sql.Named("now", sqliteTime(p.Now)),
			sql.Named("journey", p.Journey), sql.Named("version", p.Version), sql.Named("limit", p.Limit))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite store: waking %s's contacts for version %s: %w", p.Journey, p.Version, err)
	}
	return int(n), nil
}

// Prune implements Store.
func (s *SQLiteStore) Prune(ctx context.Context, p *PruneParams) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := s.stmt(ctx, tx, "event_ids_prune").ExecContext(ctx, sql.Named("before", sqliteTime(p.Before)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite store: pruning event identities: %w", err)
	}
	return int(n), nil
}
