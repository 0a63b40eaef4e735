package runtime_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
)

const reconcileSchema = "contact {\n  email: string?\n  score: int\n}\n\nevent signed_up\n"

// reconcileDeployment compiles one journey file against reconcileSchema.
func reconcileDeployment(t *testing.T, src string) *runtime.Deployment {
	t.Helper()
	return deployFiles(t, map[string][]byte{"schema.journey": []byte(reconcileSchema), "j.journey": []byte(src)}, nil)
}

// TestNewVersionTakesOver runs contacts under one version of a journey,
// deploys a version without a pending step and without a stage a contact
// is in, and runs on: the missing step is cancelled, a later step keeps
// its place, and the contact in the removed stage moves to the furthest
// stage whose trigger holds, or exits.
func TestNewVersionTakesOver(t *testing.T) {
	v1 := reconcileDeployment(t, `journey j

entry on signed_up

stage Nurture {
  after 1d tag "a1"
  after 3d tag "a2"
  after 5d tag "a3"
}

stage Hot when score >= 50 {
  after 2d tag "h1"
}
`)
	// a2 is gone, a3 keeps its identity at a new offset, and Hot is gone:
	// the hot contact with score 60 moves to Warm, the one with score 90
	// to Hotter.
	v2 := reconcileDeployment(t, `journey j

entry on signed_up

stage Nurture {
  after 1d tag "a1"
  after 4d tag "a3"
}

stage Warm when score >= 50

stage Hotter when score >= 80
`)
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			store := newStore(t)
			start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
			sim := runtime.NewSim(v1, store, start)
			var inForce atomic.Pointer[runtime.Deployment] // as hot reload swaps it
			inForce.Store(v1)
			sim.Worker.Current = inForce.Load
			for _, c := range []struct {
				id    string
				score int
			}{{"cold", 10}, {"warm", 60}, {"hot", 90}} {
				if err := store.PutContact(ctx, &runtime.PutContactParams{ID: c.id, Attrs: map[string]any{"score": c.score}, At: start}); err != nil {
					t.Fatal(err)
				}
				if _, err := store.AddEvent(ctx, &runtime.AddEventParams{Contact: c.id, ID: c.id + "-signup", Name: "signed_up", At: start}); err != nil {
					t.Fatal(err)
				}
			}
			if err := sim.Advance(ctx, start.Add(36*time.Hour)); err != nil {
				t.Fatal(err)
			}
			inForce.Store(v2)
			if err := sim.Advance(ctx, start.Add(10*24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, id := range []string{"cold", "warm", "hot"} {
				recs, err := store.History(ctx, &runtime.HistoryParams{Contact: id})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range recs {
					got[id] = append(got[id], compiler.Duration(r.At.Sub(start)).String()+" "+r.Kind+" "+r.Detail)
				}
			}
			// The new version is in force from each contact's last run,
			// so its changes are stamped there.
			want := map[string][]string{
				"cold": {"0s enrolled 1", "0s stage Nurture", "1d tagged a1", "1d cancelled not in version " + v2.Journey("j").Version, "4d tagged a3"},
				"warm": {"0s enrolled 1", "0s stage Hot", "0s stage Warm"},
				"hot":  {"0s enrolled 1", "0s stage Hot", "0s stage Hotter"},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("histories (-want +got):\n%s", diff)
			}
		})
	}
}
