package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/report"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// packedJourney sends at once on entering its first stage, and moves on
// to a second an hour later.
const packedJourney = `journey welcome

entry on signed_up

stage Welcome {
  send "welcome"
  after 1h goto Engaged
}

stage Engaged {
  after 2d send "tips"
}
`

const packedSchema = `contact {
  email: string?
}

event signed_up
`

// HistoryRows checks a store that packs an enrollment's first records
// into one row (store.HistoryRow): a contact that signs up, enters a stage
// and is sent an email at once has those three records in one row of the
// store's history (rows counts them), gives them back as three, and the
// report counts the stage it entered and the hour it stayed there.
func HistoryRows(t *testing.T, s store.Store, rows func() int) {
	ctx := context.Background()
	d := Deploy(t, map[string][]byte{"welcome.journey": []byte(packedJourney), "schema.journey": []byte(packedSchema)},
		map[string][]byte{"welcome.md": []byte("subject: Welcome\n"), "tips.md": []byte("subject: Tips\n")})
	w := &worker.Worker{Store: s, Engine: &runtime.Engine{Deployment: d}, ID: "w", Batch: 10, Lease: time.Minute}
	if !must[bool](t)(s.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: "e1", Name: "signed_up", At: t0})) {
		t.Fatal("the sign-up was not taken")
	}
	tick := func(now time.Time) {
		t.Helper()
		if n := must[int](t)(w.Tick(ctx, now)); n != 1 {
			t.Fatalf("the run at %v ran %d contacts, want 1", now, n)
		}
	}
	tick(t0)
	if got := rows(); got != 1 {
		t.Errorf("the first run left %d history rows, want 1", got)
	}
	tick(t0.Add(time.Hour))
	lines := []string{"0s enrolled 1", "0s stage Welcome", "0s sent welcome", "1h stage Engaged"}
	if diff := cmp.Diff(lines, historyLines(t, s, "c1", t0)); diff != "" {
		t.Errorf("c1's history (-want +got):\n%s", diff)
	}
	if got := rows(); got != 2 {
		t.Errorf("the two runs left %d history rows, want 2", got)
	}
	c := must[*report.Counts](t)(s.Report(ctx, &store.ReportParams{Now: t0.Add(2 * time.Hour)}))
	var stages []report.StageCount
	for _, st := range c.Stages {
		st.First = time.Time{}
		stages = append(stages, st)
	}
	slices.SortFunc(stages, func(a, b report.StageCount) int { return strings.Compare(a.Stage, b.Stage) })
	want := []report.StageCount{
		{Journey: "welcome", Stage: "Engaged", Entered: 1, Current: 1},
		{Journey: "welcome", Stage: "Welcome", Entered: 1, Visits: 1, P50: 3600, P90: 3600},
	}
	if diff := cmp.Diff(want, stages); diff != "" {
		t.Errorf("the report's stages (-want +got):\n%s", diff)
	}
}
