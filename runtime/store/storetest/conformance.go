package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/testrun"
	"github.com/journeylang/journey/runtime/worker"
)

var update = flag.Bool("update", false, "rewrite the expected traces in testdata/conformance (on the memory store)")

// Open returns a new, empty store that the test closes when it ends (with
// t.Cleanup). Each call gives a store of its own: subtests run in
// parallel.
type Open func(t *testing.T) store.Store

// tests are the behaviours every store shares, besides the corpus: each
// is given a way to open fresh stores.
var tests = []struct {
	name string
	run  func(t *testing.T, newStore Open)
}{
	{"DedupeAfterRestart", testDedupeAfterRestart},
	{"Batch", testBatch},
	{"BatchAllOrNothing", testBatchAllOrNothing},
	{"BatchConcurrent", testBatchConcurrent},
	{"Prune", testPrune},
	{"Retain", testRetain},
	{"Deploy", testDeploy},
	{"DeployConcurrent", testDeployConcurrent},
	{"Stale", testStale},
	{"LoopHalts", testLoopHalts},
	{"ReleaseUnknownContact", testReleaseUnknownContact},
	{"Enroll", testEnroll},
	{"InputsBeyondOneRun", testInputsBeyondOneRun},
	{"FirstRunLateInputs", testFirstRunLateInputs},
	{"CostHalts", testCostHalts},
	{"SlowBatchGoesBack", testSlowBatchGoesBack},
	{"StoppedBatchGoesBack", testStoppedBatchGoesBack},
	{"ClaimDue", testClaimDue},
	{"Unchanged", testUnchanged},
	{"NextWakeLeased", testNextWakeLeased},
	{"Lead", testLead},
	{"OutboxLeases", testOutboxLeases},
	{"OutboxLeaseConcurrent", testOutboxLeaseConcurrent},
	{"OutOfOrderEvents", testOutOfOrderEvents},
	{"NewVersionTakesOver", testNewVersionTakesOver},
	{"WakeStale", testWakeStale},
	{"SaveVersions", testSaveVersions},
	{"MigrationCases", testMigrationCases},
	{"MigrationHeldSend", testMigrationHeldSend},
	{"Drain", testDrain},
	{"AheadLeftAlone", testAheadLeftAlone},
	{"Stats", testStats},
	{"Consent", testConsent},
	{"Erase", testErase},
	{"Report", testReport},
	{"ReportReentry", testReportReentry},
	{"ReportVersions", testReportVersions},
}

// Run runs the conformance suite on a store: the corpus (Corpus), then
// every behaviour the stores share, each as a subtest. Each store's
// package calls it from its own tests.
func Run(t *testing.T, open Open) {
	t.Run("Corpus", func(t *testing.T) { Corpus(t, open) })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

// Corpus runs the corpus testdata/conformance/*.txtar (at the module's
// root) on a store. A case is a workspace (layered on _base.txtar) whose
// scenario_test.journey holds one test block: its contact, its start, and
// its timed events and updates are the inputs (its expectations are for
// `journey test`, not read here). The simulation runs to the `until`
// section's time (default: the last `at`), and the contact's history must
// equal the `want` section, line by line:
//
//	+OFFSET  JOURNEY#ENTRY  KIND  STEP  DETAIL
//
// Every action record (sent, notified, task, webhook) must also appear
// exactly once in the outbox, in the same order. With -update, a run on
// the memory store rewrites the want sections instead.
func Corpus(t *testing.T, open Open) {
	dir := filepath.Join(moduleRoot(t), "testdata", "conformance")
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance cases: %v", err)
	}
	base, err := txtar.ParseFile(filepath.Join(dir, "_base.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if filepath.Base(file) == "_base.txtar" {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			s := open(t)
			_, inMemory := s.(*memory.Store)
			runCase(t, file, base, s, inMemory && *update)
		})
	}
}

// moduleRoot is the directory of the module's go.mod, found by walking up
// from the test's working directory (its package's directory).
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = up
	}
}

func runCase(t *testing.T, file string, base *txtar.Archive, st store.Store, rewrite bool) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sources, templates, sections := map[string][]byte{}, map[string][]byte{}, map[string]string{}
	for _, a := range []*txtar.Archive{base, ar} {
		for _, f := range a.Files {
			switch {
			case f.Name == "want" || f.Name == "until":
				sections[f.Name] = string(f.Data)
			case strings.HasPrefix(f.Name, "templates/"):
				templates[strings.TrimPrefix(f.Name, "templates/")] = f.Data
			default:
				sources[f.Name] = f.Data
			}
		}
	}
	ws := compiler.NewWorkspace(sources, templates)
	prog, diags := compiler.Compile(ws)
	if diags.HasErrors() {
		t.Fatalf("does not compile: %v", diags)
	}
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		t.Fatal(err)
	}
	test := scenario(t, ws)
	got, err := play(context.Background(), d, st, test, sections["until"])
	if err != nil {
		t.Fatal(err)
	}
	if rewrite {
		var kept []txtar.File
		for _, f := range ar.Files {
			if f.Name != "want" {
				kept = append(kept, f)
			}
		}
		ar.Files = append(kept, txtar.File{Name: "want", Data: []byte(got)})
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(sections["want"], got); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

// scenario returns the test block of the case's scenario_test.journey.
func scenario(t *testing.T, ws *compiler.Workspace) *ast.Test {
	t.Helper()
	for _, f := range ws.Files {
		if filepath.Base(f.Name) != "scenario_test.journey" {
			continue
		}
		for _, d := range f.Decls {
			if test, ok := d.(*ast.Test); ok {
				return test
			}
		}
	}
	t.Fatal("no test block in scenario_test.journey")
	return nil
}

// play feeds a test block's inputs to a simulation and returns the trace.
func play(ctx context.Context, d *runtime.Deployment, db store.Store, test *ast.Test, until string) (string, error) {
	start, contact := testrun.Start, "c1" // a scenario starts when `journey test` starts a test
	for _, st := range test.Stmts {
		switch st := st.(type) {
		case *ast.TestStart:
			s, err := time.Parse(time.RFC3339, st.Start.Value)
			if err != nil {
				return "", err
			}
			start = s
		case *ast.TestContact:
			if st.ID != nil {
				contact = st.ID.Value
			}
		}
	}
	sim := worker.NewSim(d, db, start)
	now := start
	last := start
	for i, st := range test.Stmts {
		if at := st.Time(); at != nil {
			now = start.Add(at.Time.Value)
			last = now
		}
		// Everything due before the input runs first; what is due at its
		// time runs after it (with any other input of the same time), as
		// the engine orders inputs before timers.
		if err := sim.Advance(ctx, now.Add(-time.Nanosecond)); err != nil {
			return "", err
		}
		switch st := st.(type) {
		case *ast.TestContact:
			if err := db.PutContact(ctx, &store.PutContactParams{ID: contact, Attrs: testrun.Object(st.Value), At: now}); err != nil {
				return "", err
			}
		case *ast.TestEvent:
			payload := testrun.Object(st.Payload)
			if _, err := db.AddEvent(ctx, &store.AddEventParams{Contact: contact, ID: eventID(st.Name.Name, payload, now), Name: st.Name.Name, Payload: payload, At: now}); err != nil {
				return "", err
			}
		case *ast.TestConsent:
			if err := testrun.Consent(ctx, db, contact, st, now); err != nil {
				return "", err
			}
		case *ast.TestSet:
			v, err := constant(d.Program, st.Value.Text)
			if err != nil {
				return "", fmt.Errorf("statement %d: %w", i+1, err)
			}
			if err := db.PutContact(ctx, &store.PutContactParams{ID: contact, Attrs: map[string]any{st.Field.String(): v}, At: now}); err != nil {
				return "", err
			}
		}
	}
	end := last
	if until != "" {
		var dur compiler.Duration
		if err := dur.UnmarshalText([]byte(strings.TrimSpace(until))); err != nil {
			return "", err
		}
		end = start.Add(time.Duration(dur))
	}
	if err := sim.Advance(ctx, end); err != nil {
		return "", err
	}
	return trace(ctx, db, contact, start)
}

// eventID makes a scenario's event identity from what the event is: the
// same event at the same time is a duplicate.
func eventID(name string, payload map[string]any, at time.Time) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%v|%s", name, payload, at.Format(time.RFC3339Nano))))
	return hex.EncodeToString(sum[:8])
}

// constant evaluates a test's `set` value, which reads no field.
func constant(prog *compiler.Program, text string) (any, error) {
	env := prog.Env("")
	a, iss := env.Compile(text)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	prg, err := env.Program(a)
	if err != nil {
		return nil, err
	}
	out, _, err := prg.Eval(map[string]any{})
	if err != nil {
		return nil, err
	}
	return runtime.Native(out)
}

// trace formats the contact's history and checks the outbox against it.
func trace(ctx context.Context, st store.Store, contact string, start time.Time) (string, error) {
	recs, err := st.History(ctx, &store.HistoryParams{Contact: contact})
	if err != nil {
		return "", err
	}
	actions, err := st.Outbox(ctx, &store.OutboxParams{Contact: contact})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var acted []string
	for _, r := range recs {
		step := r.Step
		if step == "" {
			step = "-"
		}
		fmt.Fprintf(&b, "+%-8s %s#%d %s %s %s\n", compiler.Duration(r.At.Sub(start)), r.Journey, r.Entry, r.Kind, step, r.Detail)
		switch r.Kind {
		case runtime.RecSent, runtime.RecNotified, runtime.RecTask, runtime.RecWebhook:
			acted = append(acted, r.Step)
		}
	}
	keys := map[string]bool{}
	for i, a := range actions {
		if keys[a.Key] {
			return "", fmt.Errorf("outbox: key %s twice", a.Key)
		}
		keys[a.Key] = true
		if i >= len(acted) || acted[i] != a.Step {
			return "", fmt.Errorf("outbox action %d (%s) does not match the history's actions %v", i, a.Step, acted)
		}
	}
	if len(actions) != len(acted) {
		return "", fmt.Errorf("outbox has %d actions, the history %d", len(actions), len(acted))
	}
	return b.String(), nil
}
