package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/journeylang/journey/runtime/store"
)

// pgTally is a row of the tallies: one figure as last counted.
type pgTally struct {
	What      string       `db:"what"`
	Journey   string       `db:"journey"`
	Stage     string       `db:"stage"`
	N         int          `db:"n"`
	Oldest    sql.NullTime `db:"oldest"`
	CountedAt time.Time    `db:"counted_at"`
}

// Tallied implements store.Tallier: the figures Tally counted last, a
// read of a few rows at any number of contacts; nil before the first.
func (s *Store) Tallied(ctx context.Context) (*store.Stats, error) {
	var rows []pgTally
	if err := s.db.SelectContext(ctx, &rows, s.q.tallies); err != nil {
		return nil, fmt.Errorf("postgres store: tallies: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	st := &store.Stats{Active: map[string]map[string]int{}}
	for _, r := range rows {
		st.CountedAt = r.CountedAt.UTC()
		var oldest time.Time
		if r.Oldest.Valid {
			oldest = r.Oldest.Time.UTC()
		}
		switch r.What {
		case "outbox":
			st.OutboxPending, st.OldestPending = r.N, oldest
		case "due":
			st.DueContacts, st.OldestDue = r.N, oldest
		case "active":
			if st.Active[r.Journey] == nil {
				st.Active[r.Journey] = map[string]int{}
			}
			st.Active[r.Journey][r.Stage] = r.N
		}
	}
	return st, nil
}

// Tally implements store.Tallier: it counts the figures of Stats anew and
// keeps them, replacing the last count in one transaction.
func (s *Store) Tally(ctx context.Context, p *store.TallyParams) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres store: tally: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []string{s.q.lockTallies, s.q.deleteTallies} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("postgres store: tally: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.q.tally, pgFloor(p.Now)); err != nil {
		return fmt.Errorf("postgres store: tally: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres store: tally: %w", err)
	}
	return nil
}

// Stats implements Store, counting for the call. Each figure is read on
// its own: together they are not one snapshot. Now is rounded down, as a
// claim's is: a contact counts as due when a claim at Now would find it
// due.
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
