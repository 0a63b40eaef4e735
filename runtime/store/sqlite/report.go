package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/journeylang/journey/runtime/report"
	"github.com/journeylang/journey/runtime/store"
)

// Report implements Store: the report_*.sql aggregates, each read on its
// own from the read pool (together they are not one snapshot).
// Percentiles are interpolated in SQL as Postgres's percentile_cont is;
// durations are measured to the millisecond.
func (s *Store) Report(ctx context.Context, p *store.ReportParams) (*report.Counts, error) {
	args := []any{
		sql.Named("journey", p.Journey),
		sql.Named("since", sqliteNullTime(p.Since)),
		sql.Named("until", sqliteNullTime(p.Until)),
	}
	c := &report.Counts{}
	fail := func(what string, err error) (*report.Counts, error) {
		return nil, fmt.Errorf("sqlite store: report: %s: %w", what, err)
	}
	if err := s.reader("report_versions").SelectContext(ctx, &c.Versions, args...); err != nil {
		return fail("versions", err)
	}
	var stages []struct {
		report.StageCount
		FirstAt string `db:"first_at"`
	}
	stageArgs := append(args[:len(args):len(args)], sql.Named("now", sqliteTime(p.Now)), sql.Named("stall", p.StallSeconds()))
	if err := s.reader("report_stages").SelectContext(ctx, &stages, stageArgs...); err != nil {
		return fail("stages", err)
	}
	for _, st := range stages {
		t, err := parseSQLiteTime(st.FirstAt)
		if err != nil {
			return fail("stages", err)
		}
		st.First = t
		c.Stages = append(c.Stages, st.StageCount)
	}
	if err := s.reader("report_exits").SelectContext(ctx, &c.Exits, args...); err != nil {
		return fail("exits", err)
	}
	if err := s.reader("report_messages").SelectContext(ctx, &c.Messages, args...); err != nil {
		return fail("messages", err)
	}
	if err := s.reader("report_outbox").SelectContext(ctx, &c.Outbox, args...); err != nil {
		return fail("outbox", err)
	}
	if err := s.reader("report_goals").SelectContext(ctx, &c.Goals, args...); err != nil {
		return fail("goals", err)
	}
	if err := s.reader("report_arms").SelectContext(ctx, &c.Arms, args...); err != nil {
		return fail("splits", err)
	}
	var days []struct {
		Journey            string
		Day                string
		Entered, Converted int
	}
	if err := s.reader("report_days").SelectContext(ctx, &days, args...); err != nil {
		return fail("cohorts", err)
	}
	for _, d := range days {
		t, err := time.Parse(time.DateOnly, d.Day)
		if err != nil {
			return fail("cohorts", err)
		}
		c.Days = append(c.Days, report.DayCount{Journey: d.Journey, Day: t, Entered: d.Entered, Converted: d.Converted})
	}
	if c.Several() {
		if err := s.readByVersion(ctx, c, args, stageArgs); err != nil {
			return nil, fmt.Errorf("sqlite store: report: %w", err)
		}
	}
	c.Sort()
	return c, nil
}

// readByVersion reads the figures of each version (report_version_*.sql).
func (s *Store) readByVersion(ctx context.Context, c *report.Counts, args, stageArgs []any) error {
	v := &c.ByVersion
	var vstages []struct {
		report.StageCount
		FirstAt string `db:"first_at"`
	}
	if err := s.reader("report_version_stages").SelectContext(ctx, &vstages, stageArgs...); err != nil {
		return fmt.Errorf("stages by version: %w", err)
	}
	for _, st := range vstages {
		t, err := parseSQLiteTime(st.FirstAt)
		if err != nil {
			return fmt.Errorf("stages by version: %w", err)
		}
		st.First = t
		v.Stages = append(v.Stages, st.StageCount)
	}
	if err := s.reader("report_version_exits").SelectContext(ctx, &v.Exits, args...); err != nil {
		return fmt.Errorf("exits by version: %w", err)
	}
	if err := s.reader("report_version_messages").SelectContext(ctx, &v.Messages, args...); err != nil {
		return fmt.Errorf("messages by version: %w", err)
	}
	if err := s.reader("report_version_goals").SelectContext(ctx, &v.Goals, args...); err != nil {
		return fmt.Errorf("goals by version: %w", err)
	}
	if err := s.reader("report_version_arms").SelectContext(ctx, &v.Arms, args...); err != nil {
		return fmt.Errorf("splits by version: %w", err)
	}
	if err := s.reader("report_version_outbox").SelectContext(ctx, &v.Outbox, args...); err != nil {
		return fmt.Errorf("deliveries by version: %w", err)
	}
	return nil
}
