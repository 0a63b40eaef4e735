package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/journeylang/journey/runtime/report"
	"github.com/journeylang/journey/runtime/store"
)

// Report implements Store: the report_*.sql aggregates of the store's
// query set (on Citus, citus/queries' variants), read in one
// read-only repeatable-read transaction, so that they are one snapshot,
// with the memory its sorts need (report_settings.sql). Percentiles are
// percentile_cont's.
func (s *Store) Report(ctx context.Context, p *store.ReportParams) (*report.Counts, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("postgres store: report: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.q.reportSettings); err != nil {
		return nil, fmt.Errorf("postgres store: report: %w", err)
	}
	since, until := pgNullTime(p.Since), pgNullTime(p.Until)
	c := &report.Counts{}
	fail := func(what string, err error) (*report.Counts, error) {
		return nil, fmt.Errorf("postgres store: report: %s: %w", what, err)
	}
	if err := tx.SelectContext(ctx, &c.Versions, s.q.reportVersions, p.Journey, since, until); err != nil {
		return fail("versions", err)
	}
	var stages []struct {
		report.StageCount
		FirstAt time.Time `db:"first_at"`
	}
	if err := tx.SelectContext(ctx, &stages, s.q.reportStages, p.Journey, since, until, pgFloor(p.Now), p.StallSeconds()); err != nil {
		return fail("stages", err)
	}
	for _, st := range stages {
		st.First = st.FirstAt.UTC()
		c.Stages = append(c.Stages, st.StageCount)
	}
	if err := tx.SelectContext(ctx, &c.Exits, s.q.reportExits, p.Journey, since, until); err != nil {
		return fail("exits", err)
	}
	if err := tx.SelectContext(ctx, &c.Messages, s.q.reportMessages, p.Journey, since, until); err != nil {
		return fail("messages", err)
	}
	if err := tx.SelectContext(ctx, &c.Outbox, s.q.reportOutbox, p.Journey, since, until); err != nil {
		return fail("outbox", err)
	}
	if err := tx.SelectContext(ctx, &c.Goals, s.q.reportGoals, p.Journey, since, until); err != nil {
		return fail("goals", err)
	}
	if err := tx.SelectContext(ctx, &c.Arms, s.q.reportArms, p.Journey, since, until); err != nil {
		return fail("splits", err)
	}
	if err := selectDays(ctx, s.q, tx, &c.Days, p.Journey, since, until); err != nil {
		return fail("cohorts", err)
	}
	if c.Several() {
		if err := readByVersion(ctx, s.q, tx, c, p, since, until); err != nil {
			return nil, fmt.Errorf("postgres store: report: %w", err)
		}
	}
	c.Sort()
	return c, nil
}

// selectDays reads the cohorts by day; the day comes back as a timestamp
// without zone, midnight UTC.
func selectDays(ctx context.Context, q *pgQueries, tx *sqlx.Tx, out *[]report.DayCount, args ...any) error {
	var days []struct {
		Journey            string
		At                 time.Time `db:"day"`
		Entered, Converted int
	}
	if err := tx.SelectContext(ctx, &days, q.reportDays, args...); err != nil {
		return err
	}
	for _, d := range days {
		*out = append(*out, report.DayCount{Journey: d.Journey, Entered: d.Entered, Converted: d.Converted,
			Day: time.Date(d.At.Year(), d.At.Month(), d.At.Day(), 0, 0, 0, 0, time.UTC)})
	}
	return nil
}

// pgNullTime is t rounded down to the microsecond, or NULL for the zero
// time.
func pgNullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: pgFloor(t), Valid: true}
}

// readByVersion reads the figures of each version (report_version_*.sql).
func readByVersion(ctx context.Context, q *pgQueries, tx *sqlx.Tx, c *report.Counts, p *store.ReportParams, since, until sql.NullTime) error {
	v := &c.ByVersion
	var vstages []struct {
		report.StageCount
		FirstAt time.Time `db:"first_at"`
	}
	if err := tx.SelectContext(ctx, &vstages, q.reportVersionStages, p.Journey, since, until, pgFloor(p.Now), p.StallSeconds()); err != nil {
		return fmt.Errorf("stages by version: %w", err)
	}
	for _, st := range vstages {
		st.First = st.FirstAt.UTC()
		v.Stages = append(v.Stages, st.StageCount)
	}
	if err := tx.SelectContext(ctx, &v.Exits, q.reportVersionExits, p.Journey, since, until); err != nil {
		return fmt.Errorf("exits by version: %w", err)
	}
	if err := tx.SelectContext(ctx, &v.Messages, q.reportVersionMessages, p.Journey, since, until); err != nil {
		return fmt.Errorf("messages by version: %w", err)
	}
	if err := tx.SelectContext(ctx, &v.Goals, q.reportVersionGoals, p.Journey, since, until); err != nil {
		return fmt.Errorf("goals by version: %w", err)
	}
	if err := tx.SelectContext(ctx, &v.Arms, q.reportVersionArms, p.Journey, since, until); err != nil {
		return fmt.Errorf("splits by version: %w", err)
	}
	if err := tx.SelectContext(ctx, &v.Outbox, q.reportVersionOutbox, p.Journey, since, until); err != nil {
		return fmt.Errorf("deliveries by version: %w", err)
	}
	return nil
}
