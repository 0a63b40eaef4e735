package plan_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/plan"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// BenchmarkMake plans, on SQLite, a deploy that wakes 2,000 contacts: a
// new exit that holds for a third of them and a stage whose trigger
// depends on time, which moves the others and sends them a message. One
// operation is one plan of them all.
func BenchmarkMake(b *testing.B) {
	const contacts = 2000
	ctx := context.Background()
	st := openStore(b, "sqlite")
	v1 := deploymentOf(b, map[string][]byte{"schema.journey": []byte(runnerSchema), "j.journey": []byte(runnerV1)}, runnerTemplates)
	v2 := deploymentOf(b, map[string][]byte{"schema.journey": []byte(runnerSchema), "j.journey": []byte(
		replace(runnerV1, "entry on signed_up\n", "entry on signed_up\nexit when score >= 60\n") +
			"\nstage B when days_since(signed_up_at) >= 3 {\n  send \"b1\"\n}\n")}, runnerTemplates)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim := worker.NewSim(v1, st, start)
	if _, _, err := st.Deploy(ctx, &store.DeployParams{Bundle: v1.Bundle, By: "bench", At: start}); err != nil {
		b.Fatal(err)
	}
	vs, err := runtime.DeployedVersions(v1)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.SaveVersions(ctx, &store.SaveVersionsParams{Versions: vs, Now: start}); err != nil {
		b.Fatal(err)
	}
	for i := range contacts {
		id := fmt.Sprintf("c%05d", i)
		signUpAt(b, st, id, map[string]any{"score": i % 90, "signed_up_at": start.Format(time.RFC3339)}, start)
	}
	at := start.Add(5 * 24 * time.Hour)
	if err := sim.Advance(ctx, at); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		p, err := plan.Make(ctx, plan.Options{Store: st, Deployment: v2, Now: at, Examples: 5})
		if err != nil {
			b.Fatal(err)
		}
		if p.Woken != contacts || p.Journeys[0].Totals.Sends == 0 || p.Journeys[0].Totals.Exited == 0 {
			b.Fatalf("plan woke %d, totals %+v", p.Woken, p.Journeys[0].Totals)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*contacts), "µs/contact")
}
