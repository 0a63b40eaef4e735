package runtime_test

import (
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/stdlib"
)

// clock is a Context with a fixed time and a set of opened templates.
type clock struct {
	now    time.Time
	opened map[string]bool
}

func (c clock) Now() time.Time                       { return c.now }
func (c clock) Location() *time.Location             { return time.UTC }
func (c clock) Opened(t string) bool                 { return c.opened[t] }
func (c clock) Clicked(string) bool                  { return false }
func (c clock) Count(string, time.Duration, int) int { return 0 }
func (c clock) HasTag(string) bool                   { return false }
func (c clock) InStage(string, string) bool          { return false }
func (c clock) Holidays() stdlib.Holidays            { return nil }
func (c clock) Subscribed(string) bool               { return true }

func deploy(t *testing.T) *runtime.Deployment {
	t.Helper()
	ws, err := compiler.LoadWorkspace("../examples/lead_nurture")
	if err != nil {
		t.Fatal(err)
	}
	prog, diags := compiler.Compile(ws)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	data, err := compiler.WriteBundle(prog, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := runtime.Load(data, compiler.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLoadEvaluates loads the example's bundle and evaluates its
// conditions, the function library's included, on contacts.
func TestLoadEvaluates(t *testing.T) {
	d := deploy(t)
	j := d.Journey("lead_nurture")
	if j == nil || len(d.Journeys()) != 1 {
		t.Fatalf("journeys loaded: %v", d.Journeys())
	}
	now := clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), opened: map[string]bool{}}
	lead := map[string]any{"email": "a@x", "score": 10, "lifecycle": "lead", "open_tickets": 0}
	customer := map[string]any{"email": "b@x", "score": 70, "lifecycle": "customer", "open_tickets": 1}

	check := func(what string, c *compiler.Cond, vars map[string]any, ctx clock, want bool) {
		t.Helper()
		out, err := j.Eval(c, vars, ctx)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if out.Value() != want {
			t.Errorf("%s = %v, want %v", what, out.Value(), want)
		}
	}
	check("exit, lead", j.Exits[0], lead, now, false)
	check("exit, customer", j.Exits[0], customer, now, true)
	check("suppress, customer", j.Suppress[0], customer, now, true)
	withEvent := map[string]any{"event": map[string]any{"form": "pricing-guide", "page": "/pricing"}}
	check("entry", j.Entries[0].When, withEvent, now, true)
	consideration, _ := j.Stage("Consideration")
	check("Consideration, score 70", consideration.When, customer, now, true)

	decision, _ := j.Stage("Decision")
	ifStep := decision.Steps[2]
	notOpened := ifStep.Branches[0].When
	check("!opened, nothing opened", notOpened, lead, now, true)
	now.opened["proposal"] = true
	check("!opened, proposal opened", notOpened, lead, now, false)
}
