package postgres

// The Postgres store's chores: the lead of a chore, retention, and what a
// deploy needs (waking contacts, recording versions).

import (
	"context"
	"fmt"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"time"
)

// Lead implements Store.
func (s *Store) Lead(ctx context.Context, p *store.LeadParams) (bool, error) {
	now := pgFloor(p.Now)
	var holders []string
	if err := s.db.SelectContext(ctx, &holders, s.q.lead, p.Name, p.Holder, now, now.Add(p.TTL)); err != nil {
		return false, fmt.Errorf("postgres store: leading %s: %w", p.Name, err)
	}
	return len(holders) > 0, nil
}

// WakeStale implements Store.
func (s *Store) WakeStale(ctx context.Context, p *store.WakeStaleParams) (int, error) {
	n, err := s.execLimited(ctx, s.q.wakeStale, p.Limit, pgFloor(p.Now), p.Journey, p.Version)
	if err != nil {
		return 0, fmt.Errorf("postgres store: waking %s's contacts for version %s: %w", p.Journey, p.Version, err)
	}
	return n, nil
}

// Stale implements Store.
func (s *Store) Stale(ctx context.Context, p *store.StaleParams) ([]string, error) {
	if p.Limit <= 0 {
		return nil, nil
	}
	var ids []string
	if err := s.db.SelectContext(ctx, &ids, s.q.stale, p.Journey, p.Version, p.After, p.Limit); err != nil {
		return nil, fmt.Errorf("postgres store: %s's contacts to bring to version %s: %w", p.Journey, p.Version, err)
	}
	return ids, nil
}

// Prune implements Store.
func (s *Store) Prune(ctx context.Context, p *store.PruneParams) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q.pruneEventIDs, pgFloor(p.Before))
	if err != nil {
		return 0, fmt.Errorf("postgres store: pruning event identities: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("postgres store: pruning event identities: %w", err)
	}
	return int(n), nil
}

// SaveVersions implements Store.
func (s *Store) SaveVersions(ctx context.Context, p *store.SaveVersionsParams) (int, error) {
	// Each insert stands alone: one that committed is never wrong, so a
	// failure part way leaves nothing to undo.
	n := 0
	for _, v := range p.Versions {
		res, err := s.db.ExecContext(ctx, s.q.insertVersion, v.Journey, v.Version, []byte(v.IR), pgFloor(p.Now))
		if err != nil {
			return n, fmt.Errorf("postgres store: recording %s@%s: %w", v.Journey, v.Version, err)
		}
		k, err := res.RowsAffected()
		if err != nil {
			return n, fmt.Errorf("postgres store: recording %s@%s: %w", v.Journey, v.Version, err)
		}
		n += int(k)
	}
	return n, nil
}

// Versions implements Store.
func (s *Store) Versions(ctx context.Context, p *store.VersionsParams) ([]runtime.JourneyVersion, error) {
	var rows []struct {
		Journey   string    `db:"journey"`
		Version   string    `db:"version"`
		IR        []byte    `db:"ir"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.q.versions, p.Journey); err != nil {
		return nil, fmt.Errorf("postgres store: versions of %s: %w", p.Journey, err)
	}
	out := make([]runtime.JourneyVersion, len(rows))
	for i, r := range rows {
		out[i] = runtime.JourneyVersion{Journey: r.Journey, Version: r.Version, IR: r.IR, At: r.CreatedAt.UTC()}
	}
	return out, nil
}
