package health

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// clock is a wall clock the test moves.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestMonitor() (*Monitor, *bytes.Buffer, *clock, map[string]int) {
	var logs bytes.Buffer
	counts := map[string]int{}
	m := New(slog.New(slog.NewTextHandler(&logs, nil)), func(part string) { counts[part]++ })
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	m.now = c.now
	return m, &logs, c, counts
}

// TestOutage follows two members of a part and a second part through an
// outage: one log line as it begins, a reminder a minute on, one as it
// ends; every failure counted; the report degraded in between.
func TestOutage(t *testing.T) {
	m, logs, c, counts := newTestMonitor()
	w0, w1, d := m.Part("worker"), m.Part("worker"), m.Part("dispatcher")
	down := errors.New("connection refused")
	if got := m.Report(); got.Status != StatusOK || got.Failing != nil {
		t.Fatalf("before: %+v", got)
	}
	start := c.t
	for range 3 {
		w0.Fail(down)
		w1.Fail(down)
		c.t = c.t.Add(time.Second)
	}
	d.Fail(down)
	want := &Report{Status: StatusDegraded, Failing: []Fault{
		{Part: "dispatcher", Since: start.Add(3 * time.Second), Failures: 1},
		{Part: "worker", Since: start, Failures: 6},
	}}
	if diff := cmp.Diff(want, m.Report()); diff != "" {
		t.Fatalf("during (-want +got):\n%s", diff)
	}
	if n := strings.Count(logs.String(), "the store fails"); n != 2 {
		t.Errorf("%d lines at the outage's start, want one per part:\n%s", n, logs)
	}
	c.t = c.t.Add(time.Minute)
	w0.Fail(down)
	if !strings.Contains(logs.String(), "the store still fails") || !strings.Contains(logs.String(), "failures=7") {
		t.Errorf("no reminder after a minute:\n%s", logs)
	}
	w0.Ok()
	d.Ok()
	if got := m.Report(); len(got.Failing) != 1 || got.Failing[0].Part != "worker" {
		t.Fatalf("the part fails while one member does: %+v", got)
	}
	w1.Ok()
	if got := m.Report(); got.Status != StatusOK || got.Failing != nil {
		t.Fatalf("after: %+v", got)
	}
	if n := strings.Count(logs.String(), "the store is back"); n != 2 {
		t.Errorf("%d lines at the outage's end, want one per part:\n%s", n, logs)
	}
	if diff := cmp.Diff(map[string]int{"worker": 7, "dispatcher": 1}, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	w0.Ok() // again: nothing to end
	if n := strings.Count(logs.String(), "the store is back"); n != 2 {
		t.Errorf("an Ok without an outage logged:\n%s", logs)
	}
}

// TestNote logs a one-off caller's failures at most once a minute, and
// reports its part failing until it succeeds again, or for NoteTTL.
func TestNote(t *testing.T) {
	m, logs, c, counts := newTestMonitor()
	start := c.t
	for range 100 {
		m.Note("api", errors.New("disk full"))
		c.t = c.t.Add(100 * time.Millisecond)
	}
	if n := strings.Count(logs.String(), "the store fails"); n != 1 {
		t.Errorf("%d lines for 100 failures over 10 s, want 1:\n%s", n, logs)
	}
	if counts["api"] != 100 {
		t.Errorf("counted %d, want 100", counts["api"])
	}
	want := &Report{Status: StatusDegraded, Failing: []Fault{{Part: "api", Since: start, Failures: 100}}}
	if diff := cmp.Diff(want, m.Report()); diff != "" {
		t.Errorf("during (-want +got):\n%s", diff)
	}
	m.Clear("api")
	if got := m.Report(); got.Status != StatusOK {
		t.Errorf("after a success: %+v", got)
	}
	if n := strings.Count(logs.String(), "the store is back"); n != 1 {
		t.Errorf("the end is not logged once:\n%s", logs)
	}
	m.Clear("api") // again: nothing to end

	c.t = c.t.Add(time.Hour)
	m.Note("api", errors.New("disk full"))
	c.t = c.t.Add(NoteTTL - time.Second)
	if got := m.Report(); got.Status != StatusDegraded || got.Failing[0].Failures != 1 {
		t.Errorf("within NoteTTL: %+v", got)
	}
	c.t = c.t.Add(time.Second)
	if got := m.Report(); got.Status != StatusOK {
		t.Errorf("NoteTTL after the last failure: %+v", got)
	}
	m.Note("api", errors.New("disk full")) // a new outage
	if got := m.Report(); got.Status != StatusDegraded || got.Failing[0].Failures != 1 || !got.Failing[0].Since.Equal(c.t) {
		t.Errorf("a failure after NoteTTL: %+v", got)
	}
}

// TestBackoff checks the waits: from about BackoffBase, doubling, never
// beyond the cap and its jitter.
func TestBackoff(t *testing.T) {
	b := newBackoff()
	lo, hi := func(d time.Duration) time.Duration { return d * (100 - BackoffJitter) / 100 }, func(d time.Duration) time.Duration { return d * (100 + BackoffJitter) / 100 }
	want := BackoffBase
	for i := range 20 {
		got, stop := b.Next()
		if stop {
			t.Fatal("the backoff stopped")
		}
		if got < lo(want) || got > hi(want) {
			t.Fatalf("wait %d: %v, want %v ± %d%%", i, got, want, BackoffJitter)
		}
		want = min(2*want, BackoffMax)
	}
}

// TestWaitEndsWithContext: a part waiting out its backoff returns at once
// when its context ends.
func TestWaitEndsWithContext(t *testing.T) {
	p := (*Monitor)(nil).Part("worker")
	p.Fail(errors.New("down"))
	for range 10 {
		p.backoff.Next() // the next wait is seconds
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan bool)
	go func() { done <- p.Wait(ctx) }()
	cancel()
	select {
	case ok := <-done:
		if ok {
			t.Fatal("Wait reported true after its context ended")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return when its context ended")
	}
	p.Ok()
	if !p.Wait(context.Background()) { // from BackoffBase again
		t.Fatal("Wait with a live context")
	}
}

// TestFlapping: a part failing on and off, each outage a blip, logs one
// outage and its end a minute, not every blip; each blip still counts
// and shows in the report while it lasts.
func TestFlapping(t *testing.T) {
	m, logs, c, counts := newTestMonitor()
	p := m.Part("dispatcher")
	for i := range 300 { // 30 s of blips
		p.Fail(errors.New("disk full"))
		if i == 150 {
			if got := m.Report(); got.Status != StatusDegraded {
				t.Errorf("a blip not reported: %+v", got)
			}
		}
		c.t = c.t.Add(50 * time.Millisecond)
		p.Ok()
		c.t = c.t.Add(50 * time.Millisecond)
	}
	if got, want := strings.Count(logs.String(), "level="), 2; got != want {
		t.Errorf("%d lines for 300 blips in 30 s, want %d:\n%s", got, want, logs)
	}
	c.t = c.t.Add(time.Minute)
	p.Fail(errors.New("disk full"))
	if !strings.Contains(logs.String(), "unlogged=299") {
		t.Errorf("the next line a minute on does not count the unlogged failures:\n%s", logs)
	}
	if counts["dispatcher"] != 301 {
		t.Errorf("counted %d, want 301", counts["dispatcher"])
	}
}
