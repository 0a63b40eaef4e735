package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// t0 is when the tests' clocks start.
var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// must fails the test on an error, else returns the value.
func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// noErr fails the test on an error.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// results turns claimed work into results that consume every input and
// change nothing else, unless change says otherwise.
func results(work []*store.Work, change func(*store.WorkResult)) []*store.WorkResult {
	var out []*store.WorkResult
	for _, w := range work {
		r := &store.WorkResult{Contact: w.State.ID, Rev: w.Rev, State: w.State, Outcome: &runtime.Outcome{}}
		for _, in := range w.Inputs {
			r.Consumed = max(r.Consumed, in.Seq)
		}
		if change != nil {
			change(r)
		}
		out = append(out, r)
	}
	return out
}

// Deploy compiles a workspace of journey files and templates into a
// deployment, failing the test on any diagnostic: the suite's, and the
// store, worker and runner tests' outside it.
func Deploy(t testing.TB, files, templates map[string][]byte) *runtime.Deployment {
	t.Helper()
	prog, diags := compiler.Compile(compiler.NewWorkspace(files, templates))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// historyLines is a contact's history as "offset kind detail" lines, the
// offsets counted from start.
func historyLines(t *testing.T, s store.Store, contact string, start time.Time) []string {
	t.Helper()
	recs, err := s.History(context.Background(), &store.HistoryParams{Contact: contact})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, compiler.Duration(r.At.Sub(start)).String()+" "+r.Kind+" "+r.Detail)
	}
	return out
}
