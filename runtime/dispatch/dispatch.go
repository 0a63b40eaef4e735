// Package dispatch delivers the outbox: it leases actions from a
// runtime.Store, calls the sink each action's kind is routed to, and
// records the outcome. Sinks: log (JSON lines, the default), webhook
// (HTTP POST signed per Standard Webhooks) and smtp (the rendered message
// of a send, as multipart/alternative email). A small TOML file configures
// them (see Config and docs/delivery.md).
//
// Input: outbox rows the engine committed with the transitions that made
// them. Output: each action delivered exactly once in effect, under its
// idempotency key:
//
//   - A batch of rows is leased in the store's own committed transaction
//     before any call, so a call never runs inside a transaction and a
//     dispatcher that dies leaves a lease that runs out.
//   - Each call carries the action's key (the webhook-id and
//     Idempotency-Key headers, the Message-ID of an email), so a provider
//     that deduplicates makes a repeat harmless.
//   - The outcomes of a batch are marked in one transaction, and only for
//     rows the dispatcher still holds. When the store fails to mark them,
//     the dispatcher keeps the outcomes and tries again, with backoff,
//     until it can (or it stops): a call made is not made again because
//     its outcome could not be written at once.
//   - A failure is retried with exponential backoff and jitter, capped;
//     a permanent failure, or MaxAttempts failures, parks the row, where
//     `journey outbox list` shows it and `journey outbox retry` revives
//     it.
//   - A row whose lease ran out mid-call may or may not have been
//     delivered: the store returns it as unknown and the route's policy
//     decides — Redeliver (at least once: right for a receiver that
//     deduplicates) or Park (left unknown, for a person to look at:
//     right for email, which does not deduplicate). Either way it counts
//     in the "unknown" metric. A call that outlives its own deadline (a
//     little less than the lease) is unknown the same way.
package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
)

// Sink delivers actions somewhere. Deliver returns nil when the action was
// delivered; an error made by Permanent when it never will be (the row is
// parked); any other error to try again later. It must return when ctx
// ends. A sink is called from several goroutines at once.
type Sink interface {
	Deliver(ctx context.Context, d *Delivery) error
}

// SinkFunc is a function as a Sink.
type SinkFunc func(ctx context.Context, d *Delivery) error

// Deliver implements Sink.
func (f SinkFunc) Deliver(ctx context.Context, d *Delivery) error { return f(ctx, d) }

// Delivery is one call of a sink: the action and its attempt.
type Delivery struct {
	runtime.Action
	Attempt int       // 1 for the first call, counting calls whose outcome was lost
	Unknown bool      // an earlier call's outcome is unknown: this may be a repeat
	At      time.Time // the dispatcher's clock at the call

	store store.Store
}

// ReadContact reads the action's contact from the store, for sinks that
// render with its attributes.
func (d *Delivery) ReadContact(ctx context.Context) (*runtime.ContactState, error) {
	if d.store == nil {
		return nil, errors.New("dispatch: no store to read the contact from")
	}
	return d.store.Contact(ctx, d.Action.Contact)
}

// UnknownPolicy says what becomes of an action whose call's outcome was
// lost (its lease ran out mid-call).
type UnknownPolicy string

const (
	// Park leaves the row unknown, for `journey outbox retry`: at most
	// once. The zero policy.
	Park UnknownPolicy = "park"
	// Redeliver calls the sink again: at least once.
	Redeliver UnknownPolicy = "redeliver"
)

// Route is a sink and its policy.
type Route struct {
	Name    string        // the sink's name in the configuration, for errors
	Sink    Sink          // never nil
	Unknown UnknownPolicy // "" is Park
}

// Results of an action, for Metrics.
const (
	ResultSent    = "sent"    // delivered
	ResultFailed  = "failed"  // a call failed; it will be tried again
	ResultParked  = "parked"  // failed for good, or too often
	ResultUnknown = "unknown" // a call's outcome was lost: counted before the policy applies
	ResultLost    = "lost"    // the outcome was not recorded: another dispatcher took the row over
)

// Metrics counts the dispatcher's outcomes by the action's kind (send,
// notify, task, webhook) and result (ResultSent, …): for the
// actions_total{kind,result} counter. It is called from one goroutine at
// a time.
type Metrics interface {
	Action(kind, result string)
}

// Dispatcher leases due outbox rows and delivers them through the sinks
// their kinds are routed to. Any number of dispatchers may share a store,
// each with its own Worker name.
type Dispatcher struct {
	Store store.Store

	// Routes maps actions to sinks, by the first key present of:
	// "KIND.QUALIFIER", "KIND", "*". The qualifier is a send's channel
	// (email when none is named), a webhook's name, a notify's team; a
	// task has none. An action no route takes is parked.
	Routes map[string]*Route

	Worker      string           // names the leases; unique per dispatcher
	Batch       int              // rows per lease; 100 when 0
	Lease       time.Duration    // how long a lease holds; 1m when 0
	Parallel    int              // calls at once within a batch; 8 when 0
	MaxAttempts int              // failed calls before a row is parked; 10 when 0
	Backoff     Backoff          // the delay before each retry
	Clock       func() time.Time // time.Now when nil
	Metrics     Metrics          // nil for none
	// Health, when set, records Run's failed store calls (logged,
	// counted, reported) and paces their retries; when nil, Run retries
	// with the same backoff, logging to slog.Default().
	Health *health.Part

	closers []func() error // files the configuration opened
}

// Backoff is exponential backoff with jitter: the delay after the nth
// failed call is Base·2ⁿ⁻¹, capped at Max, of which a random part of up
// to a half is taken off, so that rows failing together do not retry
// together.
type Backoff struct {
	Base time.Duration  // the first delay; 10s when 0
	Max  time.Duration  // the cap; 1h when 0
	Rand func() float64 // in [0, 1); math/rand/v2 when nil
}

// Delay is the delay after the attempt-th failed call.
func (b Backoff) Delay(attempt int) time.Duration {
	base, limit := b.Base, b.Max
	if base <= 0 {
		base = 10 * time.Second
	}
	if limit <= 0 {
		limit = time.Hour
	}
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	r := b.Rand
	if r == nil {
		r = rand.Float64
	}
	return d - time.Duration(r()*float64(d/2))
}

// Error is a sink's failure with what the dispatcher should do about it.
type Error struct {
	Err        error
	Permanent  bool          // never retry: park the row
	Unknown    bool          // the call may have been delivered: the route's policy decides
	RetryAfter time.Duration // retry no sooner than this (the server asked)
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Permanent marks a failure as final: the row is parked.
func Permanent(err error) error { return &Error{Err: err, Permanent: true} }

// Unknown marks a failure whose outcome is unknown — the request was
// sent, the answer never came: the row is retried under the Redeliver
// policy and left unknown under Park.
func Unknown(err error) error { return &Error{Err: err, Unknown: true} }

// RetryAfter marks a failure as temporary, to retry no sooner than d.
func RetryAfter(err error, d time.Duration) error { return &Error{Err: err, RetryAfter: d} }

// Close releases what the configuration opened (log files).
func (d *Dispatcher) Close() error {
	var errs []error
	for _, c := range d.closers {
		errs = append(errs, c())
	}
	d.closers = nil
	return errors.Join(errs...)
}

func (d *Dispatcher) now() time.Time {
	if d.Clock != nil {
		return d.Clock()
	}
	return time.Now()
}

func (d *Dispatcher) settings() (batch int, lease time.Duration, parallel, maxAttempts int) {
	batch, lease, parallel, maxAttempts = d.Batch, d.Lease, d.Parallel, d.MaxAttempts
	if batch <= 0 {
		batch = 100
	}
	if lease <= 0 {
		lease = time.Minute
	}
	if parallel <= 0 {
		parallel = 8
	}
	if maxAttempts <= 0 {
		maxAttempts = 10
	}
	return
}

// Route returns the route an action takes, or nil.
func (d *Dispatcher) Route(a *runtime.Action) *Route {
	if q := qualifier(a); q != "" {
		if r := d.Routes[a.Kind+"."+q]; r != nil {
			return r
		}
	}
	if r := d.Routes[a.Kind]; r != nil {
		return r
	}
	return d.Routes["*"]
}

// qualifier is the second part of an action's route key.
func qualifier(a *runtime.Action) string {
	switch a.Kind {
	case "send":
		var p struct {
			Channel string `json:"channel"`
		}
		json.Unmarshal(a.Payload, &p)
		if p.Channel == "" {
			return "email"
		}
		return p.Channel
	case "webhook", "notify":
		return a.Target
	}
	return ""
}

// outcome is what became of one leased row.
type outcome struct {
	mark    store.OutboxMark
	kind    string
	unknown bool   // the row came back unknown
	result  string // what the call made of it; "" for no call
}

// Tick leases one batch of due rows, delivers them, marks the outcomes,
// and reports how many rows it leased.
func (d *Dispatcher) Tick(ctx context.Context) (int, error) {
	return d.tick(ctx, nil)
}

// tick is Tick. When retry is not nil, a failed MarkOutbox is tried again
// for as long as retry, given the error, says so. A retry marks nothing
// twice: the store marks only rows the dispatcher still holds, and a mark
// releases them.
func (d *Dispatcher) tick(ctx context.Context, retry func(error) bool) (int, error) {
	batch, lease, parallel, maxAttempts := d.settings()
	rows, err := d.Store.LeaseOutbox(ctx, &store.LeaseOutboxParams{Now: d.now(), Limit: batch, Worker: d.Worker, Lease: lease})
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	// A call ends a little before its lease does, so that its outcome is
	// marked before another dispatcher may take the row over.
	deadline := lease - lease/10

	outs := make([]outcome, len(rows))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range rows {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			outs[i] = d.deliver(ctx, &rows[i], deadline, maxAttempts)
		})
	}
	wg.Wait()

	marks := make([]store.OutboxMark, len(outs))
	for i, o := range outs {
		marks[i] = o.mark
	}
	// The calls are made: their outcomes are recorded even if ctx ended
	// meanwhile.
	mark := func() (*store.MarkOutboxResult, error) {
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(lease, 10*time.Second))
		defer cancel()
		return d.Store.MarkOutbox(mctx, &store.MarkOutboxParams{Worker: d.Worker, Now: d.now(), Results: marks})
	}
	res, err := mark()
	for err != nil && retry != nil && retry(err) {
		res, err = mark()
	}
	if err != nil {
		return 0, fmt.Errorf("dispatch: marking %d rows: %w", len(marks), err)
	}
	lost := make(map[string]bool, len(res.Lost))
	for _, k := range res.Lost {
		lost[k] = true
	}
	if d.Metrics != nil {
		for _, o := range outs {
			if o.unknown {
				d.Metrics.Action(o.kind, ResultUnknown)
			}
			if lost[o.mark.Key] {
				d.Metrics.Action(o.kind, ResultLost)
			} else if o.result != "" {
				d.Metrics.Action(o.kind, o.result)
			}
		}
	}
	return len(rows), nil
}

// deliver makes one row's call, if any, within deadline, and says what
// to mark: a failure parks the row at its maxAttempts-th call.
func (d *Dispatcher) deliver(ctx context.Context, row *store.OutboxRow, deadline time.Duration, maxAttempts int) outcome {
	o := outcome{kind: row.Kind, unknown: row.Unknown, mark: store.OutboxMark{Key: row.Key, Contact: row.Contact, Attempts: row.Attempts}}
	route := d.Route(&row.Action)
	if row.Unknown {
		if route == nil || route.Unknown != Redeliver {
			o.mark.Status, o.mark.Error = store.OutboxUnknown, "the lease ran out during a call: it may have been delivered"
			return o
		}
		o.mark.Attempts++ // the lease did not count this call
	}
	if route == nil {
		o.mark.Status, o.mark.Error, o.result = store.OutboxParked, fmt.Sprintf("no sink for %s actions", row.Kind), ResultParked
		return o
	}

	cctx, cancel := context.WithTimeout(ctx, deadline)
	err := route.Sink.Deliver(cctx, &Delivery{Action: row.Action, Attempt: o.mark.Attempts, Unknown: row.Unknown, At: d.now(), store: d.Store})
	timedOut := cctx.Err() == context.DeadlineExceeded && ctx.Err() == nil
	cancel()
	var serr *Error
	errors.As(err, &serr)
	switch {
	case err == nil:
		o.mark.Status, o.result = store.OutboxSent, ResultSent
	case serr != nil && serr.Permanent:
		o.mark.Status, o.mark.Error, o.result = store.OutboxParked, fmt.Sprintf("%s: %v", route.Name, err), ResultParked
	case (timedOut || ctx.Err() != nil || serr != nil && serr.Unknown) && route.Unknown != Redeliver:
		// The call was cut off: it may have been delivered.
		o.mark.Status, o.mark.Error, o.result = store.OutboxUnknown, fmt.Sprintf("%s: cut off: it may have been delivered: %v", route.Name, err), ResultUnknown
	case o.mark.Attempts >= maxAttempts:
		o.mark.Status, o.mark.Error, o.result = store.OutboxParked, fmt.Sprintf("%s: %d attempts, the last: %v", route.Name, o.mark.Attempts, err), ResultParked
	default:
		delay := d.Backoff.Delay(o.mark.Attempts)
		if serr != nil {
			delay = max(delay, serr.RetryAfter)
		}
		o.mark.Status, o.mark.NextAttempt, o.mark.Error, o.result = store.OutboxPending, d.now().Add(delay), fmt.Sprintf("%s: %v", route.Name, err), ResultFailed
	}
	return o
}

// Run delivers due rows until ctx ends: batch after batch while rows come,
// then a pause of poll (1s when 0) between leases. It returns nil when
// ctx ends.
//
// A failed store call does not end Run: it is recorded in Health and
// tried again after its backoff, for as long as it fails — a lease, or
// the marking of a batch whose calls were made. A backoff ends at once
// when ctx does; outcomes then unmarked are left to their leases, which
// expire, and the rows come back unknown (see UnknownPolicy).
func (d *Dispatcher) Run(ctx context.Context, poll time.Duration) error {
	if poll <= 0 {
		poll = time.Second
	}
	part := d.Health
	if part == nil {
		part = health.New(nil, nil).Part("dispatcher")
	}
	retry := func(err error) bool { return part.Retry(ctx, err) }
	batch, _, _, _ := d.settings()
	for {
		n, err := d.tick(ctx, retry)
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
		if n == batch {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(poll):
		}
	}
}
