package plan_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/plan"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// Contacts on an earlier version that the deploy does not run: the plan
// says why, runs none of them, and the runner, deploying, runs none
// either.

// TestPlanLeavesWhatTheRunnerLeaves plans a deploy for contacts whose
// version the store never recorded: a runner takes it for a newer one and
// leaves them as they are, and so does the plan.
func TestPlanLeavesWhatTheRunnerLeaves(t *testing.T) {
	st := openStore(t, "sqlite")
	v1 := deploymentOf(t, map[string][]byte{"schema.journey": []byte(runnerSchema), "j.journey": []byte(runnerV1)}, runnerTemplates)
	v2 := deploymentOf(t, map[string][]byte{"schema.journey": []byte(runnerSchema), "j.journey": []byte(replace(runnerV1, "after 10d", "after 2d"))}, runnerTemplates)
	sim := worker.NewSim(v1, st, time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)) // v1's versions are not recorded
	notRun(t, st, sim, v1, v2, plan.Ahead, 2)
}

// TestPlanLaterWhenADrainedVersionNoLongerPlans plans a deploy whose
// journey drains, for contacts on a version that no longer plans (here
// the store's record of it does not decode): they do not drain, but
// migrate, and not at the deploy, which does not wake them, but at their
// next run.
func TestPlanLaterWhenADrainedVersionNoLongerPlans(t *testing.T) {
	st := openStore(t, "sqlite")
	v1 := deploymentOf(t, map[string][]byte{"schema.journey": []byte(runnerSchema), "j.journey": []byte(runnerV1)}, runnerTemplates)
	v2 := deploymentOf(t, map[string][]byte{
		"schema.journey": []byte(runnerSchema),
		"j.journey":      []byte(replace(runnerV1, "entry on signed_up\n", "entry on signed_up\non change drain\n")),
	}, runnerTemplates)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	broken := []runtime.JourneyVersion{{Journey: "j", Version: v1.Journey("j").Version, IR: json.RawMessage(`"not a journey"`)}}
	if _, err := st.SaveVersions(context.Background(), &store.SaveVersionsParams{Versions: broken, Now: start}); err != nil {
		t.Fatal(err)
	}
	sim := worker.NewSim(v1, st, start)
	notRun(t, st, sim, v1, v2, plan.Later, 0)

	// Their next run, for a2 at 10d, migrates them.
	ctx := context.Background()
	if err := sim.Advance(ctx, sim.Now.Add(6*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"c1", "c2"} {
		s, err := st.Contact(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if en := s.Active("j"); en == nil || en.Version != v2.Journey("j").Version {
			t.Errorf("contact %s at %+v after its next run; want it on the version deployed", id, en)
		}
	}
}

// notRun signs up two contacts under v1, plans v2 five days in, and checks
// that the plan puts both in the case kind and runs neither; then deploys
// v2 as a runner does, which must wake woken contacts and run none.
func notRun(t *testing.T, st store.Store, sim *worker.Sim, v1, v2 *runtime.Deployment, kind string, woken int) {
	t.Helper()
	ctx := context.Background()
	start := sim.Now
	for _, id := range []string{"c1", "c2"} {
		signUpAt(t, st, id, map[string]any{"score": 1, "signed_up_at": start.Format(time.RFC3339)}, start)
	}
	at := start.Add(5 * 24 * time.Hour)
	if err := sim.Advance(ctx, at); err != nil {
		t.Fatal(err)
	}
	p, err := plan.Make(ctx, plan.Options{Store: st, Deployment: v2, Now: at, Examples: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Journeys) != 1 || p.Woken != 0 {
		t.Fatalf("plan of %d journeys, %d run; want j, none run", len(p.Journeys), p.Woken)
	}
	jp := p.Journeys[0]
	want := []string{"A " + kind + " →" + v1.Journey("j").Version + " [c1 c2]"}
	if diff := cmp.Diff(want, caseLines(jp.Cases)); diff != "" || jp.Totals != (plan.Totals{}) {
		t.Errorf("plan (-want +got):\n%s\ntotals %+v", diff, jp.Totals)
	}

	// The runner's deploy: it runs neither.
	seen := len(history(t, st, "c1")) + len(history(t, st, "c2"))
	if n := wake(t, st, sim, v2); n != woken {
		t.Fatalf("woke %d contacts; want %d", n, woken)
	}
	if n, err := sim.Worker.Tick(ctx, at); n != 0 || err != nil {
		t.Fatalf("the runner ran %d contacts, %v; want none", n, err)
	}
	if got := len(history(t, st, "c1")) + len(history(t, st, "c2")); got != seen {
		t.Errorf("the runner recorded %d lines; want none", got-seen)
	}
}
