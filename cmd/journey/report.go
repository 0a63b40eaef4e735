package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime/report"
	"github.com/journeylang/journey/runtime/store"
)

// reportCmd is `journey report`: the journey map's readings, counted in
// the store (docs/reports.md).
type reportCmd struct {
	DB      string `placeholder:"DSN" help:"The store, as journey run made it: postgres://… for Postgres, else a SQLite file's path." default:"journey.db"`
	Journey string `placeholder:"NAME" help:"One journey; every journey when not given."`
	Since   string `placeholder:"T" help:"Only the enrollments that began at or after T (RFC 3339, or a date: 2026-01-05)."`
	Until   string `placeholder:"T" help:"Only the enrollments that began before T."`
	Format  string `enum:"text,json,html" default:"text" help:"text, json (docs/reports.md) or html (one self-contained page)."`
	Output  string `short:"o" placeholder:"FILE" help:"Write the report to FILE instead of standard output."`
}

func (c *reportCmd) run(e *env) {
	ctx := context.Background()
	p := &store.ReportParams{Journey: c.Journey, Now: time.Now()}
	for _, b := range []struct {
		flag, text string
		t          *time.Time
	}{{"--since", c.Since, &p.Since}, {"--until", c.Until, &p.Until}} {
		if b.text == "" {
			continue
		}
		t, err := report.ParseTime(b.text)
		if err != nil {
			e.errorf("report: %s: %v", b.flag, err)
			return
		}
		*b.t = t
	}
	st, err := openExistingStore(ctx, c.DB)
	if err != nil {
		e.errorf("report: %v", err)
		return
	}
	defer st.Close()
	r, layout, err := readReport(ctx, st, p)
	if err != nil {
		e.errorf("report: %v", err)
		return
	}
	if c.Journey != "" && r.Journey(c.Journey) == nil {
		e.errorf("report: no journey %q in the deployment in force or the store's enrollments", c.Journey)
		return
	}
	var w io.Writer = e.stdout
	var f *os.File
	if c.Output != "" {
		if f, err = os.Create(c.Output); err != nil {
			e.reportPath(err)
			return
		}
		w = f
	}
	switch c.Format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	case "html":
		err = r.WriteHTML(w, layout)
	default:
		err = r.WriteText(w)
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		e.errorf("report: %v", err)
	}
}

// readReport reads a report of a store, its journeys and stages laid out
// as the deployment in force has them (when there is one), and returns
// that deployment's journeys (nil when there is none).
func readReport(ctx context.Context, st store.Store, p *store.ReportParams) (*report.Report, []*compiler.Journey, error) {
	var journeys []*compiler.Journey
	db, err := st.Deployed(ctx, &store.DeployedParams{})
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, nil, err
	default:
		b, err := compiler.ReadBundle(db.Bundle, compiler.ReadOptions{})
		if err != nil {
			return nil, nil, fmt.Errorf("the deployment in force (%d): %w", db.ID, err)
		}
		for _, j := range b.Program.Journeys {
			if p.Journey == "" || j.Name == p.Journey {
				journeys = append(journeys, j)
			}
		}
	}
	counts, err := st.Report(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	return report.Build(counts, report.Options{Since: p.Since, Until: p.Until, Layout: report.LayoutOf(journeys)}), journeys, nil
}
