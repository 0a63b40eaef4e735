package serve

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// The journey map's metrics count enrollments, stage entries, goals and
// exits by the names the records carry, with the stage each enrollment
// ended in; the exit that follows a goal is not an exit; a lost contact's
// records count for nothing.
func TestJourneyMetrics(t *testing.T) {
	m := newMetrics(nil)
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	rec := func(contact, kind, detail string) runtime.Record {
		return runtime.Record{At: at, Contact: contact, Journey: "promo", Entry: 1, Kind: kind, Detail: detail}
	}
	state := func(id, stage, status string) *runtime.ContactState {
		return &runtime.ContactState{ID: id, Enrollments: []*runtime.Enrollment{{Journey: "promo", Entry: 1, Stage: stage, Status: status}}}
	}
	m.observe(&worker.BatchReport{
		Complete: &store.CompleteResult{Committed: 3, Lost: []string{"c4"}},
		Results: []*store.WorkResult{
			{Contact: "c1", State: state("c1", "Engaged", runtime.StatusConverted), Outcome: &runtime.Outcome{Records: []runtime.Record{
				rec("c1", runtime.RecEnrolled, "1"), rec("c1", runtime.RecStage, "Welcome"), rec("c1", runtime.RecStage, "Engaged"),
				rec("c1", runtime.RecGoal, "bought"), rec("c1", runtime.RecExited, "goal bought"),
			}}},
			{Contact: "c2", State: state("c2", "Welcome", runtime.StatusExited), Outcome: &runtime.Outcome{Records: []runtime.Record{
				rec("c2", runtime.RecEnrolled, "1"), rec("c2", runtime.RecStage, "Welcome"), rec("c2", runtime.RecExited, "exit: unsubscribed"),
			}}},
			{Contact: "c3", State: state("c3", "Welcome", runtime.StatusActive), Outcome: &runtime.Outcome{Records: []runtime.Record{
				rec("c3", runtime.RecEnrolled, "1"), rec("c3", runtime.RecStage, "Welcome"),
			}}},
			{Contact: "c4", State: state("c4", "Welcome", runtime.StatusActive), Outcome: &runtime.Outcome{Records: []runtime.Record{
				rec("c4", runtime.RecEnrolled, "1"), rec("c4", runtime.RecStage, "Welcome"),
			}}},
		},
	})
	want := []string{
		`journey_conversions_total{goal="bought",journey="promo",stage="Engaged"} 1`,
		`journey_enrollments_total{journey="promo"} 3`,
		`journey_exits_total{journey="promo",reason="exit: unsubscribed",stage="Welcome"} 1`,
		`journey_stage_entries_total{journey="promo",stage="Engaged"} 1`,
		`journey_stage_entries_total{journey="promo",stage="Welcome"} 3`,
	}
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range families {
		switch f.GetName() {
		case "journey_conversions_total", "journey_enrollments_total", "journey_exits_total", "journey_stage_entries_total":
		default:
			continue
		}
		for _, mt := range f.GetMetric() {
			var labels []string
			for _, l := range mt.GetLabel() { // sorted by name
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			got = append(got, fmt.Sprintf("%s{%s} %g", f.GetName(), strings.Join(labels, ","), mt.GetCounter().GetValue()))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
}

// The fire lag runs from each contact's wake-up to its batch's commit, not
// to its claim; a lost contact, whose run was not committed, has none.
func TestFireLagToCommit(t *testing.T) {
	m := newMetrics(nil)
	due := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	m.observe(&worker.BatchReport{
		Complete: &store.CompleteResult{Committed: 2, Lost: []string{"c3"}},
		Results: []*store.WorkResult{
			{Contact: "c1", Outcome: &runtime.Outcome{}},
			{Contact: "c2", Outcome: &runtime.Outcome{}},
			{Contact: "c3", Outcome: &runtime.Outcome{}},
		},
		Due:       []time.Time{due, due.Add(-2 * time.Second), due},
		Now:       due,                      // claimed as soon as due
		Committed: due.Add(3 * time.Second), // committed 3 s later
	})
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "journey_fire_lag_seconds" {
			continue
		}
		h := f.GetMetric()[0].GetHistogram()
		if h.GetSampleCount() != 2 || h.GetSampleSum() != 8 {
			t.Errorf("fire lag: %d samples summing to %g s, want 2 summing to 8 s (3 + 5)", h.GetSampleCount(), h.GetSampleSum())
		}
		return
	}
	t.Error("no journey_fire_lag_seconds")
}
