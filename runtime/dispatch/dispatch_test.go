package dispatch_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
)

var secret = []byte("a signing key of the test")

// webhookDispatcher is a dispatcher whose every route is a webhook sink
// posting to r.
func webhookDispatcher(s store.Store, r *receiver, worker string, clk *clock, m dispatch.Metrics) *dispatch.Dispatcher {
	return &dispatch.Dispatcher{
		Store:   s,
		Routes:  map[string]*dispatch.Route{"*": {Name: "hook", Sink: &dispatch.WebhookSink{URL: r.srv.URL, Secret: secret}, Unknown: dispatch.Redeliver}},
		Worker:  worker,
		Batch:   7,
		Lease:   time.Minute,
		Backoff: dispatch.Backoff{Base: 10 * time.Second, Max: time.Hour, Rand: func() float64 { return 0 }},
		Clock:   clk.Now,
		Metrics: m,
	}
}

// TestExactlyOnce delivers many actions with several dispatchers at once:
// every webhook-id arrives once, signed, and every row ends sent.
func TestExactlyOnce(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			attrs := map[string]map[string]any{}
			var actions []runtime.Action
			for c := range 10 {
				id := fmt.Sprint("c", c)
				attrs[id] = map[string]any{"email": id + "@example.com"}
				for i := range 10 {
					actions = append(actions, action(id, "webhook", fmt.Sprint("hook", i), nil))
				}
			}
			seed(t, s, attrs, actions...)
			r := newReceiver(t, secret)
			clk := &clock{t: t0}
			m := &counts{}
			var wg sync.WaitGroup
			for w := range 3 {
				d := webhookDispatcher(s, r, fmt.Sprint("d", w), clk, m)
				wg.Go(func() {
					for {
						n, err := d.Tick(context.Background())
						if err != nil {
							t.Error(err)
							return
						}
						if n == 0 {
							return
						}
					}
				})
			}
			wg.Wait()

			for _, a := range actions {
				if n := r.count(a.Key); n != 1 {
					t.Errorf("%s delivered %d times", a.Key, n)
				}
				if !strings.Contains(string(r.bodies[a.Key]), `"key":"`+a.Key+`"`) {
					t.Errorf("%s: body %s", a.Key, r.bodies[a.Key])
				}
			}
			for key, row := range list(t, s) {
				if row.Status != store.OutboxSent || row.Attempts != 1 || !row.SentAt.Equal(t0) || row.LeaseOwner != "" {
					t.Errorf("%s: %+v", key, row)
				}
			}
			if diff := cmp.Diff(map[string]int{"webhook sent": len(actions)}, m.get()); diff != "" {
				t.Errorf("metrics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRetryBackoff: the receiver fails twice, then takes the action; the
// retries wait 10s, then 20s, and carry the same webhook-id.
func TestRetryBackoff(t *testing.T) {
	s := memory.New()
	a := action("c1", "webhook", "crm_sync", nil)
	seed(t, s, map[string]map[string]any{"c1": {}}, a)
	r := newReceiver(t, secret)
	r.respond = func(_ string, n int) int {
		if n <= 2 {
			return 503
		}
		return 204
	}
	clk := &clock{t: t0}
	m := &counts{}
	d := webhookDispatcher(s, r, "d", clk, m)
	ctx := context.Background()

	steps := []struct {
		at       time.Duration
		leased   int
		status   string
		attempts int
		next     time.Duration
	}{
		{0, 1, "pending", 1, 10 * time.Second},
		{9 * time.Second, 0, "pending", 1, 10 * time.Second},
		{10 * time.Second, 1, "pending", 2, 30 * time.Second},
		{29 * time.Second, 0, "pending", 2, 30 * time.Second},
		{30 * time.Second, 1, "sent", 3, 30 * time.Second},
		{time.Hour, 0, "sent", 3, 30 * time.Second},
	}
	for _, st := range steps {
		clk.Set(t0.Add(st.at))
		n, err := d.Tick(ctx)
		noErr(t, err)
		row := list(t, s)[a.Key]
		if n != st.leased || row.Status != st.status || row.Attempts != st.attempts || !row.NextAttempt.Equal(t0.Add(st.next)) {
			t.Errorf("+%s: leased %d, %s, %d attempts, next +%s; want %d, %s, %d, +%s",
				st.at, n, row.Status, row.Attempts, row.NextAttempt.Sub(t0), st.leased, st.status, st.attempts, st.next)
		}
	}
	if row := list(t, s)[a.Key]; row.LastError != "" || !row.SentAt.Equal(t0.Add(30*time.Second)) {
		t.Errorf("sent row: %+v", row)
	}
	if n := r.count(a.Key); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if diff := cmp.Diff(map[string]int{"webhook failed": 2, "webhook sent": 1}, m.get()); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
}

// TestRetryAfter: a 429 with Retry-After waits as long as asked.
func TestRetryAfter(t *testing.T) {
	s := memory.New()
	a := action("c1", "webhook", "crm_sync", nil)
	seed(t, s, map[string]map[string]any{"c1": {}}, a)
	r := newReceiver(t, secret)
	r.headers = http.Header{"Retry-After": {"120"}}
	r.respond = func(string, int) int { return 429 }
	d := webhookDispatcher(s, r, "d", &clock{t: t0}, nil)
	_, err := d.Tick(context.Background())
	noErr(t, err)
	if row := list(t, s)[a.Key]; row.Status != "pending" || !row.NextAttempt.Equal(t0.Add(2*time.Minute)) || !strings.Contains(row.LastError, "429") {
		t.Errorf("row: %+v", row)
	}
}

// TestParkAndRetry: a receiver that keeps failing parks the row after
// MaxAttempts; a 4xx parks it at once; RetryOutbox brings both back.
func TestParkAndRetry(t *testing.T) {
	s := memory.New()
	failing, refused := action("c1", "webhook", "flaky", nil), action("c1", "webhook", "wrong", nil)
	seed(t, s, map[string]map[string]any{"c1": {}}, failing, refused)
	r := newReceiver(t, secret)
	var healthy atomic.Bool
	r.respond = func(id string, n int) int {
		switch {
		case healthy.Load():
			return 200
		case id == refused.Key:
			return 422
		}
		return 500
	}
	clk := &clock{t: t0}
	m := &counts{}
	d := webhookDispatcher(s, r, "d", clk, m)
	d.MaxAttempts = 3
	ctx := context.Background()
	for i := range 5 {
		clk.Set(t0.Add(time.Duration(i) * time.Hour))
		_, err := d.Tick(ctx)
		noErr(t, err)
	}
	rows := list(t, s)
	if row := rows[failing.Key]; row.Status != store.OutboxParked || row.Attempts != 3 || !strings.Contains(row.LastError, "3 attempts") || !strings.Contains(row.LastError, "500") {
		t.Errorf("failing row: %+v", row)
	}
	if row := rows[refused.Key]; row.Status != store.OutboxParked || row.Attempts != 1 || !strings.Contains(row.LastError, "422") {
		t.Errorf("refused row: %+v", row)
	}
	if diff := cmp.Diff(map[string]int{"webhook failed": 2, "webhook parked": 2}, m.get()); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	parked, err := s.ListOutbox(ctx, &store.ListOutboxParams{Status: store.OutboxParked})
	noErr(t, err)
	if len(parked) != 2 {
		t.Errorf("%d rows parked, want 2", len(parked))
	}

	healthy.Store(true)
	n, err := s.RetryOutbox(ctx, &store.RetryOutboxParams{Now: clk.Now()})
	noErr(t, err)
	if n != 2 {
		t.Errorf("retried %d rows, want 2", n)
	}
	if n, err := d.Tick(ctx); err != nil || n != 2 {
		t.Fatalf("tick after retry: %d, %v", n, err)
	}
	for key, row := range list(t, s) {
		if row.Status != store.OutboxSent || row.Attempts != 1 {
			t.Errorf("%s after retry: %+v", key, row)
		}
	}
}

// TestLeaseExpiresMidCall: dispatcher A's call blocks past its lease;
// dispatcher B finds the row unknown and follows its route's policy. A's
// late outcome is lost.
func TestLeaseExpiresMidCall(t *testing.T) {
	for _, policy := range []dispatch.UnknownPolicy{dispatch.Park, dispatch.Redeliver} {
		t.Run(string(policy), func(t *testing.T) {
			s := memory.New()
			a := action("c1", "send", "welcome", map[string]any{"template": "welcome", "channel": "email"})
			seed(t, s, map[string]map[string]any{"c1": {}}, a)
			clk := &clock{t: t0}
			m := &counts{}
			ctx := context.Background()

			entered, release := make(chan struct{}), make(chan struct{})
			var calls atomic.Int32
			blocking := dispatch.SinkFunc(func(ctx context.Context, d *dispatch.Delivery) error {
				calls.Add(1)
				close(entered)
				<-release
				return nil
			})
			var attempts []int
			quick := dispatch.SinkFunc(func(ctx context.Context, d *dispatch.Delivery) error {
				calls.Add(1)
				attempts = append(attempts, d.Attempt)
				if !d.Unknown {
					t.Error("B's call is not marked as a possible repeat")
				}
				return nil
			})
			mk := func(worker string, sink dispatch.Sink) *dispatch.Dispatcher {
				return &dispatch.Dispatcher{
					Store: s, Worker: worker, Lease: time.Minute, Clock: clk.Now, Metrics: m,
					Routes: map[string]*dispatch.Route{"send.email": {Name: "mail", Sink: sink, Unknown: policy}},
				}
			}
			A, B := mk("A", blocking), mk("B", quick)

			done := make(chan error)
			go func() {
				_, err := A.Tick(ctx)
				done <- err
			}()
			<-entered
			clk.Set(t0.Add(2 * time.Minute)) // A's lease has run out
			n, err := B.Tick(ctx)
			noErr(t, err)
			if n != 1 {
				t.Fatalf("B leased %d rows, want 1", n)
			}
			close(release)
			noErr(t, <-done)

			row := list(t, s)[a.Key]
			want := map[string]int{"send unknown": 1, "send lost": 1}
			switch policy {
			case dispatch.Park:
				if row.Status != store.OutboxUnknown || row.Attempts != 1 || row.LastError == "" || calls.Load() != 1 {
					t.Errorf("row %+v after %d calls; want unknown after 1", row, calls.Load())
				}
				// A person decides: retried, it goes out.
				nr, err := s.RetryOutbox(ctx, &store.RetryOutboxParams{Key: a.Key, Now: clk.Now()})
				noErr(t, err)
				B.Routes["send.email"].Sink = dispatch.SinkFunc(func(context.Context, *dispatch.Delivery) error { return nil })
				if _, err := B.Tick(ctx); err != nil || nr != 1 {
					t.Fatalf("retry: %d, %v", nr, err)
				}
				if row := list(t, s)[a.Key]; row.Status != store.OutboxSent {
					t.Errorf("after retry: %+v", row)
				}
				want["send sent"] = 1
			case dispatch.Redeliver:
				if row.Status != store.OutboxSent || row.Attempts != 2 || calls.Load() != 2 {
					t.Errorf("row %+v after %d calls; want sent after 2", row, calls.Load())
				}
				if diff := cmp.Diff([]int{2}, attempts); diff != "" {
					t.Errorf("B's attempt (-want +got):\n%s", diff)
				}
				want["send sent"] = 1
			}
			if diff := cmp.Diff(want, m.get()); diff != "" {
				t.Errorf("metrics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCallCutOff: a call that outlives its deadline (a little less than
// the lease, in real time) is unknown, and follows the policy.
func TestCallCutOff(t *testing.T) {
	for _, policy := range []dispatch.UnknownPolicy{dispatch.Park, dispatch.Redeliver} {
		t.Run(string(policy), func(t *testing.T) {
			s := memory.New()
			a := action("c1", "webhook", "slow", nil)
			seed(t, s, map[string]map[string]any{"c1": {}}, a)
			m := &counts{}
			d := &dispatch.Dispatcher{
				Store: s, Worker: "d", Lease: 50 * time.Millisecond, Clock: (&clock{t: t0}).Now, Metrics: m,
				Routes: map[string]*dispatch.Route{"webhook": {Name: "slow", Unknown: policy, Sink: dispatch.SinkFunc(func(ctx context.Context, _ *dispatch.Delivery) error {
					<-ctx.Done()
					return ctx.Err()
				})}},
			}
			_, err := d.Tick(context.Background())
			noErr(t, err)
			row := list(t, s)[a.Key]
			want := map[dispatch.UnknownPolicy]string{dispatch.Park: store.OutboxUnknown, dispatch.Redeliver: store.OutboxPending}[policy]
			if row.Status != want || !strings.Contains(row.LastError, "deadline") {
				t.Errorf("row %+v, want %s", row, want)
			}
		})
	}
}

// TestNoRoute: an action no route takes is parked, visibly.
func TestNoRoute(t *testing.T) {
	s := memory.New()
	a := action("c1", "task", "Call them", nil)
	seed(t, s, map[string]map[string]any{"c1": {}}, a)
	d := &dispatch.Dispatcher{Store: s, Worker: "d", Clock: (&clock{t: t0}).Now, Routes: map[string]*dispatch.Route{}}
	_, err := d.Tick(context.Background())
	noErr(t, err)
	if row := list(t, s)[a.Key]; row.Status != store.OutboxParked || row.LastError != "no sink for task actions" {
		t.Errorf("row: %+v", row)
	}
}

func TestRoute(t *testing.T) {
	routes := map[string]*dispatch.Route{}
	for _, k := range []string{"send.email", "send", "webhook.crm", "notify", "*"} {
		routes[k] = &dispatch.Route{Name: k}
	}
	d := &dispatch.Dispatcher{Routes: routes}
	for _, tc := range []struct {
		a    runtime.Action
		want string
	}{
		{action("c", "send", "hi", map[string]any{"channel": "email"}), "send.email"},
		{action("c", "send", "hi", nil), "send.email"},
		{action("c", "send", "hi", map[string]any{"channel": "sms"}), "send"},
		{action("c", "webhook", "crm", nil), "webhook.crm"},
		{action("c", "webhook", "billing", nil), "*"},
		{action("c", "notify", "sales", nil), "notify"},
		{action("c", "task", "Call", nil), "*"},
	} {
		if got := d.Route(&tc.a).Name; got != tc.want {
			t.Errorf("%s %s %s: route %s, want %s", tc.a.Kind, tc.a.Target, tc.a.Payload, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := dispatch.Backoff{Base: time.Second, Max: time.Minute, Rand: func() float64 { return 0 }}
	var got []time.Duration
	for n := 1; n <= 8; n++ {
		got = append(got, b.Delay(n))
	}
	want := []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delays (-want +got):\n%s", diff)
	}
	b.Rand = func() float64 { return 0.999 }
	if d := b.Delay(3); d <= 2*time.Second || d > 4*time.Second {
		t.Errorf("jittered delay %s: want (2s, 4s]", d)
	}
	b.Rand = nil
	for range 100 {
		if d := b.Delay(100); d < 30*time.Second || d > time.Minute {
			t.Fatalf("delay %s out of [30s, 1m]", d)
		}
	}
}

// TestRun runs the dispatcher until its context ends.
func TestRun(t *testing.T) {
	s := memory.New()
	a := action("c1", "webhook", "crm", nil)
	seed(t, s, map[string]map[string]any{"c1": {}}, a)
	r := newReceiver(t, secret)
	d := webhookDispatcher(s, r, "d", &clock{t: t0}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx, 5*time.Millisecond) }()
	for deadline := time.Now().Add(5 * time.Second); r.count(a.Key) == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	cancel()
	noErr(t, <-done)
	if n := r.count(a.Key); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}
