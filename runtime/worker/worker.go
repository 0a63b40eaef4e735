package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
)

// Worker claims due contacts from a store in batches, runs the engine on
// each, and completes the batch in one transaction. Any number of workers
// may share a store.
type Worker struct {
	Store  store.Store
	Engine *runtime.Engine
	ID     string        // names the worker's leases
	Batch  int           // contacts per claim; DefaultBatch when 0
	Lease  time.Duration // how long a claim holds; 30s when 0
	Inputs int           // the most pending inputs of one contact a run takes; MaxInputs when 0

	// Observe, when set, sees every completed batch: for metrics.
	Observe func(b *BatchReport)
	// Current, when set, gives the deployment in force: each batch runs
	// the one in force when it starts (hot reload swaps it).
	Current func() *runtime.Deployment
	// Health, when set, records Run's failed store calls (logged, counted,
	// reported) and paces its retries; when nil, Run retries with the
	// same backoff, logging to slog.Default().
	Health *health.Part
}

// BatchReport describes one completed batch, for metrics.
type BatchReport struct {
	Claimed  int
	Results  []*store.WorkResult
	Complete *store.CompleteResult
	Due      []time.Time // each claimed contact's wake-up, as claimed
	Now      time.Time
	Elapsed  time.Duration // claim, run and complete
	// Committed is when the batch committed, on the worker's clock: Now
	// plus Elapsed. Committed minus each Due is the contact's fire lag as
	// the contact sees it: from when it was due to when what it did was
	// written.
	Committed time.Time
}

// Tick processes one batch of contacts due at now and reports how many it
// committed, not counting contacts left for a runner with a newer
// deployment (see Deployment.Ahead). When ctx ends, the contacts of the
// batch not yet run go back unchanged, and the batch is completed all the
// same.
func (w *Worker) Tick(ctx context.Context, now time.Time) (int, error) {
	return w.tick(ctx, now, nil)
}

// DefaultBatch is Worker.Batch when unset, as `journey run --batch`'s
// default: the batch size that gave the most transitions a second on
// Postgres (docs/performance.md).
const DefaultBatch = 1000

// tick is Tick. When retry is not nil, a failed Complete is tried again
// for as long as retry, given the error, says so: the work done is
// committed once the store is back. A retry commits nothing twice: the
// store takes each result only while the worker holds its contact's lease
// at the revision claimed, and a commit releases the lease.
func (w *Worker) tick(ctx context.Context, now time.Time, retry func(error) bool) (int, error) {
	stop := ctx.Done()
	ctx = context.WithoutCancel(ctx) // the batch in hand is completed, not left to its lease
	batch, lease := w.Batch, w.Lease
	if batch <= 0 {
		batch = DefaultBatch
	}
	if lease <= 0 {
		lease = 30 * time.Second
	}
	began := time.Now()
	work, err := w.Store.Claim(ctx, &store.ClaimParams{Now: now, Limit: batch, Worker: w.ID, Lease: lease, Inputs: w.Inputs})
	if err != nil || len(work) == 0 {
		return 0, err
	}
	eng := w.Engine
	if w.Current != nil {
		if d := w.Current(); d != nil && d != eng.Deployment {
			e := *w.Engine
			e.Deployment = d
			eng = &e
		}
	}
	p := &store.CompleteParams{Worker: w.ID, Now: now}
	ahead := 0
	due := make([]time.Time, len(work))
	for i, wk := range work {
		due[i] = wk.Due
		var consumed int64 // the run takes every input claimed: the first ones of the contact
		for _, in := range wk.Inputs {
			consumed = max(consumed, in.Seq)
		}
		if eng.Deployment.Ahead(wk.State) {
			// Not this worker's to run yet: unchanged, its inputs kept,
			// still due (for a runner that knows its version) and not
			// counted, so that this worker waits for its next poll.
			p.Results = append(p.Results, untouched(wk))
			ahead++
			continue
		}
		if i > 0 && (time.Since(began) > lease/2 || stopped(stop)) {
			// Runs so slow (conditions at their cost limit) that the
			// batch would outlive its lease, or a shutdown: the rest go
			// back, unchanged and still due, and the work done is
			// committed.
			p.Results = append(p.Results, untouched(wk))
			continue
		}
		// A run of inputs but no event may leave the state as it was (an
		// update to the values it has): its state is encoded first, to
		// tell.
		var before []byte
		if quiet(wk.Inputs) {
			before = encodeRunAt(wk.State, now)
		}
		out := eng.Run(wk.State, wk.Inputs, now)
		p.Results = append(p.Results, &store.WorkResult{Contact: wk.State.ID, Rev: wk.Rev, State: wk.State, Consumed: consumed, Outcome: out,
			Unchanged: unchanged(wk.State, before, out)})
	}
	res, err := w.Store.Complete(ctx, p)
	for err != nil && retry != nil && retry(err) {
		res, err = w.Store.Complete(ctx, p)
	}
	if err != nil {
		return 0, err
	}
	if w.Observe != nil {
		elapsed := time.Since(began)
		w.Observe(&BatchReport{Claimed: len(work), Results: p.Results, Complete: res, Due: due, Now: now, Elapsed: elapsed, Committed: now.Add(elapsed)})
	}
	return max(res.Committed-ahead, 0), nil
}

// Run processes due contacts until ctx ends: batch after batch while work
// is due, then it sleeps until the next wake-up or poll, whichever comes
// first. now is the clock; poll is 1s when 0. When ctx ends, the batch in
// hand is finished and Run returns nil, leaving the rest of the work due.
//
// A failed store call does not end Run: it is recorded in Health and
// tried again after its backoff, for as long as it fails — a claim, or
// the commit of the batch in hand, whose leases the worker keeps. A
// backoff ends at once when ctx does; the batch then in hand is left to
// its leases, which expire, and another worker runs it again from the
// same state.
func (w *Worker) Run(ctx context.Context, now func() time.Time, poll time.Duration) error {
	if poll <= 0 {
		poll = time.Second
	}
	part := w.Health
	if part == nil {
		part = health.New(nil, nil).Part("worker")
	}
	retry := func(err error) bool { return part.Retry(ctx, err) }
	for {
		n, err := w.tick(ctx, now(), retry)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			if !part.Retry(ctx, err) {
				return nil
			}
			continue
		}
		part.Ok()
		if n > 0 {
			continue
		}
		// Nothing taken: sleep until the next wake-up, or a poll. A wake-up
		// already due is work this worker left (contacts ahead of its
		// deployment, for a runner that knows their version): it waits a
		// poll rather than spinning on them.
		sleep := poll
		if next, ok, err := w.Store.NextWake(ctx); err == nil && ok {
			if d := next.Sub(now()); d > 0 && d < sleep {
				sleep = d
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(sleep):
		}
	}
}

// stopped reports whether a done channel is closed.
func stopped(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// untouched is the result of a contact claimed and not run: its state
// unchanged, its inputs kept, still due.
func untouched(wk *store.Work) *store.WorkResult {
	return &store.WorkResult{Contact: wk.State.ID, Rev: wk.Rev, State: wk.State, Outcome: &runtime.Outcome{Wake: wk.Due}, Unchanged: true}
}

// quiet reports whether a run of inputs is worth comparing states for:
// it has inputs, and none is an event (an event always joins the
// contact's events). A run of timers alone is not compared: it nearly
// always fires a step, which records something, and encoding the state of
// every timer run first would cost more than the writes it could spare.
func quiet(inputs []runtime.Input) bool {
	for _, in := range inputs {
		if in.Kind == runtime.InputEvent {
			return false
		}
	}
	return len(inputs) > 0
}

// encodeRunAt is the encoding of s as a run at now that changes nothing
// leaves it: the same, but for its time of run (Engine.Run sets Processed
// to now); nil if it does not encode.
func encodeRunAt(s *runtime.ContactState, now time.Time) []byte {
	ran := s.Processed
	s.Processed = now
	b, err := json.Marshal(s)
	s.Processed = ran
	if err != nil {
		return nil
	}
	return b
}

// unchanged reports whether a run recorded, sent and withdrew nothing and
// left the state s as before said it would be were it unchanged
// (encodeRunAt). A nil before (a run not compared) is changed.
func unchanged(s *runtime.ContactState, before []byte, out *runtime.Outcome) bool {
	if before == nil || len(out.Records) > 0 || len(out.Actions) > 0 || len(out.Withdraw) > 0 {
		return false
	}
	after, err := json.Marshal(s)
	return err == nil && bytes.Equal(before, after)
}
