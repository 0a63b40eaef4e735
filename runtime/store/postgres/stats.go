package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/journeylang/journey/runtime/store"
)

// Stats implements Store. Each figure is read on its own: together they
// are not one snapshot. Now is rounded down, as a claim's is: a contact
// counts as due when a claim at Now would find it due.
func (s *Store) Stats(ctx context.Context, p *store.StatsParams) (*store.Stats, error) {
	st := &store.Stats{Active: map[string]map[string]int{}}
	var outbox struct {
		Pending int          `db:"pending"`
		Oldest  sql.NullTime `db:"oldest"`
	}
	if err := s.db.GetContext(ctx, &outbox, s.q.statsOutbox); err != nil {
		return nil, fmt.Errorf("postgres store: stats: outbox: %w", err)
	}
	st.OutboxPending = outbox.Pending
	if outbox.Oldest.Valid {
		st.OldestPending = outbox.Oldest.Time.UTC()
	}
	var due struct {
		Due    int          `db:"due"`
		Oldest sql.NullTime `db:"oldest"`
	}
	if err := s.db.GetContext(ctx, &due, s.q.statsDue, pgFloor(p.Now)); err != nil {
		return nil, fmt.Errorf("postgres store: stats: due contacts: %w", err)
	}
	st.DueContacts = due.Due
	if due.Oldest.Valid {
		st.OldestDue = due.Oldest.Time.UTC()
	}
	var active []struct {
		Journey  string `db:"journey"`
		Stage    string `db:"stage"`
		Contacts int    `db:"contacts"`
	}
	if err := s.db.SelectContext(ctx, &active, s.q.statsActive); err != nil {
		return nil, fmt.Errorf("postgres store: stats: enrollments: %w", err)
	}
	for _, r := range active {
		if st.Active[r.Journey] == nil {
			st.Active[r.Journey] = map[string]int{}
		}
		st.Active[r.Journey][r.Stage] = r.Contacts
	}
	return st, nil
}
