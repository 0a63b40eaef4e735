package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/journeylang/journey/compiler"
)

// LayoutOf is the layout of a program's journeys: each with its stages in
// the order written.
func LayoutOf(journeys []*compiler.Journey) []Layout {
	var out []Layout
	for _, j := range journeys {
		l := Layout{Journey: j.Name}
		for _, s := range j.Stages {
			l.Stages = append(l.Stages, s.Name)
		}
		out = append(out, l)
	}
	return out
}

// ParseTime reads a report's bound: an RFC 3339 time, or a date
// (YYYY-MM-DD, midnight UTC).
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time (2026-01-05T09:00:00Z) nor a date (2026-01-05)", s)
}

// WriteText writes a report for a terminal: one section per journey.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	scope := "all enrollments"
	switch {
	case r.Since != nil && r.Until != nil:
		scope = "enrollments from " + r.Since.Format(time.RFC3339) + " to " + r.Until.Format(time.RFC3339)
	case r.Since != nil:
		scope = "enrollments from " + r.Since.Format(time.RFC3339)
	case r.Until != nil:
		scope = "enrollments before " + r.Until.Format(time.RFC3339)
	}
	fmt.Fprintf(tw, "Report of %s\n", scope)
	if len(r.Journeys) == 0 {
		fmt.Fprintln(tw, "\nno journey has enrollments")
	}
	for _, j := range r.Journeys {
		fmt.Fprintf(tw, "\n%s: %d enrolled, %d active, %d converted (%s), %d exited\n",
			j.Journey, j.Enrolled, j.Active, j.Converted, pct(j.ConversionRate), j.Exited)
		if len(j.Versions) > 1 {
			for _, v := range j.Versions {
				fmt.Fprintf(tw, "  version %s: %d enrolled, %d active, %d converted, %d exited\n", v.Version, v.Enrolled, v.Active, v.Converted, v.Exited)
			}
		}
		if len(j.Stages) > 0 {
			fmt.Fprintln(tw, "\n  stage\tentered\tcurrent\tconverted\texited\tto next\tp50 in stage\tp90 in stage\tstalled")
			for _, s := range j.Stages {
				fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%d\n", s.Stage, s.Entered, s.Current, s.Converted,
					exits(s.Exited), pct(s.ConversionToNext), dur(s.TimeInStage.P50, s.TimeInStage.Count), dur(s.TimeInStage.P90, s.TimeInStage.Count), s.Stalled)
			}
		}
		if len(j.Versions) > 1 {
			for _, v := range j.Versions {
				if len(v.Stages) == 0 {
					continue
				}
				fmt.Fprintf(tw, "\n  version %s\tentered\tcurrent\tconverted\texited\tto next\tp50 in stage\tp90 in stage\tstalled\n", v.Version)
				for _, s := range v.Stages {
					fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%d\n", s.Stage, s.Entered, s.Current, s.Converted,
						exits(s.Exited), pct(s.ConversionToNext), dur(s.TimeInStage.P50, s.TimeInStage.Count), dur(s.TimeInStage.P90, s.TimeInStage.Count), s.Stalled)
				}
			}
		}
		if len(j.Messages) > 0 {
			fmt.Fprintln(tw, "\n  step\ttarget\tsent\tsuppressed\tcapped\tover budget\tunsubscribed\tpending\tdelivered\tparked\tunknown")
			for _, m := range j.Messages {
				fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", m.Step, m.Target, m.Sent, m.Suppressed, m.Capped, m.OverBudget, m.Unsubscribed, m.Pending, m.Delivered, m.Parked, m.Unknown)
			}
		}
		if len(j.Goals) > 0 {
			fmt.Fprintln(tw, "\n  goal\tconversions\trate\tp50 to convert\tp90 to convert")
			for _, g := range j.Goals {
				fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\n", g.Goal, g.Conversions, pct(g.Rate), dur(g.TimeToConvert.P50, g.Conversions), dur(g.TimeToConvert.P90, g.Conversions))
			}
		}
		for _, sp := range j.Splits {
			fmt.Fprintf(tw, "\n  split %s (against %s)\tcontacts\tconverted\trate\t95%% interval\tlift\tp\tverdict\n", sp.Split, sp.Baseline)
			for _, a := range sp.Arms {
				fmt.Fprintf(tw, "  %s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", a.Arm, a.Contacts, a.Converted, pct(a.Rate), interval(a), signedPct(a.Lift), num(a.PValue), a.Verdict)
			}
		}
		if len(j.Cohorts) > 0 {
			fmt.Fprintln(tw, "\n  week\tentered\tconverted\trate")
			for _, c := range j.Cohorts {
				fmt.Fprintf(tw, "  %s\t%d\t%d\t%s\n", c.Week, c.Entered, c.Converted, pct(c.Rate))
			}
		}
	}
	return tw.Flush()
}

// pct is a rate as a percentage, or "-".
func pct(x *float64) string {
	if x == nil {
		return "-"
	}
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", *x*100), "0"), ".") + "%"
}

func signedPct(x *float64) string {
	if x == nil {
		return "-"
	}
	if *x > 0 {
		return "+" + pct(x)
	}
	return pct(x)
}

func num(x *float64) string {
	if x == nil {
		return "-"
	}
	return fmt.Sprintf("%.3f", *x)
}

func interval(a *Arm) string {
	if a.CILow == nil {
		return "-"
	}
	return pct(a.CILow) + "–" + pct(a.CIHigh)
}

// dur is seconds as a duration in the language's units (1d2h), or "-"
// when nothing was measured.
func dur(secs float64, n int) string {
	if n == 0 {
		return "-"
	}
	return compiler.Duration(time.Duration(secs * float64(time.Second)).Round(time.Second)).String()
}

// exits is the exits by reason, "reason n, …", or "0".
func exits(m map[string]int) string {
	if len(m) == 0 {
		return "0"
	}
	var reasons []string
	for r := range m {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	var parts []string
	for _, r := range reasons {
		parts = append(parts, fmt.Sprintf("%d %s", m[r], r))
	}
	return strings.Join(parts, ", ")
}
