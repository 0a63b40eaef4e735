package runtime_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/storetest"
	"github.com/journeylang/journey/runtime/worker"
)

// haltSchema is the schema of the tests of rule 11.
const haltSchema = `
contact {
  email: string
  tags:  list<string>
}
event signed_up
event ping
`

var haltTemplates = map[string][]byte{
	"welcome.md": []byte("subject: Welcome\n\nHello\n"),
	"tips.md":    []byte("subject: Tips\n\nTips\n"),
}

// t0 is when the tests' clocks start.
var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// noErr fails the test on an error.
func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// signUp sends a contact's signed_up event at a time.
func signUp(t *testing.T, db store.Store, contact string, at time.Time) {
	t.Helper()
	if _, err := db.AddEvent(context.Background(), &store.AddEventParams{Contact: contact, ID: "signup-" + contact, Name: "signed_up", At: at}); err != nil {
		t.Fatal(err)
	}
}

// TestSendBudget runs two journeys that send every 30 minutes: together
// they send the budget's 20 in any 24 hours, and every send beyond it is
// skipped and recorded over_budget.
func TestSendBudget(t *testing.T) {
	ctx := context.Background()
	d := storetest.Deploy(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"a.journey":      []byte("journey a\nentry on signed_up\nstage S {\n  send \"welcome\"\n  after 30m goto S\n}\n"),
		"b.journey":      []byte("journey b\nentry on signed_up\nstage S {\n  after 15m send \"tips\"\n  after 30m goto S\n}\n"),
	}, haltTemplates)
	st := memory.New()
	sim := worker.NewSim(d, st, t0)
	signUp(t, st, "ada", t0)
	noErr(t, sim.Advance(ctx, t0.Add(48*time.Hour)))
	recs, err := st.History(ctx, &store.HistoryParams{Contact: "ada"})
	noErr(t, err)
	var sent []time.Time
	over := 0
	for _, r := range recs {
		switch r.Kind {
		case runtime.RecSent:
			sent = append(sent, r.At)
		case runtime.RecOverBudget:
			over++
		}
	}
	for i := range sent {
		j := i
		for j < len(sent) && sent[j].Before(sent[i].Add(24*time.Hour)) {
			j++
		}
		if j-i > 20 {
			t.Fatalf("%d sends within 24h from %s", j-i, sent[i])
		}
	}
	// 193 sends were due from 0 to 48h, both included: 20 went from 0,
	// 20 from 24h and one at 48h, when the sends of 24h are a day old.
	if len(sent) != 41 || over != 193-41 {
		t.Fatalf("%d sent and %d over budget, want 41 and 152", len(sent), over)
	}
	actions, err := st.Outbox(ctx, &store.OutboxParams{Contact: "ada"})
	noErr(t, err)
	if len(actions) != len(sent) {
		t.Fatalf("%d actions in the outbox for %d sends", len(actions), len(sent))
	}
}

// TestSendBudgetDeclared runs a journey that sends every 30 minutes, for
// a day, under the budget its workspace declares, loaded from its bundle
// as `journey run --bundle` loads it: none declared is DefaultBudget,
// `budget 3 sends per 1d` lets 3 through, `budget off` all 48.
func TestSendBudgetDeclared(t *testing.T) {
	tests := []struct {
		decl       string
		want       runtime.SendBudget
		sent, over int
	}{
		{"", runtime.DefaultBudget, 20, 28},
		{"budget 3 sends per 1d", runtime.SendBudget{Sends: 3, Per: 24 * time.Hour}, 3, 45},
		{"budget off", runtime.SendBudget{}, 48, 0},
	}
	for _, tt := range tests {
		t.Run(tt.decl, func(t *testing.T) {
			ctx := context.Background()
			prog, diags := compiler.Compile(compiler.NewWorkspace(map[string][]byte{
				"schema.journey": []byte(haltSchema + tt.decl + "\n"),
				"a.journey":      []byte("journey a\nentry on signed_up\nstage S {\n  send \"welcome\"\n  after 30m goto S\n}\n"),
			}, haltTemplates))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			data, err := compiler.WriteBundle(prog, nil)
			noErr(t, err)
			d, err := runtime.Load(data, compiler.ReadOptions{})
			noErr(t, err)
			if d.Budget != tt.want {
				t.Fatalf("budget %+v, want %+v", d.Budget, tt.want)
			}
			st := memory.New()
			sim := worker.NewSim(d, st, t0)
			signUp(t, st, "ada", t0)
			noErr(t, sim.Advance(ctx, t0.Add(23*time.Hour+45*time.Minute)))
			recs, err := st.History(ctx, &store.HistoryParams{Contact: "ada"})
			noErr(t, err)
			sent, over := 0, 0
			for _, r := range recs {
				switch r.Kind {
				case runtime.RecSent:
					sent++
				case runtime.RecOverBudget:
					over++
				}
			}
			if sent != tt.sent || over != tt.over {
				t.Fatalf("%d sent and %d over budget, want %d and %d", sent, over, tt.sent, tt.over)
			}
		})
	}
}

// BenchmarkCostLimit evaluates, under the runtime's cost limit, a
// condition the checker lets through (two loops over the tags) on a
// contact with 5,000 tags, fifty times what the estimate assumes: each
// evaluation goes over the limit and halts the journey. The time per
// operation is how long such a condition holds a worker.
func BenchmarkCostLimit(b *testing.B) {
	prog, diags := compiler.Compile(compiler.NewWorkspace(map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"pairs.journey":  []byte("journey pairs\nentry on signed_up when tags.all(a, tags.all(b, a + b != \"x\"))\nstage S {\n}\n"),
	}, nil))
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		b.Fatal(err)
	}
	tags := make([]any, 5000)
	for i := range tags {
		tags[i] = fmt.Sprint("t", i)
	}
	e := &runtime.Engine{Deployment: d}
	for b.Loop() {
		s := &runtime.ContactState{ID: "bomb", Attrs: map[string]any{"email": "b@example.com", "tags": tags}}
		out := e.Run(s, []runtime.Input{{Seq: 1, Kind: runtime.InputEvent, Name: "signed_up", At: t0}}, t0)
		if s.Halted["pairs"] == nil || len(out.Records) != 1 {
			b.Fatalf("not halted: %+v", out.Records)
		}
	}
}

// rulesDeployment compiles the halt tests' schema with the rules given.
func rulesDeployment(t *testing.T, rules string) *runtime.Deployment {
	t.Helper()
	return storetest.Deploy(t, map[string][]byte{
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
