package plan_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/plan"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/sqlite"
	"github.com/journeylang/journey/runtime/worker"
)

const schema = "contact {\n  score: int\n}\n\nevent signed_up\n"

func deployment(t *testing.T, journey string) *runtime.Deployment {
	t.Helper()
	return deploymentOf(t, map[string][]byte{"schema.journey": []byte(schema), "j.journey": []byte(journey)}, nil)
}

// deploymentOf compiles a workspace, failing the test on any diagnostic.
func deploymentOf(t testing.TB, files, templates map[string][]byte) *runtime.Deployment {
	t.Helper()
	prog, diags := compiler.Compile(compiler.NewWorkspace(files, templates))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	// Through a bundle, as a runner deploys it.
	b, err := compiler.WriteBundle(prog, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := runtime.Load(b, compiler.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPlanText plans, on the embedded store, an edit that moves a step,
// adds one, and removes a stage a contact is in, and checks the text a
// person reads; the store is left as it was.
func TestPlanText(t *testing.T) {
	v1 := deployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  tag \"a\"\n  after 4d tag \"b\"\n}\n\nstage B when score >= 50 {\n  after 1d tag \"x\"\n}\n")
	v2 := deployment(t, "journey j\n\nentry on signed_up\n\nstage A {\n  tag \"a\"\n  after 12h tag \"n\"\n  after 3d tag \"b\"\n  after 5d tag \"c\"\n}\n")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/j.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim := worker.NewSim(v1, st, start)
	vs, err := runtime.DeployedVersions(v1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveVersions(ctx, &store.SaveVersionsParams{Versions: vs, Now: start}); err != nil {
		t.Fatal(err)
	}
	for id, score := range map[string]int{"c1": 10, "c2": 10, "hot": 90} {
		signUpAt(t, st, id, map[string]any{"score": score}, start)
	}
	at := start.Add(18 * time.Hour)
	if err := sim.Advance(ctx, at); err != nil {
		t.Fatal(err)
	}
	p, err := plan.Make(ctx, plan.Options{Store: st, Deployment: v2, Now: at, Examples: 1})
	if err != nil {
		t.Fatal(err)
	}
	old, cur := v1.Journey("j").Version, v2.Journey("j").Version
	want := "journey j → version " + cur + " (on change migrate)\n" +
		"  from version " + old + ": 3 contacts\n" +
		"    + step A/tag:n#1 after 12h (added)\n" +
		"    ~ step A/tag:b#1 after 4d → after 3d (moved)\n" +
		"    + step A/tag:c#1 after 5d (added)\n" +
		"    - stage B (removed)\n" +
		"  contacts in stage A:\n" +
		"         2  migrate to the new version  (c1, …)\n" +
		"         2  skip new step A/tag:n#1 (its time has passed)  (c1, …)\n" +
		"         2  have step A/tag:b#1 rescheduled to its new time  (c1, …)\n" +
		"         2  get new step A/tag:c#1 (its time is ahead)  (c1, …)\n" +
		"  contacts in stage B:\n" +
		"         1  migrate to the new version  (hot)\n" +
		"         1  exit: stage removed  (hot)\n" +
		"  in all: 3 migrate, 1 exit\n" +
		"\n" +
		"The deploy wakes and runs 3 contacts; the counts are what their runs at 2026-01-06T03:00:00Z do.\n"
	if diff := cmp.Diff(want, text(t, p)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	for _, id := range []string{"c1", "hot"} {
		s, err := st.Contact(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if v := s.Enrollments[0].Version; v != old {
			t.Errorf("contact %s is on %s after the plan; want it left on %s", id, v, old)
		}
	}
}

// text is the plan as WriteText writes it.
func text(t *testing.T, p *plan.Plan) string {
	t.Helper()
	var b strings.Builder
	if err := p.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// signUpAt puts a contact in the store with its attributes, and its
// signed_up event, at a time.
func signUpAt(t testing.TB, st store.Store, id string, attrs map[string]any, at time.Time) {
	t.Helper()
	ctx := context.Background()
	if err := st.PutContact(ctx, &store.PutContactParams{ID: id, Attrs: attrs, At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddEvent(ctx, &store.AddEventParams{Contact: id, ID: id, Name: "signed_up", At: at}); err != nil {
		t.Fatal(err)
	}
}
