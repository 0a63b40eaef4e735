package runtime_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestFirstRunKeepsInputTimes runs the same inputs, posted 80s after the
// sign-up, on a contact that never ran and on one that ran before (rule
// 8): both take the sign-up and the ping at their own times, and record
// the same.
func TestFirstRunKeepsInputTimes(t *testing.T) {
	d := storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(haltSchema), "j.journey": []byte(storetest.LateJourney)}, haltTemplates)
	e := &runtime.Engine{Deployment: d}
	update := runtime.Input{Seq: 1, Kind: runtime.InputUpdate, Attrs: map[string]any{"email": "a@example.com"}, At: t0.Add(-30 * time.Minute)}
	later := []runtime.Input{
		{Seq: 2, Kind: runtime.InputEvent, ID: "s", Name: "signed_up", At: t0},
		{Seq: 3, Kind: runtime.InputEvent, ID: "p", Name: "ping", At: t0.Add(20 * time.Second)},
	}
	now := t0.Add(80 * time.Second)

	first := &runtime.ContactState{ID: "ada", Attrs: map[string]any{}}
	got := e.Run(first, append([]runtime.Input{update}, later...), now).Records

	before := &runtime.ContactState{ID: "ada", Attrs: map[string]any{}}
	want := e.Run(before, []runtime.Input{update}, update.At).Records
	want = append(want, e.Run(before, later, now).Records...)

	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-after an earlier run +first run):\n%s", diff)
	}
	var quick bool
	for _, r := range got {
		quick = quick || (r.Kind == runtime.RecTagged && r.Detail == "quick" && r.At.Equal(t0.Add(20*time.Second)))
	}
	if !quick {
		t.Errorf("records %+v: want tagged quick at 20s", got)
	}
}

// TestFirstRunMaxLateness: a first run starts no earlier than now minus
// Engine.MaxLateness; an input older than that is taken then.
func TestFirstRunMaxLateness(t *testing.T) {
	d := storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(haltSchema), "j.journey": []byte(storetest.LateJourney)}, haltTemplates)
	signUp := []runtime.Input{{Seq: 1, Kind: runtime.InputEvent, ID: "s", Name: "signed_up", At: t0.Add(-3 * time.Hour)}}
	for _, tc := range []struct {
		late time.Duration
		at   time.Time
	}{
		{0, t0.Add(-runtime.DefaultMaxLateness)},
		{2 * time.Hour, t0.Add(-2 * time.Hour)},
		{5 * time.Hour, t0.Add(-3 * time.Hour)},
	} {
		e := &runtime.Engine{Deployment: d, MaxLateness: tc.late}
		recs := e.Run(&runtime.ContactState{ID: "ada", Attrs: map[string]any{}}, signUp, t0).Records
		if len(recs) == 0 || recs[0].Kind != runtime.RecEnrolled || !recs[0].At.Equal(tc.at) {
			t.Errorf("MaxLateness %v: records %+v, want enrolled at %v", tc.late, recs, tc.at)
		}
	}
}
