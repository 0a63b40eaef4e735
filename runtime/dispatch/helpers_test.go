package dispatch_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/sqlite"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// stores are the stores the dispatcher tests run on; the store methods
// themselves are tested on all three in package runtime.
var stores = map[string]func(t *testing.T) store.Store{
	"memory": func(*testing.T) store.Store { return memory.New() },
	"sqlite": func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	},
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seed commits actions for their contacts, each contact created with
// attrs, all due at t0.
func seed(t *testing.T, s store.Store, attrs map[string]map[string]any, actions ...runtime.Action) {
	t.Helper()
	ctx := context.Background()
	for id, a := range attrs {
		noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: id, Attrs: a, At: t0}))
	}
	work, err := s.Claim(ctx, &store.ClaimParams{Now: t0, Limit: len(attrs), Worker: "seed", Lease: time.Minute})
	noErr(t, err)
	p := &store.CompleteParams{Worker: "seed", Now: t0}
	for _, w := range work {
		var consumed int64
		for _, in := range w.Inputs {
			consumed = max(consumed, in.Seq)
		}
		out := &runtime.Outcome{}
		for _, a := range actions {
			if a.Contact == w.State.ID {
				out.Actions = append(out.Actions, a)
			}
		}
		// The engine would apply the update; the attributes are set here.
		st := *w.State
		st.Attrs = attrs[st.ID]
		p.Results = append(p.Results, &store.WorkResult{Contact: st.ID, Rev: w.Rev, State: &st, Consumed: consumed, Outcome: out})
	}
	res, err := s.Complete(ctx, p)
	noErr(t, err)
	if res.Committed != len(attrs) {
		t.Fatalf("seeding: %+v", res)
	}
}

// action is an action of a contact due at t0.
func action(contact, kind, target string, payload map[string]any) runtime.Action {
	if payload == nil {
		payload = map[string]any{}
	}
	payload["contact"] = contact
	b, _ := json.Marshal(payload)
	return runtime.Action{
		Key: runtime.IdempotencyKey(contact, "onboard", 1, kind+":"+target, 1), Contact: contact, Journey: "onboard",
		Version: "v1", Step: "Welcome/" + kind + ":" + target, Kind: kind, Target: target, Payload: b, Due: t0,
	}
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// counts is a Metrics that counts "kind result".
type counts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counts) Action(kind, result string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[kind+" "+result]++
}

func (c *counts) get() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

// receiver is a webhook endpoint that checks each request as a Standard
// Webhooks receiver would and counts deliveries by webhook-id. respond,
// when set, chooses the status of the nth request (from 1) of an id.
type receiver struct {
	t       *testing.T
	secret  []byte
	mu      sync.Mutex
	calls   map[string]int
	bodies  map[string][]byte
	respond func(id string, n int) int
	headers http.Header // set on every response
	srv     *httptest.Server
}

func newReceiver(t *testing.T, secret []byte) *receiver {
	r := &receiver{t: t, secret: secret, calls: map[string]int{}, bodies: map[string][]byte{}}
	r.srv = httptest.NewServer(r)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	id, ts, sig := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp"), req.Header.Get("webhook-signature")
	if err := verify(r.secret, id, ts, sig, body); err != nil {
		r.t.Errorf("request %s: %v", id, err)
		http.Error(w, err.Error(), 400)
		return
	}
	if got := req.Header.Get("Idempotency-Key"); got != id {
		r.t.Errorf("Idempotency-Key %q, webhook-id %q", got, id)
	}
	r.mu.Lock()
	r.calls[id]++
	n := r.calls[id]
	r.bodies[id] = body
	r.mu.Unlock()
	status := 200
	if r.respond != nil {
		status = r.respond(id, n)
	}
	for k, v := range r.headers {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
}

func (r *receiver) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

// verify checks a signature as the Standard Webhooks specification
// says, independently of the sink's code: the signed content is
// id.timestamp.body, the signature v1,base64(HMAC-SHA256).
func verify(secret []byte, id, ts, header string, body []byte) error {
	if id == "" || ts == "" || header == "" {
		return fmt.Errorf("missing webhook headers: id %q timestamp %q signature %q", id, ts, header)
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return fmt.Errorf("webhook-timestamp %q: %v", ts, err)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	if len(header) < 3 || header[:3] != "v1," {
		return fmt.Errorf("webhook-signature %q: not v1", header)
	}
	got, err := base64.StdEncoding.DecodeString(header[3:])
	if err != nil || !hmac.Equal(got, want) {
		return fmt.Errorf("webhook-signature %q does not verify", header)
	}
	return nil
}

// list returns the outbox rows by key.
func list(t *testing.T, s store.Store) map[string]store.OutboxRow {
	t.Helper()
	rows, err := s.ListOutbox(context.Background(), &store.ListOutboxParams{})
	noErr(t, err)
	out := map[string]store.OutboxRow{}
	for _, r := range rows {
		out[r.Key] = r
	}
	return out
}
