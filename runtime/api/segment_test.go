package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/segmentio/analytics-go/v3"
)

// segmentSchema is a workspace as an application instrumented for
// Segment would declare it: the spec's standard traits and an ecommerce
// event, and page_viewed for page calls.
const segmentSchema = `
contact {
  email:      string?
  first_name: string?
  plan:       enum(free, pro)?
  created_at: timestamp?
}

event order_completed { order_id: string, revenue: double, currency: string? }
event page_viewed { path: string, title: string? }

journey buyers "Buyers"

entry on order_completed when event.revenue > 100.0

stage First {
  send "thanks"
}
`

// writeKey is the API token, given to Segment's library as its write key.
const writeKey = "wk_3f9a"

// segmentEnv is a server on st, with the token writeKey, running
// segmentSchema.
func segmentEnv(t *testing.T, st store.Store) *env {
	t.Helper()
	e := newEnvOn(t, st, func(c *api.Config) { c.Token = writeKey })
	e.dep = compile(t, map[string][]byte{"app.journey": []byte(segmentSchema)},
		map[string][]byte{"thanks.md": []byte("subject: Thanks\nThank you.\n")})
	return e
}

// segmentServer is segmentEnv served over HTTP, and its URL.
func segmentServer(t *testing.T, st store.Store) (*env, string) {
	t.Helper()
	e := segmentEnv(t, st)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	return e, srv.URL
}

// delivery is what Segment's library reports of the calls it sent.
type delivery struct {
	mu        sync.Mutex
	succeeded []string // the messageIds of the calls sent
	failed    []error
}

func (d *delivery) Success(m analytics.Message) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.succeeded = append(d.succeeded, messageID(m))
}

func (d *delivery) Failure(m analytics.Message, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failed = append(d.failed, fmt.Errorf("%s: %w", messageID(m), err))
}

func messageID(m analytics.Message) string {
	switch m := m.(type) {
	case analytics.Identify:
		return m.MessageId
	case analytics.Track:
		return m.MessageId
	case analytics.Page:
		return m.MessageId
	}
	return fmt.Sprintf("%T", m)
}

// quiet is the library's logger: into the test's log.
type quiet struct{ t *testing.T }

func (q quiet) Logf(format string, args ...any)   { q.t.Logf("segment: "+format, args...) }
func (q quiet) Errorf(format string, args ...any) { q.t.Logf("segment error: "+format, args...) }

// sendSegment sends calls with Segment's library to url, with the write
// key key, and closes it, which flushes them; it returns what the library
// reports.
func sendSegment(t *testing.T, url, key string, calls ...analytics.Message) *delivery {
	t.Helper()
	d := &delivery{}
	client, err := analytics.NewWithConfig(key, analytics.Config{
		Endpoint:   url,
		Callback:   d,
		Logger:     quiet{t},
		RetryAfter: func(int) time.Duration { return time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		if err := client.Enqueue(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	return d
}

// order is the library's track call of an order of 250.
func order(id string) analytics.Track {
	return analytics.Track{MessageId: id, UserId: "ada", Event: "Order Completed", Timestamp: start.Add(-time.Hour),
		Properties: analytics.NewProperties().SetOrderId("o-1").SetRevenue(250).SetCurrency("usd")}
}

// TestSegmentLibrary sends identify, track and page calls with Segment's
// Go library to a server on each store: they become the contact's
// attributes and its events, and a call sent again (the same messageId)
// is stored once.
func TestSegmentLibrary(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e, url := segmentServer(t, st)

		first := sendSegment(t, url, writeKey,
			analytics.Identify{MessageId: "m-id-1", UserId: "ada", Timestamp: start.Add(-2 * time.Hour),
				Traits: analytics.NewTraits().SetEmail("ada@example.com").SetFirstName("Ada").Set("plan", "pro").
					SetCreatedAt(time.Date(2025, 11, 3, 8, 0, 0, 0, time.UTC))},
			order("m-order-1"),
			analytics.Page{MessageId: "m-page-1", UserId: "ada", Name: "Pricing", Timestamp: start.Add(-30 * time.Minute),
				Properties: analytics.NewProperties().SetPath("/pricing").SetTitle("Pricing").SetURL("https://example.com/pricing")},
			order("m-order-1"),
		)
		second := sendSegment(t, url, writeKey, order("m-order-1"))
		for _, d := range []*delivery{first, second} {
			if len(d.failed) > 0 {
				t.Fatalf("the library failed to send: %v", d.failed)
			}
		}
		if got := append(first.succeeded, second.succeeded...); len(got) != 5 {
			t.Fatalf("the library sent %v, want 5 calls", got)
		}

		e.advance(time.Hour)
		c := e.do("GET", "/v1/contacts/ada", "", "Authorization", "Bearer "+writeKey).want(t, 200)
		a := c.body["attributes"].(map[string]any)
		if a["email"] != "ada@example.com" || a["first_name"] != "Ada" || a["plan"] != "pro" || a["created_at"] != "2025-11-03T08:00:00Z" || len(a) != 4 {
			t.Errorf("attributes %v", a)
		}
		if fmt.Sprint(c.body["enrollments"]) == "[]" {
			t.Errorf("the order of 250 did not enroll ada in buyers: %s", c.raw)
		}
		state, err := st.Contact(context.Background(), "ada")
		if err != nil {
			t.Fatal(err)
		}
		want := []runtime.EventMark{{Name: "order_completed", At: start.Add(-time.Hour)}, {Name: "page_viewed", At: start.Add(-30 * time.Minute)}}
		got := slices.Clone(state.Events)
		for i := range got {
			got[i].At = got[i].At.UTC()
		}
		// No filtered count reads these events: they are kept without their fields.
		if !slices.EqualFunc(got, want, func(a, b runtime.EventMark) bool { return a.Name == b.Name && a.At.Equal(b.At) && a.Payload == nil }) {
			t.Errorf("events %v, want %v: the repeated messageId is stored once", got, want)
		}
		// The messageId is the event's id: the native intake knows it too.
		r := e.do("POST", "/v1/events", `{"id": "m-order-1", "contact": "ada", "name": "order_completed", "payload": {"order_id": "o-1", "revenue": 250}}`,
			"Authorization", "Bearer "+writeKey).want(t, 202)
		if r.body["duplicates"] != 1.0 {
			t.Errorf("the messageId is not the event's id: %s", r.raw)
		}
	})
}

// TestSegmentLibraryRefused sends a call the schema refuses, and a call
// with the wrong write key, with Segment's library: the library reports
// each failed, and nothing is stored.
func TestSegmentLibraryRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e, url := segmentServer(t, st)
		bad := sendSegment(t, url, writeKey,
			order("m-order-2"),
			analytics.Identify{MessageId: "m-id-2", UserId: "bob", Traits: analytics.NewTraits().Set("plan", "enterprise")})
		wrongKey := sendSegment(t, url, "wk_other", order("m-order-3"))
		if len(bad.failed) != 2 || len(bad.succeeded) != 0 || len(wrongKey.failed) != 1 || len(wrongKey.succeeded) != 0 {
			t.Fatalf("refused calls reported sent: %v %v, %v %v", bad.succeeded, bad.failed, wrongKey.succeeded, wrongKey.failed)
		}
		e.nothingStored("ada", "bob")
	})
}

// basic is the Authorization header Segment's libraries send: Basic auth
// with the write key as the user name and no password.
func basic(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

// TestSegmentRoutes sends each call to its own route, and a batch, as
// the spec's HTTP API takes them.
func TestSegmentRoutes(t *testing.T) {
	e := segmentEnv(t, memory.New())
	auth := []string{"Authorization", basic(writeKey)}
	r := e.do("POST", "/v1/identify", `{"userId": "ada", "traits": {"email": "ada@example.com", "createdAt": "2025-11-03T08:00:00Z"}, "context": {"ip": "203.0.113.7"}}`, auth...).want(t, 200)
	if r.body["success"] != true || r.body["contacts"] != 1.0 || r.body["accepted"] != 0.0 {
		t.Errorf("identify: %s", r.raw)
	}
	r = e.do("POST", "/v1/track", `{"userId": "ada", "messageId": "m1", "event": "order_completed", "properties": {"order_id": "o-1", "revenue": 20}, "timestamp": "2026-03-02T08:00:00Z"}`, auth...).want(t, 200)
	if r.body["accepted"] != 1.0 {
		t.Errorf("track: %s", r.raw)
	}
	r = e.do("POST", "/v1/page", `{"type": "page", "userId": "ada", "messageId": "m2", "name": "Home", "properties": {"path": "/", "referrer": "https://example.org/"}}`, auth...).want(t, 200)
	if r.body["accepted"] != 1.0 {
		t.Errorf("page: %s", r.raw)
	}
	r = e.do("POST", "/v1/batch", `{"batch": [
		{"type": "track", "userId": "ada", "messageId": "m1", "event": "Order Completed", "properties": {"orderId": "o-1", "revenue": 20}},
		{"type": "track", "userId": "bob", "messageId": "m3", "event": "Order Completed", "properties": {"orderId": "o-2", "revenue": 200}}
	], "sentAt": "2026-03-02T09:00:00Z", "context": {"library": {"name": "analytics-go"}}}`, "Authorization", "Bearer "+writeKey).want(t, 200)
	if r.body["accepted"] != 1.0 || r.body["duplicates"] != 1.0 || fmt.Sprint(r.body["duplicate_ids"]) != "[m1]" {
		t.Errorf("batch: %s", r.raw)
	}
	e.advance(time.Hour)
	a := e.do("GET", "/v1/contacts/ada", "", "Authorization", "Bearer "+writeKey).want(t, 200).body["attributes"].(map[string]any)
	if a["email"] != "ada@example.com" || a["created_at"] != "2025-11-03T08:00:00Z" {
		t.Errorf("attributes %v", a)
	}
	state, err := e.store.Contact(context.Background(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(state.Events) != "[{order_completed 2026-03-02 08:00:00 +0000 UTC map[]} {page_viewed 2026-03-02 09:00:00 +0000 UTC map[]}]" {
		t.Errorf("events %v", state.Events)
	}
}

// TestSegmentRefused sends calls that the schema or the spec refuses:
// each is answered 4xx naming the field, and nothing is stored, however
// many good calls its batch holds.
func TestSegmentRefused(t *testing.T) {
	good := `{"type": "identify", "userId": "ada", "traits": {"plan": "pro"}}`
	cases := []struct {
		name, path, body string
		status           int
		code, field, dym string
	}{
		{"unknown trait", "/v1/batch", `{"batch": [` + good + `, {"type": "identify", "userId": "ada", "traits": {"plam": "pro"}}]}`, 400, api.CodeUnknownField, "batch[1].traits.plam", "plan"},
		{"unknown camelCase trait", "/v1/identify", `{"userId": "ada", "traits": {"firstNme": "Ada"}}`, 400, api.CodeUnknownField, "traits.firstNme", "first_name"},
		{"bad trait value", "/v1/identify", `{"userId": "ada", "traits": {"plan": "enterprise"}}`, 400, api.CodeBadValue, "traits.plan", ""},
		{"a trait twice", "/v1/identify", `{"userId": "ada", "traits": {"firstName": "Ada", "first_name": "Ada"}}`, 400, api.CodeDuplicateKey, "traits.first_name", ""},
		{"unknown event", "/v1/batch", `{"batch": [` + good + `, {"type": "track", "userId": "ada", "messageId": "m1", "event": "Order Complted"}]}`, 400, api.CodeBadValue, "batch[1].event", "order_completed"},
		{"no event", "/v1/track", `{"userId": "ada", "messageId": "m1"}`, 400, api.CodeMissingField, "event", ""},
		{"missing property", "/v1/track", `{"userId": "ada", "messageId": "m1", "event": "Order Completed", "properties": {"revenue": 1}}`, 400, api.CodeMissingField, "properties.order_id", ""},
		{"wrong property type", "/v1/track", `{"userId": "ada", "messageId": "m1", "event": "Order Completed", "properties": {"orderId": "o", "revenue": "lots"}}`, 400, api.CodeWrongType, "properties.revenue", ""},
		{"unknown property", "/v1/track", `{"userId": "ada", "messageId": "m1", "event": "Order Completed", "properties": {"orderId": "o", "revenue": 1, "coupon": "X"}}`, 400, api.CodeUnknownField, "properties.coupon", ""},
		{"no messageId", "/v1/track", `{"userId": "ada", "event": "Order Completed", "properties": {"orderId": "o", "revenue": 1}}`, 400, api.CodeMissingField, "messageId", ""},
		{"anonymous", "/v1/batch", `{"batch": [` + good + `, {"type": "identify", "anonymousId": "a-7f3", "traits": {}}]}`, 400, api.CodeMissingField, "batch[1].userId", ""},
		{"anonymous, userId null", "/v1/track", `{"userId": null, "anonymousId": "a-7f3", "messageId": "m1", "event": "Order Completed"}`, 400, api.CodeMissingField, "userId", ""},
		{"bad userId", "/v1/identify", `{"userId": "", "traits": {}}`, 400, api.CodeBadValue, "userId", ""},
		{"numeric userId", "/v1/identify", `{"userId": 42, "traits": {}}`, 400, api.CodeWrongType, "userId", ""},
		{"group call", "/v1/batch", `{"batch": [{"type": "group", "userId": "ada", "groupId": "g1"}]}`, 400, api.CodeBadValue, "batch[0].type", ""},
		{"no type in a batch", "/v1/batch", `{"batch": [{"userId": "ada", "traits": {}}]}`, 400, api.CodeMissingField, "batch[0].type", ""},
		{"another call's route", "/v1/track", `{"type": "identify", "userId": "ada"}`, 400, api.CodeBadValue, "type", ""},
		{"unknown call field", "/v1/identify", `{"userId": "ada", "trait": {"plan": "pro"}}`, 400, api.CodeUnknownField, "trait", "traits"},
		{"unknown batch field", "/v1/batch", `{"batch": [], "batches": []}`, 400, api.CodeUnknownField, "batches", "batch"},
		{"no batch", "/v1/batch", `{"sentAt": "2026-03-02T09:00:00Z"}`, 400, api.CodeMissingField, "batch", ""},
		{"batch not an array", "/v1/batch", `{"batch": {}}`, 400, api.CodeWrongType, "batch", ""},
		{"too old", "/v1/track", `{"userId": "ada", "messageId": "m1", "event": "order_completed", "properties": {"order_id": "o", "revenue": 1}, "timestamp": "2025-01-01T00:00:00Z"}`, 400, api.CodeTooOld, "timestamp", ""},
		{"bad timestamp", "/v1/identify", `{"userId": "ada", "timestamp": "yesterday"}`, 400, api.CodeBadValue, "timestamp", ""},
		{"too many calls", "/v1/batch", `{"batch": [` + strings.Repeat(good+",", api.MaxBatch) + good + `]}`, 400, api.CodeTooManyEvents, "batch", ""},
		{"malformed", "/v1/batch", `{"batch": [`, 400, api.CodeMalformedJSON, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := segmentEnv(t, memory.New())
			r := e.do("POST", c.path, c.body, "Authorization", basic(writeKey)).wantError(t, c.status, c.code, c.field)
			if c.dym != "" && r.body["did_you_mean"] != c.dym {
				t.Errorf("did_you_mean %v, want %s: %s", r.body["did_you_mean"], c.dym, r.raw)
			}
			e.nothingStored("ada")
		})
	}
}

// TestSegmentPageUndeclared sends a page call to a workspace without
// page_viewed: refused, naming the call's type.
func TestSegmentPageUndeclared(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("POST", "/v1/page", `{"userId": "ada", "messageId": "m1", "properties": {"path": "/"}}`).wantError(t, 400, api.CodeBadValue, "type")
	if !strings.Contains(r.raw, "page_viewed") {
		t.Errorf("the answer does not name page_viewed: %s", r.raw)
	}
	e.nothingStored("ada")
}

// TestSegmentAuth: the Segment routes take the token as Basic auth's user
// name, or as a bearer token; the other routes take a bearer token only.
func TestSegmentAuth(t *testing.T) {
	e := segmentEnv(t, memory.New())
	call := `{"userId": "ada", "traits": {"plan": "pro"}}`
	r := e.do("POST", "/v1/identify", call, "Authorization", basic("wk_other")).wantError(t, 401, api.CodeUnauthorized, "")
	if got := r.header.Values("WWW-Authenticate"); !slices.Contains(got, `Basic realm="journey"`) {
		t.Errorf("WWW-Authenticate %v", got)
	}
	e.do("POST", "/v1/identify", call, "Authorization", "").wantError(t, 401, api.CodeUnauthorized, "")
	e.do("GET", "/v1/contacts/ada", "", "Authorization", basic(writeKey)).wantError(t, 401, api.CodeUnauthorized, "")
	e.do("POST", "/v1/events", `{"id": "e1", "contact": "ada", "name": "page_viewed", "payload": {"path": "/"}}`, "Authorization", basic(writeKey)).wantError(t, 401, api.CodeUnauthorized, "")
	e.nothingStored("ada")
	e.do("POST", "/v1/identify", call, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(writeKey+":any"))).want(t, 200)
	e.do("POST", "/v1/identify", call, "Authorization", "Bearer "+writeKey).want(t, 200)
	e.do("GET", "/v1/identify", "", "Authorization", basic(writeKey)).wantError(t, 405, api.CodeMethodNotAllowed, "")
}
