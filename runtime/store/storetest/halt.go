package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
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
func kinds(t *testing.T, st store.Store, contact string) map[string]int {
	t.Helper()
	recs, err := st.History(context.Background(), &store.HistoryParams{Contact: contact})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range recs {
		out[r.Journey+" "+r.Kind]++
	}
	return out
}

func contactState(t *testing.T, st store.Store, id string) *runtime.ContactState {
	t.Helper()
	s, err := st.Contact(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testLoopHalts runs a journey that loops with no wait, on every store:
// the engine halts it for the contact at MaxSteps, records and keeps the
// halt, and goes on with the contact's other journey; the halted journey
// is not woken again. An operator's release takes the loop up again (and
// it halts again); a new version ends the halt for good.
func testLoopHalts(t *testing.T, newStore Open) {
	ctx := context.Background()
	st := newStore(t)
	sim, inForce := versionSim(loopDeployment(t, true), st, t0)
	signUp(t, st, "ada", t0)
	noErr(t, sim.Advance(ctx, t0.Add(2*time.Hour)))

	// The loop's sends went up to the budget, and the other
	// journey's send an hour later is beyond it.
	k := kinds(t, st, "ada")
	if k["loop halted"] != 1 || k["loop sent"] != runtime.DefaultBudget.Sends || k["loop over_budget"] == 0 || k["other over_budget"] != 1 {
		t.Fatalf("want loop halted once, %d sends, then over_budget, other's send over_budget; got %v", runtime.DefaultBudget.Sends, k)
	}
	h := contactState(t, st, "ada").Halted["loop"]
	if h == nil || h.Version != "no-wait" || !strings.Contains(h.Reason, fmt.Sprint(runtime.MaxSteps)) {
		t.Fatalf("halt: %+v", h)
	}
	if next, ok, err := st.NextWake(ctx); err != nil || ok {
		t.Fatalf("a halted journey is not woken: next wake-up %v %v %v", next, ok, err)
	}

	noErr(t, st.Release(ctx, &store.ReleaseParams{Contact: "ada", Journey: "loop", At: sim.Now}))
	noErr(t, sim.Advance(ctx, sim.Now.Add(time.Minute)))
	if k := kinds(t, st, "ada"); k["loop released"] != 1 || k["loop halted"] != 2 {
		t.Fatalf("after a release: %v", k)
	}

	inForce.Store(loopDeployment(t, false))
	noErr(t, st.Release(ctx, &store.ReleaseParams{Contact: "ada", At: sim.Now})) // any input wakes the contact
	noErr(t, sim.Advance(ctx, sim.Now.Add(10*time.Second)))
	k = kinds(t, st, "ada")
	if k["loop released"] != 2 || k["loop halted"] != 2 || k["loop stage"] < 10 {
		t.Fatalf("after a new version: %v", k)
	}
	if s := contactState(t, st, "ada"); len(s.Halted) != 0 {
		t.Fatalf("still halted: %+v", s.Halted)
	}
}

// testReleaseUnknownContact: a release names a contact the store knows.
func testReleaseUnknownContact(t *testing.T, newStore Open) {
	err := newStore(t).Release(context.Background(), &store.ReleaseParams{Contact: "nobody", At: t0})
	if err != store.ErrNotFound {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

// testInputsBeyondOneRun queues more inputs for a contact than one run
// takes, on every store: each run takes the first ones, the contact stays
// due, and the next runs take the rest; none is lost or taken twice.
func testInputsBeyondOneRun(t *testing.T, newStore Open) {
	ctx := context.Background()
	d := Deploy(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"pings.journey":  []byte("journey pings\nentry on signed_up\nstage Only {\n  after 1d send \"welcome\"\n}\n"),
	}, haltTemplates)
	const events, perRun = 11, 4
	st := newStore(t)
	signUp(t, st, "ada", t0)
	for i := range events - 1 {
		_, err := st.AddEvent(ctx, &store.AddEventParams{Contact: "ada", ID: fmt.Sprint("ping-", i), Name: "ping", At: t0.Add(time.Duration(i) * time.Second)})
		noErr(t, err)
	}
	w := &worker.Worker{Store: st, Engine: &runtime.Engine{Deployment: d}, ID: "w", Inputs: perRun}
	now := t0.Add(time.Minute)
	var seen []int
	for run := 0; run < 10; run++ {
		n, err := w.Tick(ctx, now)
		noErr(t, err)
		if n == 0 {
			break
		}
		seen = append(seen, len(contactState(t, st, "ada").Events))
	}
	if want := []int{4, 8, 11}; !slices.Equal(seen, want) {
		t.Fatalf("events taken after each run: %v, want %v", seen, want)
	}
	if k := kinds(t, st, "ada"); k["pings enrolled"] != 1 {
		t.Fatalf("history: %v", k)
	}
	// The first run took the sign-up at its own time (rule 8): the send
	// is a day after it.
	if next, ok, err := st.NextWake(ctx); err != nil || !ok || !next.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("next wake-up %v %v %v, want the send's", next, ok, err)
	}
}

// testCostHalts evaluates a condition that the checker let through but
// that a contact's list, far longer than the checker assumed, takes over
// its cost limit, on every store: that contact's journey is halted at the
// condition's position; the other contact of the same batch runs and is
// committed, and so is the halt.
func testCostHalts(t *testing.T, newStore Open) {
	ctx := context.Background()
	d := Deploy(t, map[string][]byte{
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
	st := newStore(t)
	noErr(t, st.PutContact(ctx, &store.PutContactParams{ID: "ada", Attrs: map[string]any{"email": "a@example.com", "tags": []any{"x"}}, At: t0}))
	noErr(t, st.PutContact(ctx, &store.PutContactParams{ID: "bomb", Attrs: map[string]any{"email": "b@example.com", "tags": many}, At: t0}))
	signUp(t, st, "ada", t0)
	signUp(t, st, "bomb", t0)
	w := &worker.Worker{Store: st, Engine: &runtime.Engine{Deployment: d}, ID: "w"}
	n, err := w.Tick(ctx, t0)
	noErr(t, err)
	if n != 2 {
		t.Fatalf("%d contacts committed, want 2", n)
	}
	if k := kinds(t, st, "ada"); k["pairs sent"] != 1 {
		t.Errorf("ada: %v", k)
	}
	if k := kinds(t, st, "bomb"); k["pairs halted"] != 1 || k["pairs sent"] != 0 || k["pairs branch"] != 0 {
		t.Errorf("bomb: %v", k)
	}
	h := contactState(t, st, "bomb").Halted["pairs"]
	if h == nil || h.Step != "pairs.journey:4:6" || !strings.Contains(h.Reason, "cost limit") {
		t.Fatalf("halt: %+v", h)
	}
}

// testSlowBatchGoesBack runs a batch whose runs take longer than half its
// lease (here, a lease of a nanosecond), on every store: the first contact
// runs, the others go back unchanged with their inputs, still due, and the
// next batches take them.
func testSlowBatchGoesBack(t *testing.T, newStore Open) {
	ctx := context.Background()
	d := Deploy(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"pings.journey":  []byte("journey pings\nentry on signed_up\nstage Only {\n  send \"welcome\"\n}\n"),
	}, haltTemplates)
	st := newStore(t)
	for _, id := range []string{"a", "b", "c"} {
		signUp(t, st, id, t0)
	}
	w := &worker.Worker{Store: st, Engine: &runtime.Engine{Deployment: d}, ID: "w", Lease: time.Nanosecond}
	var enrolled []int
	for range 3 {
		_, err := w.Tick(ctx, t0)
		noErr(t, err)
		n := 0
		for _, id := range []string{"a", "b", "c"} {
			n += kinds(t, st, id)["pings enrolled"]
		}
		enrolled = append(enrolled, n)
	}
	if want := []int{1, 2, 3}; !slices.Equal(enrolled, want) {
		t.Fatalf("contacts enrolled after each batch: %v, want %v", enrolled, want)
	}
}

// testStoppedBatchGoesBack ends a worker's context before its batch runs,
// as a shutdown does, on every store: the first contact runs, the others
// go back unchanged and still due, and the batch is completed.
func testStoppedBatchGoesBack(t *testing.T, newStore Open) {
	d := Deploy(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"pings.journey":  []byte("journey pings\nentry on signed_up\nstage Only {\n  send \"welcome\"\n}\n"),
	}, haltTemplates)
	st := newStore(t)
	for _, id := range []string{"a", "b", "c"} {
		signUp(t, st, id, t0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := &worker.Worker{Store: st, Engine: &runtime.Engine{Deployment: d}, ID: "w"}
	_, err := w.Tick(ctx, t0)
	noErr(t, err)
	n := 0
	for _, id := range []string{"a", "b", "c"} {
		n += kinds(t, st, id)["pings enrolled"]
	}
	if n != 1 {
		t.Fatalf("%d contacts ran, want 1", n)
	}
	work, err := st.Claim(context.Background(), &store.ClaimParams{Now: t0, Limit: 10, Worker: "w2", Lease: time.Minute})
	noErr(t, err)
	if len(work) != 2 || len(work[0].Inputs) != 1 || len(work[1].Inputs) != 1 {
		t.Fatalf("claimable after the stop: %d contacts, want the 2 not run with their inputs", len(work))
	}
}
