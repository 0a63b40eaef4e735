package sqlite

// The SQLite store's chores: the lead of a chore, retention, and what a
// deploy needs (waking contacts, recording versions).

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// Lead implements Store.
func (s *Store) Lead(ctx context.Context, p *store.LeadParams) (bool, error) {
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
func (s *Store) WakeStale(ctx context.Context, p *store.WakeStaleParams) (int, error) {
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

// Stale implements Store.
func (s *Store) Stale(ctx context.Context, p *store.StaleParams) ([]string, error) {
	if p.Limit <= 0 {
		return nil, nil
	}
	var ids []string
	if err := s.reader("contacts_stale").SelectContext(ctx, &ids, sql.Named("journey", p.Journey),
		sql.Named("version", p.Version), sql.Named("after", p.After), sql.Named("limit", p.Limit)); err != nil {
		return nil, fmt.Errorf("sqlite store: %s's contacts to bring to version %s: %w", p.Journey, p.Version, err)
	}
	return ids, nil
}

// Prune implements Store.
func (s *Store) Prune(ctx context.Context, p *store.PruneParams) (int, error) {
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

// SaveVersions implements Store.
func (s *Store) SaveVersions(ctx context.Context, p *store.SaveVersionsParams) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		n = 0
		for _, v := range p.Versions {
			res, err := s.stmt(ctx, tx, "version_insert").ExecContext(ctx, sql.Named("journey", v.Journey),
				sql.Named("version", v.Version), sql.Named("ir", string(v.IR)), sql.Named("at", sqliteTime(p.Now)))
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite store: recording journey versions: %w", err)
	}
	return n, nil
}

// Versions implements Store.
func (s *Store) Versions(ctx context.Context, p *store.VersionsParams) ([]runtime.JourneyVersion, error) {
	var rows []struct {
		Journey   string `db:"journey"`
		Version   string `db:"version"`
		IR        string `db:"ir"`
		CreatedAt string `db:"created_at"`
	}
	if err := s.reader("versions_list").SelectContext(ctx, &rows, sql.Named("journey", p.Journey)); err != nil {
		return nil, fmt.Errorf("sqlite store: versions of %s: %w", p.Journey, err)
	}
	out := make([]runtime.JourneyVersion, len(rows))
	for i, r := range rows {
		at, err := parseSQLiteTime(r.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("sqlite store: versions of %s: %w", p.Journey, err)
		}
		out[i] = runtime.JourneyVersion{Journey: r.Journey, Version: r.Version, IR: json.RawMessage(r.IR), At: at}
	}
	return out, nil
}
