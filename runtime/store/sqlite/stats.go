package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/journeylang/journey/runtime/store"
)

// Stats implements Store. Each figure is read on its own, from the read
// pool: together they are not one snapshot.
func (s *Store) Stats(ctx context.Context, p *store.StatsParams) (*store.Stats, error) {
	st := &store.Stats{Active: map[string]map[string]int{}}
	var outbox struct {
		Pending int            `db:"pending"`
		Oldest  sql.NullString `db:"oldest"`
	}
	if err := s.reader("stats_outbox").GetContext(ctx, &outbox); err != nil {
		return nil, fmt.Errorf("sqlite store: stats: outbox: %w", err)
	}
	st.OutboxPending = outbox.Pending
	if outbox.Oldest.Valid {
		t, err := parseSQLiteTime(outbox.Oldest.String)
		if err != nil {
			return nil, fmt.Errorf("sqlite store: stats: outbox: %w", err)
		}
		st.OldestPending = t
	}
	var due struct {
		Due    int            `db:"due"`
		Oldest sql.NullString `db:"oldest"`
	}
	if err := s.reader("stats_due").GetContext(ctx, &due, sql.Named("now", sqliteTime(p.Now))); err != nil {
		return nil, fmt.Errorf("sqlite store: stats: due contacts: %w", err)
	}
	st.DueContacts = due.Due
	if due.Oldest.Valid {
		t, err := parseSQLiteTime(due.Oldest.String)
		if err != nil {
			return nil, fmt.Errorf("sqlite store: stats: due contacts: %w", err)
		}
		st.OldestDue = t
	}
	var active []struct {
		Journey  string `db:"journey"`
		Stage    string `db:"stage"`
		Contacts int    `db:"contacts"`
	}
	if err := s.reader("stats_active").SelectContext(ctx, &active); err != nil {
		return nil, fmt.Errorf("sqlite store: stats: enrollments: %w", err)
	}
	for _, r := range active {
		if st.Active[r.Journey] == nil {
			st.Active[r.Journey] = map[string]int{}
		}
		st.Active[r.Journey][r.Stage] = r.Contacts
	}
	return st, nil
}
