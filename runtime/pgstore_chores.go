package runtime

// The Postgres store's chores: the lead of a chore, and retention.

import (
	"context"
	"fmt"
)

// Lead implements Store.
func (s *PostgresStore) Lead(ctx context.Context, p *LeadParams) (bool, error) {
	now := pgFloor(p.Now)
	var holders []string
	if err := s.db.SelectContext(ctx, &holders, pgq.lead, p.Name, p.Holder, now, now.Add(p.TTL)); err != nil {
		return false, fmt.Errorf("postgres store: leading %s: %w", p.Name, err)
	}
	return len(holders) > 0, nil
}

// WakeStale implements Store.
func (s *PostgresStore) WakeStale(ctx context.Context, p *WakeStaleParams) (int, error) {
	res, err := s.db.ExecContext(ctx, pgq.wakeStale, pgFloor(p.Now), p.Journey, p.Version, p.Limit)
	if err != nil {
		return 0, fmt.Errorf("postgres store: waking %s's contacts for version %s: %w", p.Journey, p.Version, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("postgres store: waking %s's contacts for version %s: %w", p.Journey, p.Version, err)
	}
	return int(n), nil
}

// Prune implements Store.
func (s *PostgresStore) Prune(ctx context.Context, p *PruneParams) (int, error) {
	res, err := s.db.ExecContext(ctx, pgq.pruneEventIDs, pgFloor(p.Before))
	if err != nil {
		return 0, fmt.Errorf("postgres store: pruning event identities: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("postgres store: pruning event identities: %w", err)
	}
	return int(n), nil
}
