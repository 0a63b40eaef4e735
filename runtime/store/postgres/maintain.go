package postgres

// The Postgres store's upkeep: retention, and vacuuming its own tables
// where the server does not (autovacuum off).

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime/store"
)

var _ store.Maintainer = (*Store)(nil)

// vacuums holds the statement vacuuming each of the store's tables, by
// table: a table's name cannot be a parameter.
var vacuums = map[string]string{
	"wakeups":     pgQuery("vacuum_wakeups"),
	"inputs":      pgQuery("vacuum_inputs"),
	"outbox":      pgQuery("vacuum_outbox"),
	"event_ids":   pgQuery("vacuum_event_ids"),
	"contacts":    pgQuery("vacuum_contacts"),
	"enrollments": pgQuery("vacuum_enrollments"),
	"history":     pgQuery("vacuum_history"),
	"leaders":     pgQuery("vacuum_leaders"),
}

// Retain implements Store.
func (s *Store) Retain(ctx context.Context, p *store.RetainParams) (*store.Retained, error) {
	out := &store.Retained{}
	limit := p.BatchLimit()
	var err error
	if !p.OutboxBefore.IsZero() {
		if out.Outbox, err = s.execLimited(ctx, s.q.retainOutbox, limit, pgFloor(p.OutboxBefore)); err != nil {
			return nil, fmt.Errorf("postgres store: retention: outbox: %w", err)
		}
	}
	if !p.HistoryBefore.IsZero() {
		if out.History, err = s.execLimited(ctx, s.q.retainHistory, limit, pgFloor(p.HistoryBefore)); err != nil {
			return nil, fmt.Errorf("postgres store: retention: history: %w", err)
		}
	}
	return out, nil
}

// MaintenanceWarnings implements store.Maintainer: autovacuum off for
// the server, or for one of the store's tables, and the statistics off
// (the runner then cannot see the dead rows it would vacuum).
func (s *Store) MaintenanceWarnings(ctx context.Context) ([]string, error) {
	var rows []struct {
		Name        string         `db:"name"`
		Autovacuum  string         `db:"autovacuum"`
		TrackCounts string         `db:"track_counts"`
		Options     pq.StringArray `db:"options"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.q.autovacuum); err != nil {
		return nil, fmt.Errorf("postgres store: reading the vacuum settings: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	var warnings []string
	if !pgOn(rows[0].TrackCounts) {
		warnings = append(warnings, "TRACK_COUNTS IS OFF on this Postgres server: neither autovacuum nor the runner "+
			"leading the chores can see the dead rows that updates and deletes leave, and the queue tables (wakeups, "+
			"inputs, outbox) slow down as they pile up; turn track_counts on, or run VACUUM ANALYZE on the store's tables often")
		return warnings, nil
	}
	what := "the runner leading the chores vacuums (and analyses) the store's tables itself when their dead rows pass " +
		"its threshold (" + store.VacuumThreshold() + "); turn autovacuum on to leave it to the server"
	if !pgOn(rows[0].Autovacuum) {
		return append(warnings, "AUTOVACUUM IS OFF on this Postgres server: "+what), nil
	}
	var off []string
	for _, r := range rows {
		if slices.ContainsFunc(r.Options, func(o string) bool {
			name, value, _ := strings.Cut(o, "=")
			return strings.EqualFold(name, "autovacuum_enabled") && !pgOn(value)
		}) {
			off = append(off, r.Name)
		}
	}
	if len(off) > 0 {
		warnings = append(warnings, "AUTOVACUUM IS OFF for the tables "+strings.Join(off, ", ")+" (autovacuum_enabled = false): "+what)
	}
	return warnings, nil
}

// pgOn reads a boolean setting as Postgres does.
func pgOn(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1", "t", "y":
		return true
	}
	return false
}

// Vacuum implements store.Maintainer. Each VACUUM runs on its own,
// outside any transaction, as VACUUM must.
func (s *Store) Vacuum(ctx context.Context, p *store.VacuumParams) (*store.VacuumReport, error) {
	var tables []struct {
		Name string `db:"name"`
		Dead int64  `db:"dead"`
		Live int64  `db:"live"`
	}
	if err := s.db.SelectContext(ctx, &tables, s.q.vacuumCandidates, p.MinDead, p.DeadFraction); err != nil {
		return nil, fmt.Errorf("postgres store: tables to vacuum: %w", err)
	}
	out := &store.VacuumReport{}
	for _, t := range tables {
		q, ok := vacuums[t.Name]
		if !ok {
			continue
		}
		began := time.Now()
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return out, fmt.Errorf("postgres store: vacuuming %s: %w", t.Name, err)
		}
		out.Tables = append(out.Tables, store.Vacuumed{Table: t.Name, Dead: t.Dead, Live: t.Live, Took: time.Since(began)})
	}
	var seconds float64
	if err := s.db.GetContext(ctx, &seconds, s.q.oldestXact); err != nil {
		return out, fmt.Errorf("postgres store: the oldest transaction: %w", err)
	}
	out.OldestXact = time.Duration(seconds * float64(time.Second))
	return out, nil
}
