package runtime_test

import (
	"fmt"
	"testing"

	"github.com/journeylang/journey/runtime"
)

// rulesDeployment compiles the halt tests' schema with the rules given.
func rulesDeployment(t *testing.T, rules string) *runtime.Deployment {
	t.Helper()
	return deployFiles(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"rules.journey":  []byte(rules),
		"j.journey":      []byte("journey j\nentry on signed_up\nstage S {\n  tag \"enrolled\"\n}\n"),
	}, nil)
}

// TestRuleHaltReleased: a rule whose condition goes over the cost limit
// halts the workspace's rules for the contact, recorded under no journey,
// and the journeys go on; an operator's release of every journey, or new
// rules, ends the halt.
func TestRuleHaltReleased(t *testing.T) {
	costly := "rule pairs on signed_up when tags.all(a, tags.all(b, a + b != \"x\")) {\n  tag \"paired\"\n}\n"
	tags := make([]any, 2000)
	for i := range tags {
		tags[i] = fmt.Sprint("t", i)
	}
	halted := func(d *runtime.Deployment) *runtime.ContactState {
		s := &runtime.ContactState{ID: "bomb", Attrs: map[string]any{"email": "b@example.com", "tags": tags}}
		out := (&runtime.Engine{Deployment: d}).Run(s, []runtime.Input{{Seq: 1, Kind: runtime.InputEvent, Name: "signed_up", At: t0}}, t0)
		if s.Halted[""] == nil || out.Records[0].Kind != runtime.RecHalted || out.Records[0].Journey != "" {
			t.Fatalf("the rules are not halted: %+v", out.Records)
		}
		if s.Active("j") == nil {
			t.Fatalf("the journey did not go on: %+v", out.Records)
		}
		return s
	}
	d := rulesDeployment(t, costly)
	s := halted(d)
	out := (&runtime.Engine{Deployment: d}).Run(s, []runtime.Input{{Seq: 2, Kind: runtime.InputRelease, At: t0.Add(1)}}, t0.Add(1))
	if s.Halted[""] != nil || len(out.Records) == 0 || out.Records[0].Kind != runtime.RecReleased {
		t.Errorf("not released by the operator: %+v", out.Records)
	}
	s = halted(d)
	changed := rulesDeployment(t, costly+"rule other on ping {\n  tag \"pinged\"\n}\n")
	out = (&runtime.Engine{Deployment: changed}).Run(s, nil, t0.Add(1))
	if s.Halted[""] != nil || len(out.Records) == 0 || out.Records[0].Kind != runtime.RecReleased {
		t.Errorf("not released by new rules: %+v", out.Records)
	}
}
