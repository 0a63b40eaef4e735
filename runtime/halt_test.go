package runtime_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
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

// loopDeployment deploys a journey `loop` whose two stages go to each
// other after 1s, and a journey `other` beside it. With noWait, the
// delays are taken out of the compiled program, as a bundle made without
// the checker could have it: a loop the engine must halt.
func loopDeployment(t *testing.T, noWait bool) *runtime.Deployment {
	t.Helper()
	prog, diags := compiler.Compile(compiler.NewWorkspace(map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"loop.journey": []byte(`journey loop
entry on signed_up
stage A {
  send "welcome"
  after 1s goto B
}
stage B {
  after 1s goto A
}
`),
		"other.journey": []byte(`journey other
entry on signed_up
stage Only {
  after 1h send "tips"
}
`),
	}, haltTemplates))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if noWait {
		for _, j := range prog.Journeys {
			if j.Name != "loop" {
				continue
			}
			j.Version = "no-wait"
			for _, s := range j.Stages {
				compiler.WalkSteps(s.Steps, func(st *compiler.Step) { st.After = 0 })
			}
		}
	}
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// kinds counts a contact's records by journey and kind: "loop halted".
func kinds(t *testing.T, store runtime.Store, contact string) map[string]int {
	t.Helper()
	recs, err := store.History(context.Background(), &runtime.HistoryParams{Contact: contact})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range recs {
		out[r.Journey+" "+r.Kind]++
	}
	return out
}

func contactState(t *testing.T, store runtime.Store, id string) *runtime.ContactState {
	t.Helper()
	s, err := store.Contact(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLoopHalts runs a journey that loops with no wait, on every store:
// the engine halts it for the contact at MaxSteps, records and keeps the
// halt, and goes on with the contact's other journey; the halted journey
// is not woken again. An operator's release takes the loop up again (and
// it halts again); a new version ends the halt for good.
func TestLoopHalts(t *testing.T) {
	ctx := context.Background()
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			store := newStore(t)
			sim, inForce := versionSim(loopDeployment(t, true), store, t0)
			signUp(t, store, "ada", t0)
			noErr(t, sim.Advance(ctx, t0.Add(2*time.Hour)))

			// The loop's sends went up to the budget, and the other
			// journey's send an hour later is beyond it.
			k := kinds(t, store, "ada")
			if k["loop halted"] != 1 || k["loop sent"] != runtime.DefaultBudget.Sends || k["loop over_budget"] == 0 || k["other over_budget"] != 1 {
				t.Fatalf("want loop halted once, %d sends, then over_budget, other's send over_budget; got %v", runtime.DefaultBudget.Sends, k)
			}
			h := contactState(t, store, "ada").Halted["loop"]
			if h == nil || h.Version != "no-wait" || !strings.Contains(h.Reason, fmt.Sprint(runtime.MaxSteps)) {
				t.Fatalf("halt: %+v", h)
			}
			if next, ok, err := store.NextWake(ctx); err != nil || ok {
				t.Fatalf("a halted journey is not woken: next wake-up %v %v %v", next, ok, err)
			}

			noErr(t, store.Release(ctx, &runtime.ReleaseParams{Contact: "ada", Journey: "loop", At: sim.Now}))
			noErr(t, sim.Advance(ctx, sim.Now.Add(time.Minute)))
			if k := kinds(t, store, "ada"); k["loop released"] != 1 || k["loop halted"] != 2 {
				t.Fatalf("after a release: %v", k)
			}

			inForce.Store(loopDeployment(t, false))
			noErr(t, store.Release(ctx, &runtime.ReleaseParams{Contact: "ada", At: sim.Now})) // any input wakes the contact
			noErr(t, sim.Advance(ctx, sim.Now.Add(10*time.Second)))
			k = kinds(t, store, "ada")
			if k["loop released"] != 2 || k["loop halted"] != 2 || k["loop stage"] < 10 {
				t.Fatalf("after a new version: %v", k)
			}
			if s := contactState(t, store, "ada"); len(s.Halted) != 0 {
				t.Fatalf("still halted: %+v", s.Halted)
			}
		})
	}
}

// TestReleaseUnknownContact: a release names a contact the store knows.
func TestReleaseUnknownContact(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			err := newStore(t).Release(context.Background(), &runtime.ReleaseParams{Contact: "nobody", At: t0})
			if err != runtime.ErrNotFound {
				t.Fatalf("got %v, want ErrNotFound", err)
			}
		})
	}
}

// TestInputsBeyondOneRun queues more inputs for a contact than one run
// takes, on every store: each run takes the first ones, the contact stays
// due, and the next runs take the rest; none is lost or taken twice.
func TestInputsBeyondOneRun(t *testing.T) {
	ctx := context.Background()
	d := deployFiles(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"pings.journey":  []byte("journey pings\nentry on signed_up\nstage Only {\n  after 1d send \"welcome\"\n}\n"),
	}, haltTemplates)
	const events, perRun = 11, 4
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			store := newStore(t)
			signUp(t, store, "ada", t0)
			for i := range events - 1 {
				_, err := store.AddEvent(ctx, &runtime.AddEventParams{Contact: "ada", ID: fmt.Sprint("ping-", i), Name: "ping", At: t0.Add(time.Duration(i) * time.Second)})
				noErr(t, err)
			}
			w := &runtime.Worker{Store: store, Engine: &runtime.Engine{Deployment: d}, ID: "w", Inputs: perRun}
			now := t0.Add(time.Minute)
			var seen []int
			for run := 0; run < 10; run++ {
				n, err := w.Tick(ctx, now)
				noErr(t, err)
				if n == 0 {
					break
				}
				seen = append(seen, len(contactState(t, store, "ada").Events))
			}
			if want := []int{4, 8, 11}; !slices.Equal(seen, want) {
				t.Fatalf("events taken after each run: %v, want %v", seen, want)
			}
			if k := kinds(t, store, "ada"); k["pings enrolled"] != 1 {
				t.Fatalf("history: %v", k)
			}
			if next, ok, err := store.NextWake(ctx); err != nil || !ok || !next.Equal(now.Add(24*time.Hour)) {
				t.Fatalf("next wake-up %v %v %v, want the send's", next, ok, err)
			}
		})
	}
}

// TestSendBudget runs two journeys that send every 30 minutes: together
// they send the budget's 20 in any 24 hours, and every send beyond it is
// skipped and recorded over_budget.
func TestSendBudget(t *testing.T) {
	ctx := context.Background()
	d := deployFiles(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"a.journey":      []byte("journey a\nentry on signed_up\nstage S {\n  send \"welcome\"\n  after 30m goto S\n}\n"),
		"b.journey":      []byte("journey b\nentry on signed_up\nstage S {\n  after 15m send \"tips\"\n  after 30m goto S\n}\n"),
	}, haltTemplates)
	store := runtime.NewMemoryStore()
	sim := runtime.NewSim(d, store, t0)
	signUp(t, store, "ada", t0)
	noErr(t, sim.Advance(ctx, t0.Add(48*time.Hour)))
	recs, err := store.History(ctx, &runtime.HistoryParams{Contact: "ada"})
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
	actions, err := store.Outbox(ctx, &runtime.OutboxParams{Contact: "ada"})
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
			store := runtime.NewMemoryStore()
			sim := runtime.NewSim(d, store, t0)
			signUp(t, store, "ada", t0)
			noErr(t, sim.Advance(ctx, t0.Add(23*time.Hour+45*time.Minute)))
			recs, err := store.History(ctx, &runtime.HistoryParams{Contact: "ada"})
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

// TestCostHalts evaluates a condition that the checker let through but
// that a contact's list, far longer than the checker assumed, takes over
// its cost limit, on every store: that contact's journey is halted at the
// condition's position; the other contact of the same batch runs and is
// committed, and so is the halt.
func TestCostHalts(t *testing.T) {
	ctx := context.Background()
	d := deployFiles(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"pairs.journey": []byte(`journey pairs
entry on signed_up
stage Only {
  if tags.all(a, tags.all(b, a + b != "x")) {
    send "welcome"
  }
}
`),
	}, haltTemplates)
	many := make([]any, 5000)
	for i := range many {
		many[i] = fmt.Sprint("t", i)
	}
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			store := newStore(t)
			noErr(t, store.PutContact(ctx, &runtime.PutContactParams{ID: "ada", Attrs: map[string]any{"email": "a@example.com", "tags": []any{"x"}}, At: t0}))
			noErr(t, store.PutContact(ctx, &runtime.PutContactParams{ID: "bomb", Attrs: map[string]any{"email": "b@example.com", "tags": many}, At: t0}))
			signUp(t, store, "ada", t0)
			signUp(t, store, "bomb", t0)
			w := &runtime.Worker{Store: store, Engine: &runtime.Engine{Deployment: d}, ID: "w"}
			n, err := w.Tick(ctx, t0)
			noErr(t, err)
			if n != 2 {
				t.Fatalf("%d contacts committed, want 2", n)
			}
			if k := kinds(t, store, "ada"); k["pairs sent"] != 1 {
				t.Errorf("ada: %v", k)
			}
			if k := kinds(t, store, "bomb"); k["pairs halted"] != 1 || k["pairs sent"] != 0 || k["pairs branch"] != 0 {
				t.Errorf("bomb: %v", k)
			}
			h := contactState(t, store, "bomb").Halted["pairs"]
			if h == nil || h.Step != "pairs.journey:4:6" || !strings.Contains(h.Reason, "cost limit") {
				t.Fatalf("halt: %+v", h)
			}
		})
	}
}

// TestSlowBatchGoesBack runs a batch whose runs take longer than half its
// lease (here, a lease of a nanosecond), on every store: the first contact
// runs, the others go back unchanged with their inputs, still due, and the
// next batches take them.
func TestSlowBatchGoesBack(t *testing.T) {
	ctx := context.Background()
	d := deployFiles(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"pings.journey":  []byte("journey pings\nentry on signed_up\nstage Only {\n  send \"welcome\"\n}\n"),
	}, haltTemplates)
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			store := newStore(t)
			for _, id := range []string{"a", "b", "c"} {
				signUp(t, store, id, t0)
			}
			w := &runtime.Worker{Store: store, Engine: &runtime.Engine{Deployment: d}, ID: "w", Lease: time.Nanosecond}
			var enrolled []int
			for range 3 {
				_, err := w.Tick(ctx, t0)
				noErr(t, err)
				n := 0
				for _, id := range []string{"a", "b", "c"} {
					n += kinds(t, store, id)["pings enrolled"]
				}
				enrolled = append(enrolled, n)
			}
			if want := []int{1, 2, 3}; !slices.Equal(enrolled, want) {
				t.Fatalf("contacts enrolled after each batch: %v, want %v", enrolled, want)
			}
		})
	}
}

// TestStoppedBatchGoesBack ends a worker's context before its batch runs,
// as a shutdown does, on every store: the first contact runs, the others
// go back unchanged and still due, and the batch is completed.
func TestStoppedBatchGoesBack(t *testing.T) {
	d := deployFiles(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"pings.journey":  []byte("journey pings\nentry on signed_up\nstage Only {\n  send \"welcome\"\n}\n"),
	}, haltTemplates)
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			store := newStore(t)
			for _, id := range []string{"a", "b", "c"} {
				signUp(t, store, id, t0)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			w := &runtime.Worker{Store: store, Engine: &runtime.Engine{Deployment: d}, ID: "w"}
			_, err := w.Tick(ctx, t0)
			noErr(t, err)
			n := 0
			for _, id := range []string{"a", "b", "c"} {
				n += kinds(t, store, id)["pings enrolled"]
			}
			if n != 1 {
				t.Fatalf("%d contacts ran, want 1", n)
			}
			work, err := store.Claim(context.Background(), &runtime.ClaimParams{Now: t0, Limit: 10, Worker: "w2", Lease: time.Minute})
			noErr(t, err)
			if len(work) != 2 || len(work[0].Inputs) != 1 || len(work[1].Inputs) != 1 {
				t.Fatalf("claimable after the stop: %d contacts, want the 2 not run with their inputs", len(work))
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
