// Package testrun runs the test blocks of *_test.journey files: `journey
// test`. Each test runs on the production engine, with a memory store and
// a simulated clock, independently of the others and in parallel.
//
// Input: a compiled workspace (its test files stay in the workspace's
// syntax trees). Output: a Report: each test passed or failed, with the
// failed expectations, what happened instead, and the contact's timeline;
// and the coverage of every step, branch and split arm.
//
// A test's statements run in order. `at T` sets the simulated time (since
// the start) for the statement and the ones after it; the clock starts at
// Start (Monday 2026-01-05 09:00 UTC) unless the test says `start "…"`.
// Before an event or an update at T, everything due before T runs; before
// an expectation at T, everything due at T runs too, inputs first.
package testrun

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/worker"
)

// Start is when a test's clock starts, unless it says otherwise: a Monday,
// 09:00 UTC.
var Start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Options select and shape a run.
type Options struct {
	Run *regexp.Regexp // run only the tests whose name matches; nil: all
}

// Report is the outcome of a run.
type Report struct {
	Results   []*Result
	Coverage  *Coverage
	Elapsed   time.Duration
	Unchecked int // workspaces that did not check, whose tests did not run
}

// Passed and Failed count the results.
func (r *Report) Passed() int { return r.count(true) }

// Failed counts the failed tests.
func (r *Report) Failed() int { return r.count(false) }

func (r *Report) count(passed bool) int {
	n := 0
	for _, x := range r.Results {
		if x.Passed() == passed {
			n++
		}
	}
	return n
}

// Result is one test's outcome.
type Result struct {
	File     string
	Name     string
	Journey  string
	Line     int
	Failures []*Failure
	Timeline []runtime.Record // the contact's whole history in the test
	Start    time.Time
	Elapsed  time.Duration
	Err      error // the test could not run (not a failed expectation)
}

// Passed reports whether every expectation held.
func (r *Result) Passed() bool { return len(r.Failures) == 0 && r.Err == nil }

// Failure is an expectation that did not hold.
type Failure struct {
	File        string
	Line, Col   int
	At          time.Duration // the simulated time of the expectation
	Expectation string        // as written
	Got         string        // what happened instead
	Timeline    []runtime.Record
}

// Run runs the tests of a compiled workspace.
func Run(ctx context.Context, ws *compiler.Workspace, prog *compiler.Program, opts Options) (*Report, error) {
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		return nil, err
	}
	began := time.Now()
	type job struct {
		file string
		test *ast.Test
	}
	var jobs []job
	for _, f := range ws.Files {
		for _, decl := range f.Decls {
			if t, ok := decl.(*ast.Test); ok && (opts.Run == nil || opts.Run.MatchString(t.Name.Value)) {
				jobs = append(jobs, job{f.Name, t})
			}
		}
	}
	results := make([]*Result, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, jb := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = runTest(ctx, d, jb.file, jb.test)
		})
	}
	wg.Wait()
	sort.SliceStable(results, func(a, b int) bool {
		if results[a].File != results[b].File {
			return results[a].File < results[b].File
		}
		return results[a].Line < results[b].Line
	})
	return &Report{Results: results, Coverage: cover(prog, results), Elapsed: time.Since(began)}, nil
}

// contactID is the contact of a test without a `contact "id"`.
const contactID = "test-contact"

func runTest(ctx context.Context, d *runtime.Deployment, file string, t *ast.Test) *Result {
	began := time.Now()
	res := &Result{File: file, Name: t.Name.Value, Line: int(t.Pos.Start.Line), Start: Start}
	contact := contactID
	for _, st := range t.Stmts {
		switch st := st.(type) {
		case *ast.TestStart:
			if s, err := time.Parse(time.RFC3339, st.Start.Value); err == nil {
				res.Start = s
			}
		case *ast.TestContact:
			if st.ID != nil {
				contact = st.ID.Value
			}
		case *ast.TestJourney:
			res.Journey = st.Name.Name
		}
	}
	db := memory.New()
	sim := worker.NewSim(d, db, res.Start)
	x := &exec{ctx: ctx, d: d, store: db, sim: sim, contact: contact, res: res, file: file}
	now := res.Start
	for _, st := range t.Stmts {
		if at := st.Time(); at != nil {
			now = res.Start.Add(at.Time.Value)
		}
		if err := x.statement(st, now); err != nil {
			res.Err = err
			break
		}
	}
	res.Timeline, _ = db.History(ctx, &store.HistoryParams{Contact: contact})
	res.Elapsed = time.Since(began)
	return res
}

// exec runs one test's statements.
type exec struct {
	ctx     context.Context
	d       *runtime.Deployment
	store   store.Store
	sim     *worker.Sim
	contact string
	res     *Result
	file    string
	events  int
}

func (x *exec) statement(st ast.TestStmt, now time.Time) error {
	switch st := st.(type) {
	case *ast.TestContact:
		if err := x.advance(before(now)); err != nil {
			return err
		}
		return x.store.PutContact(x.ctx, &store.PutContactParams{ID: x.contact, Attrs: Object(st.Value), At: now})
	case *ast.TestEvent:
		if err := x.advance(before(now)); err != nil {
			return err
		}
		x.events++
		_, err := x.store.AddEvent(x.ctx, &store.AddEventParams{
			Contact: x.contact, ID: fmt.Sprintf("%s#%d", x.contact, x.events),
			Name: st.Name.Name, Payload: Object(st.Payload), At: now,
		})
		return err
	case *ast.TestSet:
		if err := x.advance(before(now)); err != nil {
			return err
		}
		v, err := x.value(st.Value.Text, now)
		if err != nil {
			return fmt.Errorf("%s:%d: set %s: %w", x.file, st.Pos.Start.Line, st.Field, err)
		}
		return x.store.PutContact(x.ctx, &store.PutContactParams{ID: x.contact, Attrs: nested(st.Field.String(), v), At: now})
	case *ast.TestConsent:
		if err := x.advance(before(now)); err != nil {
			return err
		}
		return Consent(x.ctx, x.store, x.contact, st, now)
	case *ast.Expect:
		if err := x.advance(now); err != nil {
			return err
		}
		return x.expect(st, now)
	}
	return nil
}

// advance moves the simulation to t. A journey the engine halted for the
// contact (a loop, a condition over its cost) fails the test.
func (x *exec) advance(t time.Time) error {
	if err := x.sim.Advance(x.ctx, t); err != nil {
		return err
	}
	s, err := x.store.Contact(x.ctx, x.contact)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(s.Halted) == 0 {
		return nil
	}
	name := slices.Sorted(maps.Keys(s.Halted))[0]
	h := s.Halted[name]
	step := ""
	if h.Step != "" {
		step = " at " + h.Step
	}
	return fmt.Errorf("journey %s halted%s, +%s: %s", name, step, compiler.Duration(h.At.Sub(x.res.Start)), h.Reason)
}

// before is the last instant before t: what is due at t waits for the
// input at t.
func before(t time.Time) time.Time { return t.Add(-time.Nanosecond) }

// nested makes {a: {b: v}} of the path a.b.
func nested(path string, v any) map[string]any {
	out := map[string]any{}
	m := out
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next := map[string]any{}
		m[p] = next
		m = next
	}
	m[parts[len(parts)-1]] = v
	return out
}

// Consent queues a test's change of consent for a contact, as the API's
// unsubscribe and resubscribe routes do; a contact the store does not
// know yet is made first, with no attributes.
func Consent(ctx context.Context, st store.Store, contact string, c *ast.TestConsent, now time.Time) error {
	state := runtime.ConsentUnsubscribed
	if c.Subscribe {
		state = runtime.ConsentSubscribed
	}
	p := &store.ConsentParams{Contact: contact, Channel: c.Channel.Name, State: state, At: now}
	err := st.Consent(ctx, p)
	if errors.Is(err, store.ErrNotFound) {
		if err := st.PutContact(ctx, &store.PutContactParams{ID: contact, Attrs: map[string]any{}, At: now}); err != nil {
			return err
		}
		err = st.Consent(ctx, p)
	}
	return err
}
