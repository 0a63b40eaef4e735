// Package health keeps a runner going while its store fails, and says so.
//
// The parts of a runner that call the store in a loop — the workers, the
// outbox dispatcher, the chores, the follower of deployments — each take
// a Part. After a failed call the part records the failure and waits a
// backoff before trying again: 100 ms, doubling to a cap of 5 s, each
// wait 20 % longer or shorter at random so that parts failing together
// do not retry together, and cut short at once when the part's context
// ends. Its next successful call ends the part's outage and resets the
// backoff. Every error is retried this way, the store's being
// unreachable as much as a fault that will not go away (a corrupt row):
// either way it is counted and logged, and the runner lives on.
//
// One-off callers — the HTTP API's requests, the metrics' reads of the
// store's statistics — do not retry: they Note a failure and Clear it
// with their next success. Since no later call of theirs need come, a
// noted failure keeps its part failing for NoteTTL at most.
//
// A Monitor gathers the parts. It logs when a part begins to fail (with
// the error), again at most once a minute while it still fails (with the
// count and the last error), and when it recovers (with how long it
// failed). A part that fails on and off logs at most one line a minute
// too: an outage beginning within a minute of the last line logged is
// not announced, nor is its end. The Monitor counts every failure, for
// the metric journey_store_errors_total{part}, and reports which parts
// fail, and since when, for /healthz.
package health

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sethvargo/go-retry"
)

// The backoff between a part's attempts while its store calls fail.
const (
	BackoffBase   = 100 * time.Millisecond // the first wait
	BackoffMax    = 5 * time.Second        // the cap, before jitter
	BackoffJitter = 20                     // percent, either way, of each wait
)

// remindEvery is how often a part that keeps failing is logged again.
const remindEvery = time.Minute

// NoteTTL is how long a noted failure keeps its part failing, unless the
// part's next success clears it first.
const NoteTTL = 30 * time.Second

// Report statuses.
const (
	StatusOK       = "ok"
	StatusDegraded = "degraded"
)

// Monitor gathers the parts of a runner and their outages. It is safe for
// concurrent use; a nil Monitor makes parts that retry with backoff but
// neither log nor count.
type Monitor struct {
	log   *slog.Logger
	count func(part string) // nil for none
	now   func() time.Time  // the wall clock

	mu    sync.Mutex
	parts map[string]*outage
}

// outage is what the Monitor knows of a part by name.
type outage struct {
	members   int       // members failing now: a part's name may have several (one per worker)
	noted     time.Time // a one-off caller's last failure, until cleared; zero for none
	since     time.Time // when the outage began; zero when none goes on
	failures  int       // failures since then
	announced bool      // the outage was logged: its end will be
	logged    time.Time // when the part was last logged failing, in any outage; zero for never
	quiet     int       // failures since then
}

// active reports whether the part fails at now.
func (o *outage) active(now time.Time) bool {
	return o.members > 0 || !o.noted.IsZero() && now.Sub(o.noted) < NoteTTL
}

// New returns a monitor that logs to logger (slog.Default() when nil)
// and calls count, when not nil, on every failure with the part's name.
func New(logger *slog.Logger, count func(part string)) *Monitor {
	if logger == nil {
		logger = slog.Default()
	}
	return &Monitor{log: logger, count: count, now: time.Now, parts: map[string]*outage{}}
}

// Part returns a member of the part name: one goroutine's calls of the
// store, with its own backoff. Several members may share a name (the
// workers of a runner); the part fails while any of them does.
func (m *Monitor) Part(name string) *Part {
	return &Part{m: m, name: name}
}

// Part is one goroutine's view of its store calls: its failures, its
// backoff. It is used by one goroutine at a time.
type Part struct {
	m       *Monitor
	name    string
	backoff retry.Backoff // nil while the part does not fail
	failing bool
}

// Fail records a failed call of the store.
func (p *Part) Fail(err error) {
	if p.backoff == nil {
		p.backoff = newBackoff()
	}
	first := !p.failing
	p.failing = true
	p.m.failed(p.name, err, func(o *outage, _ time.Time) {
		if first {
			o.members++
		}
	})
}

// Wait waits the backoff before the next attempt, and reports false when
// ctx ended first.
func (p *Part) Wait(ctx context.Context) bool {
	if p.backoff == nil {
		p.backoff = newBackoff()
	}
	d, _ := p.backoff.Next()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Retry records a failed call and waits the backoff: Fail then Wait. It
// reports false when ctx ended first: the caller gives up.
func (p *Part) Retry(ctx context.Context, err error) bool {
	p.Fail(err)
	return p.Wait(ctx)
}

// Ok records a successful call: it ends the part's outage, if one went
// on, and resets its backoff.
func (p *Part) Ok() {
	if !p.failing {
		return
	}
	p.failing, p.backoff = false, nil
	p.m.recovered(p.name, func(o *outage) { o.members-- })
}

// Note records a failed call of a one-off caller, named part: the part
// fails until Clear, or for NoteTTL.
func (m *Monitor) Note(part string, err error) {
	m.failed(part, err, func(o *outage, now time.Time) { o.noted = now })
}

// Clear records a successful call of a one-off caller, named part: it
// ends the part's outage, if one went on.
func (m *Monitor) Clear(part string) {
	m.recovered(part, func(o *outage) { o.noted = time.Time{} })
}

// failed counts a failure of part name and logs it unless the part was
// logged within remindEvery; change records who failed.
func (m *Monitor) failed(name string, err error, change func(o *outage, now time.Time)) {
	if m == nil {
		return
	}
	if m.count != nil {
		m.count(name)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	o := m.outage(name)
	now := m.now()
	if !o.active(now) {
		o.since, o.failures, o.announced = now, 0, false
	}
	change(o, now)
	o.failures++
	o.quiet++
	if !o.logged.IsZero() && now.Sub(o.logged) < remindEvery {
		return
	}
	if o.announced {
		m.log.Warn("the store still fails", "part", name, "since", o.since, "failures", o.failures, "error", err)
	} else {
		m.log.Warn("the store fails", "part", name, "unlogged", o.quiet-1, "error", err)
	}
	o.logged, o.quiet, o.announced = now, 0, true
}

// recovered ends the outage of part name, if one went on and nothing
// else keeps it going; change records who recovered.
func (m *Monitor) recovered(name string, change func(o *outage)) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	o := m.parts[name]
	if o == nil {
		return
	}
	change(o)
	now := m.now()
	if o.since.IsZero() || o.active(now) {
		return
	}
	if o.announced {
		m.log.Info("the store is back", "part", name, "after", now.Sub(o.since).Round(time.Millisecond), "failures", o.failures)
	}
	o.since, o.failures, o.announced = time.Time{}, 0, false
}

// Fault is a failing part in a Report.
type Fault struct {
	Part     string    `json:"part"`
	Since    time.Time `json:"since"`    // when its first failure of this outage was recorded
	Failures int       `json:"failures"` // failed calls since then
}

// Report is a runner's health: "ok", or "degraded" with the parts whose
// store calls fail, in order of name. It names no error: /healthz needs
// no token, and errors may name hosts and files; the log has them.
type Report struct {
	Status  string  `json:"status"` // StatusOK or StatusDegraded
	Failing []Fault `json:"failing,omitempty"`
}

// Report reports the parts failing now. A nil Monitor reports ok.
func (m *Monitor) Report() *Report {
	r := &Report{Status: StatusOK}
	if m == nil {
		return r
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for name, o := range m.parts {
		if o.active(now) {
			r.Failing = append(r.Failing, Fault{Part: name, Since: o.since.UTC(), Failures: o.failures})
		}
	}
	if len(r.Failing) > 0 {
		r.Status = StatusDegraded
		slices.SortFunc(r.Failing, func(a, b Fault) int { return strings.Compare(a.Part, b.Part) })
	}
	return r
}

// outage returns the state of the part name; m.mu is held.
func (m *Monitor) outage(name string) *outage {
	o := m.parts[name]
	if o == nil {
		o = &outage{}
		m.parts[name] = o
	}
	return o
}

// newBackoff is the backoff of a part's outage: exponential from
// BackoffBase, capped at BackoffMax, with BackoffJitter.
func newBackoff() retry.Backoff {
	return retry.WithJitterPercent(BackoffJitter, retry.WithCappedDuration(BackoffMax, retry.NewExponential(BackoffBase)))
}
