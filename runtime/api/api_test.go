package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/worker"
)

// schema declares a field of every kind the validator knows.
const schema = `
contact {
  email:      string
  first_name: string?
  score:      int
  ratio:      double?
  vip:        bool?
  lifecycle:  enum(subscriber, lead, customer)
  timezone:   string?
  last_login: timestamp?
  cooldown:   duration?
  tags:       list<string>
  limits:     map<string, int>?
  company: {
    size:     int
    industry: string
    founded:  timestamp?
  }
}

event form_submitted { form: string, page: string? }
event deal_won { amount: double, currency: enum(usd, eur), closed_at: timestamp, cycle: duration, items: list<int>?, notes: map<string, string>? }
event ping {}
`

const journey = `
journey lead_nurture "Lead to customer"

entry on form_submitted when event.form == "pricing-guide"
goal  won when lifecycle == "customer"

stage Awareness {
  send "welcome"
}

stage Consideration when score >= 50 {
  after 3d send "roi-guide"
}
`

// start is the test clock's time: a Monday, 09:00 UTC.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func deployment(t testing.TB) *runtime.Deployment {
	t.Helper()
	return compile(t,
		map[string][]byte{"schema.journey": []byte(schema), "lead_nurture.journey": []byte(journey)},
		map[string][]byte{
			"welcome.md":   []byte("subject: Welcome\nHello{{with .first_name}} {{.}}{{end}}\n"),
			"roi-guide.md": []byte("subject: ROI\nThe guide.\n"),
		})
}

// compile is the deployment of a workspace of sources and templates.
func compile(t testing.TB, sources, templates map[string][]byte) *runtime.Deployment {
	t.Helper()
	prog, diags := compiler.Compile(compiler.NewWorkspace(sources, templates))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// env is a server on a store, with a fixed clock.
type env struct {
	t     testing.TB
	store store.Store
	dep   *runtime.Deployment
	srv   *api.Server
	h     http.Handler
	logs  *bytes.Buffer
}

// newEnv is a server on a memory store; mod, when not nil, changes its
// configuration.
func newEnv(t testing.TB, mod func(*api.Config)) *env {
	t.Helper()
	return newEnvOn(t, memory.New(), mod)
}

// newEnvOn is a server on the given store.
func newEnvOn(t testing.TB, st store.Store, mod func(*api.Config)) *env {
	t.Helper()
	e := &env{t: t, store: st, dep: deployment(t), logs: &bytes.Buffer{}}
	cfg := api.Config{
		Store:      e.store,
		Deployment: func() *runtime.Deployment { return e.dep },
		Clock:      func() time.Time { return start },
		Logger:     slog.New(slog.NewTextHandler(e.logs, nil)),
	}
	if mod != nil {
		mod(&cfg)
	}
	e.srv = api.New(cfg)
	e.h = e.srv.Handler()
	return e
}

// reply is an answer: its status, headers and body decoded.
type reply struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// do sends a request from a loopback address; header holds extra headers.
func (e *env) do(method, path, body string, header ...string) *reply {
	return e.doFrom("127.0.0.1:40000", method, path, body, header...)
}

// doFrom sends a request from a remote address. It is addressed to Host
// 127.0.0.1:8080 and carries Content-Type: application/json, unless
// header (name, value, name, value…) says otherwise; a header given an
// empty value is left out.
func (e *env) doFrom(remote, method, path, body string, header ...string) *reply {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, request(remote, method, path, body, header...))
	r := &reply{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &r.body); err != nil {
			e.t.Fatalf("%s %s: the answer is not a JSON object: %v\n%s", method, path, err, rec.Body)
		}
	}
	return r
}

// request is a request as doFrom sends it.
func request(remote, method, path, body string, header ...string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = remote
	req.Host = "127.0.0.1:8080"
	setHeaders(req, header...)
	return req
}

// setHeaders gives a request Content-Type: application/json, then the
// headers given as name, value pairs: Host sets the request's host, an
// empty value removes a header.
func setHeaders(req *http.Request, header ...string) {
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		switch name, value := header[i], header[i+1]; {
		case strings.EqualFold(name, "Host"):
			req.Host = value
		case value == "":
			req.Header.Del(name)
		default:
			req.Header.Set(name, value)
		}
	}
}

func (r *reply) want(t testing.TB, status int) *reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

// wantError checks an error answer: its status, code and field.
func (r *reply) wantError(t testing.TB, status int, code, field string) *reply {
	t.Helper()
	r.want(t, status)
	if r.body["code"] != code || fmt.Sprint(r.body["field"]) != field && !(field == "" && r.body["field"] == nil) {
		t.Fatalf("code %v field %v, want %s %s: %s", r.body["code"], r.body["field"], code, field, r.raw)
	}
	if msg, _ := r.body["error"].(string); msg == "" {
		t.Fatalf("no error message: %s", r.raw)
	}
	return r
}

// nothingStored checks that the store has no contact, no input and, after
// a simulation, no history.
func (e *env) nothingStored(contacts ...string) {
	e.t.Helper()
	ctx := context.Background()
	for _, c := range contacts {
		if _, err := e.store.Contact(ctx, c); !errors.Is(err, store.ErrNotFound) {
			e.t.Errorf("contact %s: %v, want ErrNotFound", c, err)
		}
	}
	if _, ok, _ := e.store.NextWake(ctx); ok {
		e.t.Errorf("the store has work due")
	}
	sim := worker.NewSim(e.dep, e.store, start)
	if err := sim.Advance(ctx, start.Add(30*24*time.Hour)); err != nil {
		e.t.Fatal(err)
	}
	if h, _ := e.store.History(ctx, &store.HistoryParams{}); len(h) != 0 {
		e.t.Errorf("history after a refused request: %v", h)
	}
	if o, _ := e.store.Outbox(ctx, &store.OutboxParams{}); len(o) != 0 {
		e.t.Errorf("outbox after a refused request: %v", o)
	}
}

func (e *env) advance(d time.Duration) {
	e.t.Helper()
	sim := worker.NewSim(e.dep, e.store, start)
	if err := sim.Advance(context.Background(), start.Add(d)); err != nil {
		e.t.Fatal(err)
	}
}

const dealWon = `{"id": "e1", "contact": "c1", "name": "deal_won", "payload": {"amount": 1200, "currency": "usd", "closed_at": "2026-03-01T10:00:00+01:00", "cycle": "3d"}}`

func TestEventSingle(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("POST", "/v1/events", `{"id": "e1", "contact": "c1", "name": "form_submitted", "payload": {"form": "pricing-guide"}}`).want(t, 202)
	if r.body["accepted"] != 1.0 || r.body["duplicates"] != 0.0 {
		t.Fatalf("answer %s", r.raw)
	}
	e.advance(time.Hour)
	c := e.do("GET", "/v1/contacts/c1", "").want(t, 200)
	ens := c.body["enrollments"].([]any)
	if len(ens) != 1 {
		t.Fatalf("enrollments: %s", c.raw)
	}
	en := ens[0].(map[string]any)
	if en["journey"] != "lead_nurture" || en["stage"] != "Awareness" || en["status"] != "active" || en["entry"] != 1.0 ||
		en["entered_at"] != "2026-03-02T09:00:00Z" || en["stage_at"] != "2026-03-02T09:00:00Z" || en["exited_at"] != nil {
		t.Fatalf("enrollment: %v", en)
	}
	kinds := []string{}
	for _, h := range c.body["history"].([]any) {
		kinds = append(kinds, h.(map[string]any)["kind"].(string))
	}
	if strings.Join(kinds, " ") != "enrolled stage sent" {
		t.Fatalf("history kinds %v: %s", kinds, c.raw)
	}
}

func TestEventDefaultsAndTypes(t *testing.T) {
	e := newEnv(t, nil)
	e.do("POST", "/v1/events", dealWon).want(t, 202)
	e.do("POST", "/v1/events", `{"id": "e2", "contact": "c1", "name": "ping", "at": "2026-03-01T08:00:00+02:00"}`).want(t, 202)
	e.do("POST", "/v1/events", `{"id": "e3", "contact": "c1", "name": "deal_won", "payload": {"amount": 9.5, "currency": "eur", "closed_at": "2026-03-01T10:00:00.123Z", "cycle": "1h30m", "items": [1, 2e0, 3.0], "notes": {"a b": "x"}, "page": null}}`).wantError(t, 400, api.CodeUnknownField, "payload.page")
	work, err := e.store.Claim(context.Background(), &store.ClaimParams{Now: start.Add(time.Hour), Limit: 10, Worker: "w", Lease: time.Minute})
	if err != nil || len(work) != 1 || len(work[0].Inputs) != 2 {
		t.Fatalf("claimed %v, %v", work, err)
	}
	in := work[0].Inputs[0]
	if in.ID != "e1" || in.Name != "deal_won" || !in.At.Equal(start) {
		t.Errorf("first input %+v", in)
	}
	want := map[string]any{"amount": 1200.0, "currency": "usd", "closed_at": "2026-03-01T09:00:00Z", "cycle": "72h0m0s"}
	if fmt.Sprint(in.Payload) != fmt.Sprint(want) {
		t.Errorf("payload %#v, want %#v", in.Payload, want)
	}
	if _, ok := in.Payload["amount"].(float64); !ok {
		t.Errorf("amount is %T, want float64", in.Payload["amount"])
	}
	if at := work[0].Inputs[1].At; !at.Equal(time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("second event at %v", at)
	}
}

func TestEventBatchAndDuplicates(t *testing.T) {
	e := newEnv(t, nil)
	batch := `{"events": [
		{"id": "a", "contact": "c1", "name": "ping"},
		{"id": "b", "contact": "c2", "name": "form_submitted", "payload": {"form": "x", "page": "/p"}},
		{"id": "a", "contact": "c1", "name": "ping"}
	]}`
	r := e.do("POST", "/v1/events", batch).want(t, 202)
	if r.body["accepted"] != 2.0 || r.body["duplicates"] != 1.0 || fmt.Sprint(r.body["duplicate_ids"]) != "[a]" {
		t.Fatalf("answer %s", r.raw)
	}
	r = e.do("POST", "/v1/events", batch).want(t, 202)
	if r.body["accepted"] != 0.0 || r.body["duplicates"] != 3.0 {
		t.Fatalf("answer to a repeat %s", r.raw)
	}
	r = e.do("POST", "/v1/events", `{"events": []}`).want(t, 202)
	if r.body["accepted"] != 0.0 {
		t.Fatalf("answer to an empty batch %s", r.raw)
	}
}

func TestEventBatchBadEventStoresNothing(t *testing.T) {
	e := newEnv(t, nil)
	batch := `{"events": [
		{"id": "a", "contact": "c1", "name": "form_submitted", "payload": {"form": "pricing-guide"}},
		{"id": "b", "contact": "c2", "name": "form_submitted", "payload": {"form": "pricing-guide"}},
		{"id": "c", "contact": "c3", "name": "ping"},
		{"id": "d", "contact": "c4", "name": "deal_won", "payload": {"amount": "12", "currency": "usd", "closed_at": "2026-03-01T10:00:00Z", "cycle": "1h"}}
	]}`
	r := e.do("POST", "/v1/events", batch).wantError(t, 400, api.CodeWrongType, "events[3].payload.amount")
	if !strings.Contains(r.body["error"].(string), "events[3].payload.amount: expected a double, got a string") {
		t.Errorf("message %q", r.body["error"])
	}
	e.nothingStored("c1", "c2", "c3", "c4")
}

func TestEventBatchManyErrors(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("POST", "/v1/events", `{"events": [{"id": "a", "contact": "c1", "name": "pnig"}, {"contact": 7, "name": "ping"}]}`).
		wantError(t, 400, api.CodeBadValue, "events[0].name")
	if r.body["did_you_mean"] != "ping" {
		t.Errorf("did you mean %v", r.body["did_you_mean"])
	}
	var fields []string
	for _, x := range r.body["errors"].([]any) {
		fields = append(fields, x.(map[string]any)["field"].(string))
	}
	if got := strings.Join(fields, " "); got != "events[0].name events[1].id events[1].contact" {
		t.Errorf("fields %s", got)
	}
	e.nothingStored("c1")
}

func TestEventTooManyInBatch(t *testing.T) {
	e := newEnv(t, nil)
	var b strings.Builder
	b.WriteString(`{"events": [`)
	for i := range api.MaxBatch + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": "%d", "contact": "c", "name": "ping"}`, i)
	}
	b.WriteString("]}")
	e.do("POST", "/v1/events", b.String()).wantError(t, 400, api.CodeTooManyEvents, "events")
	e.nothingStored("c")
}

// TestEventValidation: each kind of bad field is answered 400 with its
// path, and nothing is stored.
func TestEventValidation(t *testing.T) {
	payload := func(fields string) string {
		base := map[string]string{"amount": "10", "currency": `"usd"`, "closed_at": `"2026-03-01T10:00:00Z"`, "cycle": `"1h"`}
		var over map[string]json.RawMessage
		if err := json.Unmarshal([]byte("{"+fields+"}"), &over); err != nil {
			panic(err)
		}
		var parts []string
		for k, v := range base {
			if _, ok := over[k]; !ok {
				parts = append(parts, fmt.Sprintf("%q: %s", k, v))
			}
		}
		for k, v := range over {
			if string(v) != `"<absent>"` {
				parts = append(parts, fmt.Sprintf("%q: %s", k, v))
			}
		}
		return `{"id": "x", "contact": "c1", "name": "deal_won", "payload": {` + strings.Join(parts, ", ") + `}}`
	}
	cases := []struct {
		name, body, code, field, dym string
	}{
		{"body not an object", `[1]`, api.CodeWrongType, "", ""},
		{"missing id", `{"contact": "c1", "name": "ping"}`, api.CodeMissingField, "id", ""},
		{"empty id", `{"id": "", "contact": "c1", "name": "ping"}`, api.CodeBadValue, "id", ""},
		{"id a number", `{"id": 1, "contact": "c1", "name": "ping"}`, api.CodeWrongType, "id", ""},
		{"missing contact", `{"id": "x", "name": "ping"}`, api.CodeMissingField, "contact", ""},
		{"missing name", `{"id": "x", "contact": "c1"}`, api.CodeMissingField, "name", ""},
		{"undeclared event", `{"id": "x", "contact": "c1", "name": "deal_wno"}`, api.CodeBadValue, "name", "deal_won"},
		{"unknown top field", `{"id": "x", "contact": "c1", "name": "ping", "paylod": {}}`, api.CodeUnknownField, "paylod", "payload"},
		{"bad at", `{"id": "x", "contact": "c1", "name": "ping", "at": "yesterday"}`, api.CodeBadValue, "at", ""},
		{"at a number", `{"id": "x", "contact": "c1", "name": "ping", "at": 17}`, api.CodeWrongType, "at", ""},
		{"payload not an object", `{"id": "x", "contact": "c1", "name": "ping", "payload": [1]}`, api.CodeWrongType, "payload", ""},
		{"unknown payload field", payload(`"amont": 3`), api.CodeUnknownField, "payload.amont", "amount"},
		{"missing payload field", payload(`"cycle": "<absent>"`), api.CodeMissingField, "payload.cycle", ""},
		{"missing payload", `{"id": "x", "contact": "c1", "name": "form_submitted"}`, api.CodeMissingField, "payload.form", ""},
		{"null required", payload(`"amount": null`), api.CodeNullNotAllowed, "payload.amount", ""},
		{"double a string", payload(`"amount": "10"`), api.CodeWrongType, "payload.amount", ""},
		{"double too large", payload(`"amount": 1e400`), api.CodeBadValue, "payload.amount", ""},
		{"enum not a value", payload(`"currency": "usdd"`), api.CodeBadValue, "payload.currency", "usd"},
		{"enum a number", payload(`"currency": 1`), api.CodeWrongType, "payload.currency", ""},
		{"timestamp not RFC 3339", payload(`"closed_at": "2026-03-01 10:00"`), api.CodeBadValue, "payload.closed_at", ""},
		{"timestamp a number", payload(`"closed_at": 1700000000`), api.CodeWrongType, "payload.closed_at", ""},
		{"duration bad", payload(`"cycle": "3 days"`), api.CodeBadValue, "payload.cycle", ""},
		{"duration a number", payload(`"cycle": 3600`), api.CodeWrongType, "payload.cycle", ""},
		{"list not a list", payload(`"items": 3`), api.CodeWrongType, "payload.items", ""},
		{"list element not whole", payload(`"items": [1, 2.5]`), api.CodeBadValue, "payload.items[1]", ""},
		{"list element null", payload(`"items": [1, null]`), api.CodeNullNotAllowed, "payload.items[1]", ""},
		{"list element int too large", payload(`"items": [9223372036854775808]`), api.CodeBadValue, "payload.items[0]", ""},
		{"map value wrong", payload(`"notes": {"a b": 1}`), api.CodeWrongType, `payload.notes["a b"]`, ""},
		{"map not an object", payload(`"notes": ["x"]`), api.CodeWrongType, "payload.notes", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			r := e.do("POST", "/v1/events", c.body).wantError(t, 400, c.code, c.field)
			if got, _ := r.body["did_you_mean"].(string); got != c.dym {
				t.Errorf("did_you_mean %q, want %q", got, c.dym)
			}
			e.nothingStored("c1")
			// The same event inside a batch is named by its index.
			if strings.HasPrefix(c.body, "{") {
				field := "events[1]"
				if c.field != "" {
					field += "." + c.field
				}
				e.do("POST", "/v1/events", `{"events": [{"id": "ok", "contact": "c0", "name": "ping"}, `+c.body+`]}`).wantError(t, 400, c.code, field)
				e.nothingStored("c0", "c1")
			}
		})
	}
}

func TestPutContact(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("PUT", "/v1/contacts/ada%40example.com", `{"attributes": {
		"email": "ada@example.com", "score": 10, "ratio": 1, "vip": true, "lifecycle": "lead",
		"last_login": "2026-03-01T10:00:00+01:00", "cooldown": "1d12h", "tags": ["a", "b"],
		"limits": {"daily": 3}, "company": {"size": 5, "industry": "software"}, "first_name": null}}`).want(t, 202)
	if r.body["id"] != "ada@example.com" || fmt.Sprint(r.body["removed"]) != "[first_name]" || len(r.body["set"].([]any)) != 10 {
		t.Fatalf("answer %s", r.raw)
	}
	// Partial update: only the score and the company's size change.
	e.do("PUT", "/v1/contacts/ada%40example.com", `{"attributes": {"score": 60, "company": {"size": 7}}, "at": "2026-03-02T10:00:00Z"}`).want(t, 202)
	e.advance(2 * time.Hour)
	c := e.do("GET", "/v1/contacts/ada%40example.com", "").want(t, 200)
	a := c.body["attributes"].(map[string]any)
	if a["email"] != "ada@example.com" || a["score"] != 60.0 || a["ratio"] != 1.0 || a["last_login"] != "2026-03-01T09:00:00Z" ||
		a["cooldown"] != "36h0m0s" || fmt.Sprint(a["company"]) != "map[industry:software size:7]" || fmt.Sprint(a["limits"]) != "map[daily:3]" {
		t.Fatalf("attributes %v", a)
	}
	if _, ok := a["first_name"]; ok {
		t.Errorf("first_name is set: %v", a)
	}
	if c.body["processed"] == nil {
		t.Errorf("no processed time: %s", c.raw)
	}
	// null removes an optional attribute.
	e.do("PUT", "/v1/contacts/ada%40example.com", `{"attributes": {"ratio": null}}`).want(t, 202)
	e.advance(3 * time.Hour)
	a = e.do("GET", "/v1/contacts/ada%40example.com", "").want(t, 200).body["attributes"].(map[string]any)
	if _, ok := a["ratio"]; ok || a["score"] != 60.0 {
		t.Errorf("after removing ratio: %v", a)
	}
}

func TestPutContactValidation(t *testing.T) {
	cases := []struct {
		name, body, code, field, dym string
	}{
		{"not an object", `"x"`, api.CodeWrongType, "", ""},
		{"no attributes", `{}`, api.CodeMissingField, "attributes", ""},
		{"unknown top field", `{"attributes": {}, "atributes": {}}`, api.CodeUnknownField, "atributes", "attributes"},
		{"attributes not an object", `{"attributes": [1]}`, api.CodeWrongType, "attributes", ""},
		{"attributes null", `{"attributes": null}`, api.CodeWrongType, "attributes", ""},
		{"bad at", `{"attributes": {}, "at": "now"}`, api.CodeBadValue, "at", ""},
		{"unknown field", `{"attributes": {"emial": "x"}}`, api.CodeUnknownField, "attributes.emial", "email"},
		{"unknown nested field", `{"attributes": {"company": {"sise": 3}}}`, api.CodeUnknownField, "attributes.company.sise", "size"},
		{"string a number", `{"attributes": {"email": 3}}`, api.CodeWrongType, "attributes.email", ""},
		{"int not whole", `{"attributes": {"score": 1.5}}`, api.CodeBadValue, "attributes.score", ""},
		{"int tiny exponent", `{"attributes": {"score": 1e-3}}`, api.CodeBadValue, "attributes.score", ""},
		{"int a string", `{"attributes": {"score": "10"}}`, api.CodeWrongType, "attributes.score", ""},
		{"int too large", `{"attributes": {"score": 1e30}}`, api.CodeBadValue, "attributes.score", ""},
		{"bool a string", `{"attributes": {"vip": "yes"}}`, api.CodeWrongType, "attributes.vip", ""},
		{"enum not a value", `{"attributes": {"lifecycle": "customr"}}`, api.CodeBadValue, "attributes.lifecycle", "customer"},
		{"timestamp bad", `{"attributes": {"last_login": "2026-13-01T00:00:00Z"}}`, api.CodeBadValue, "attributes.last_login", ""},
		{"nested timestamp bad", `{"attributes": {"company": {"founded": "1999"}}}`, api.CodeBadValue, "attributes.company.founded", ""},
		{"duration bad", `{"attributes": {"cooldown": "1x"}}`, api.CodeBadValue, "attributes.cooldown", ""},
		{"null not optional", `{"attributes": {"email": null}}`, api.CodeNullNotAllowed, "attributes.email", ""},
		{"nested null not optional", `{"attributes": {"company": {"size": null}}}`, api.CodeNullNotAllowed, "attributes.company.size", ""},
		{"object a string", `{"attributes": {"company": "acme"}}`, api.CodeWrongType, "attributes.company", ""},
		{"list element wrong", `{"attributes": {"tags": ["a", 2]}}`, api.CodeWrongType, "attributes.tags[1]", ""},
		{"list an object", `{"attributes": {"tags": {"a": "b"}}}`, api.CodeWrongType, "attributes.tags", ""},
		{"map value wrong", `{"attributes": {"limits": {"daily": "3"}}}`, api.CodeWrongType, `attributes.limits["daily"]`, ""},
		{"map value null", `{"attributes": {"limits": {"daily": null}}}`, api.CodeNullNotAllowed, `attributes.limits["daily"]`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			r := e.do("PUT", "/v1/contacts/c1", c.body).wantError(t, 400, c.code, c.field)
			if got, _ := r.body["did_you_mean"].(string); got != c.dym {
				t.Errorf("did_you_mean %q, want %q", got, c.dym)
			}
			e.nothingStored("c1")
		})
	}
}

func TestPutContactOneBadFieldStoresNothing(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("PUT", "/v1/contacts/c1", `{"attributes": {"email": "a@x", "score": 10, "lifecycle": "lead", "company": {"size": "big"}, "zzz": 1}}`).
		wantError(t, 400, api.CodeWrongType, "attributes.company.size")
	if n := len(r.body["errors"].([]any)); n != 2 {
		t.Errorf("%d errors, want 2: %s", n, r.raw)
	}
	e.nothingStored("c1")
}

func TestGetContact(t *testing.T) {
	e := newEnv(t, nil)
	e.do("GET", "/v1/contacts/nobody", "").wantError(t, 404, api.CodeNotFound, "id")
	e.do("PUT", "/v1/contacts/c1", `{"attributes": {"email": "a@x", "score": 10, "lifecycle": "lead", "tags": []}}`).want(t, 202)
	e.do("POST", "/v1/events", `{"id": "e1", "contact": "c1", "name": "form_submitted", "payload": {"form": "pricing-guide"}}`).want(t, 202)
	e.advance(time.Minute)
	e.do("PUT", "/v1/contacts/c1", `{"attributes": {"score": 70}, "at": "2026-03-02T10:00:00Z"}`).want(t, 202)
	e.advance(90 * time.Minute)
	e.do("PUT", "/v1/contacts/c1", `{"attributes": {"lifecycle": "customer"}, "at": "2026-03-02T11:00:00Z"}`).want(t, 202)
	e.advance(time.Hour * 24)
	c := e.do("GET", "/v1/contacts/c1", "").want(t, 200)
	en := c.body["enrollments"].([]any)[0].(map[string]any)
	if en["status"] != "converted" || en["stage"] != "Consideration" || en["reason"] != "goal won" ||
		en["stage_at"] != "2026-03-02T10:00:00Z" || en["exited_at"] != "2026-03-02T11:00:00Z" || en["version"] == "" {
		t.Fatalf("enrollment %v", en)
	}
	var lines []string
	for _, h := range c.body["history"].([]any) {
		m := h.(map[string]any)
		lines = append(lines, fmt.Sprintf("%s %s#%v %s", m["at"], m["journey"], m["entry"], m["kind"]))
	}
	want := []string{
		"2026-03-02T09:00:00Z lead_nurture#1 enrolled",
		"2026-03-02T09:00:00Z lead_nurture#1 stage",
		"2026-03-02T09:00:00Z lead_nurture#1 sent",
		"2026-03-02T10:00:00Z lead_nurture#1 stage",
		"2026-03-02T11:00:00Z lead_nurture#1 goal",
		"2026-03-02T11:00:00Z lead_nurture#1 exited",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("history:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// longHistory is a store whose contacts have a long history.
type longHistory struct{ *memory.Store }

func (longHistory) History(_ context.Context, p *store.HistoryParams) ([]runtime.Record, error) {
	var out []runtime.Record
	for i := range 250 {
		out = append(out, runtime.Record{At: start.Add(time.Duration(i) * time.Minute), Contact: p.Contact, Journey: "lead_nurture", Entry: 1, Kind: runtime.RecSent, Step: strconv.Itoa(i)})
	}
	return out, nil
}

func TestGetContactHistoryLimit(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.Store = longHistory{c.Store.(*memory.Store)} })
	e.do("PUT", "/v1/contacts/c1", `{"attributes": {"email": "a@x"}}`).want(t, 202)
	h := e.do("GET", "/v1/contacts/c1", "").want(t, 200).body["history"].([]any)
	if len(h) != api.HistoryLimit {
		t.Fatalf("%d records, want %d", len(h), api.HistoryLimit)
	}
	first, last := h[0].(map[string]any), h[len(h)-1].(map[string]any)
	if first["step"] != "150" || last["step"] != "249" {
		t.Fatalf("records %v … %v, want the last %d, oldest first", first, last, api.HistoryLimit)
	}
}

func TestJourneys(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("GET", "/v1/journeys", "").want(t, 200)
	js := r.body["journeys"].([]any)
	if len(js) != 1 {
		t.Fatalf("journeys %s", r.raw)
	}
	j := js[0].(map[string]any)
	if j["name"] != "lead_nurture" || j["title"] != "Lead to customer" || j["version"] != e.dep.Journey("lead_nurture").Version || j["active"] != nil {
		t.Fatalf("journey %v", j)
	}
	if fmt.Sprint(j["stages"]) != "[map[name:Awareness] map[name:Consideration]]" {
		t.Fatalf("stages %v", j["stages"])
	}

	counted := newEnv(t, func(c *api.Config) {
		c.Counts = func(context.Context) (map[string]map[string]int, error) {
			return map[string]map[string]int{"lead_nurture": {"Awareness": 3, "Gone": 2}}, nil
		}
	})
	j = counted.do("GET", "/v1/journeys", "").want(t, 200).body["journeys"].([]any)[0].(map[string]any)
	if j["active"] != 5.0 || fmt.Sprint(j["stages"]) != "[map[contacts:3 name:Awareness] map[contacts:0 name:Consideration] map[contacts:2 name:Gone removed:true]]" {
		t.Fatalf("journey with counts %v", j)
	}

	if r.body["reload_error"] != nil {
		t.Errorf("reload_error %v with no reload", r.body["reload_error"])
	}
	broken := newEnv(t, func(c *api.Config) { c.ReloadError = func() string { return "j.journey:5:9: unterminated block" } })
	if got := broken.do("GET", "/v1/journeys", "").want(t, 200).body["reload_error"]; got != "j.journey:5:9: unterminated block" {
		t.Errorf("reload_error %v, want the failed reload's diagnostics", got)
	}

	failing := newEnv(t, func(c *api.Config) {
		c.Counts = func(context.Context) (map[string]map[string]int, error) { return nil, errors.New("db down") }
	})
	if r := failing.do("GET", "/v1/journeys", "").wantError(t, 503, api.CodeStoreUnavailable, ""); r.header.Get("Retry-After") != "5" {
		t.Errorf("Retry-After %q, want 5", r.header.Get("Retry-After"))
	}
	if !strings.Contains(failing.logs.String(), "db down") {
		t.Errorf("the failure is not logged: %s", failing.logs)
	}
}

func TestNoDeployment(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.Deployment = func() *runtime.Deployment { return nil } })
	e.do("GET", "/v1/journeys", "").wantError(t, 503, api.CodeNoDeployment, "")
	e.do("POST", "/v1/events", `{"id": "a", "contact": "c", "name": "ping"}`).wantError(t, 503, api.CodeNoDeployment, "")
	e.do("PUT", "/v1/contacts/c", `{"attributes": {}}`).wantError(t, 503, api.CodeNoDeployment, "")
}

func TestHealthAndMetrics(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "journey_up 1\n") })
	e := newEnv(t, func(c *api.Config) { c.Token = "s3cret"; c.Metrics = metrics })
	r := e.doFrom("203.0.113.9:5000", "GET", "/healthz", "").want(t, 200)
	if r.body["status"] != "ok" {
		t.Fatalf("healthz %s", r.raw)
	}
	e.doFrom("203.0.113.9:5000", "GET", "/metrics", "").wantError(t, 401, api.CodeUnauthorized, "")
	if r := e.doFrom("203.0.113.9:5000", "GET", "/metrics", "", "Authorization", "Bearer s3cret").want(t, 200); r.raw != "journey_up 1\n" {
		t.Fatalf("metrics %q", r.raw)
	}
	e.do("POST", "/healthz", "{}").wantError(t, 405, api.CodeMethodNotAllowed, "")

	none := newEnv(t, nil)
	none.do("GET", "/metrics", "").wantError(t, 404, api.CodeNotFound, "")
}

func TestRoutes(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do("GET", "/v1/events", "").wantError(t, 405, api.CodeMethodNotAllowed, "")
	if r.header.Get("Allow") != "POST" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
	r = e.do("PATCH", "/v1/contacts/c1", "{}").wantError(t, 405, api.CodeMethodNotAllowed, "")
	if r.header.Get("Allow") != "DELETE, GET, HEAD, PUT" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
	e.do("POST", "/v1/journeys", "{}").wantError(t, 405, api.CodeMethodNotAllowed, "")
	e.do("GET", "/v1/nothing", "").wantError(t, 404, api.CodeNotFound, "")
	e.do("GET", "/v1/contacts/a/b", "").wantError(t, 404, api.CodeNotFound, "")
	e.do("GET", "/", "").wantError(t, 404, api.CodeNotFound, "")
	e.do("HEAD", "/healthz", "").want(t, 200)

	// A path ServeMux would redirect to its cleaned form is not found, in
	// the API's own answer; an id . or .. is reached escaped.
	for _, p := range []string{"/v1/contacts/.", "/v1/contacts/..", "/v1/contacts/a/../c1", "/v1//contacts/c1", "/v1/./journeys"} {
		e.do("PUT", p, `{"attributes": {}}`).wantError(t, 404, api.CodeNotFound, "")
		e.do("GET", p, "").wantError(t, 404, api.CodeNotFound, "")
	}
	e.do("GET", "/x/../healthz", "").wantError(t, 404, api.CodeNotFound, "")
	if r := e.do("PUT", "/v1/contacts/%2E%2E", `{"attributes": {}}`).want(t, 202); r.body["id"] != ".." {
		t.Errorf("answer %s", r.raw)
	}
	tok := newEnv(t, func(c *api.Config) { c.Token = "s3cret" })
	tok.do("PUT", "/v1/contacts/.", `{"attributes": {}}`).wantError(t, 401, api.CodeUnauthorized, "")
}

func TestMalformedJSON(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		body   string
		offset float64
	}{
		{`{"id": "a",, }`, 12},
		{`{"id": "a"`, 10},
		{`{"id": "a"} {"id": "b"}`, 13},
		{"{\n  \"id\": x}", 11},
	}
	for _, c := range cases {
		r := e.do("POST", "/v1/events", c.body).wantError(t, 400, api.CodeMalformedJSON, "")
		if r.body["offset"] != c.offset {
			t.Errorf("%s: offset %v, want %v: %s", c.body, r.body["offset"], c.offset, r.raw)
		}
	}
	e.do("POST", "/v1/events", "").wantError(t, 400, api.CodeMalformedJSON, "")
	e.do("PUT", "/v1/contacts/c1", "{").wantError(t, 400, api.CodeMalformedJSON, "")
	e.nothingStored("c1")
}

func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.MaxBody = 64 })
	body := `{"id": "a", "contact": "c1", "name": "form_submitted", "payload": {"form": "` + strings.Repeat("x", 100) + `"}}`
	r := e.do("POST", "/v1/events", body).wantError(t, 413, api.CodeBodyTooLarge, "")
	if r.body["limit"] != 64.0 || !strings.Contains(r.body["error"].(string), "64 bytes") {
		t.Errorf("answer %s", r.raw)
	}
	e.do("PUT", "/v1/contacts/c1", `{"attributes": {"email": "`+strings.Repeat("x", 100)+`"}}`).wantError(t, 413, api.CodeBodyTooLarge, "")
	e.nothingStored("c1")

	def := newEnv(t, nil)
	big := `{"events": [` + strings.Repeat(`{"id": "a", "contact": "c1", "name": "ping"},`, api.DefaultMaxBody/40) + `{}]}`
	def.do("POST", "/v1/events", big).wantError(t, 413, api.CodeBodyTooLarge, "")
}

func TestAuthToken(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.Token = "s3cret" })
	if strings.Contains(e.logs.String(), "NO TOKEN") {
		t.Errorf("a warning with a token: %s", e.logs)
	}
	ev := `{"id": "a", "contact": "c1", "name": "ping"}`
	for _, remote := range []string{"127.0.0.1:1234", "[::1]:1234", "203.0.113.9:5000"} {
		r := e.doFrom(remote, "POST", "/v1/events", ev).wantError(t, 401, api.CodeUnauthorized, "")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("no WWW-Authenticate")
		}
		e.doFrom(remote, "POST", "/v1/events", ev, "Authorization", "Bearer wrong").wantError(t, 401, api.CodeUnauthorized, "")
		e.doFrom(remote, "POST", "/v1/events", ev, "Authorization", "Bearer s3cre").wantError(t, 401, api.CodeUnauthorized, "")
		e.doFrom(remote, "POST", "/v1/events", ev, "Authorization", "Basic s3cret").wantError(t, 401, api.CodeUnauthorized, "")
		e.doFrom(remote, "GET", "/v1/journeys", "", "Authorization", "s3cret").wantError(t, 401, api.CodeUnauthorized, "")
		e.doFrom(remote, "GET", "/v1/contacts/c1", "").wantError(t, 401, api.CodeUnauthorized, "")
		e.doFrom(remote, "GET", "/v1/unknown", "").wantError(t, 401, api.CodeUnauthorized, "")
	}
	e.nothingStored("c1")
	e.doFrom("203.0.113.9:5000", "POST", "/v1/events", ev, "Authorization", "Bearer s3cret").want(t, 202)
	e.doFrom("203.0.113.9:5000", "GET", "/v1/contacts/c1", "", "Authorization", "bearer s3cret").want(t, 200)
	e.doFrom("203.0.113.9:5000", "GET", "/v1/journeys", "", "Authorization", "Bearer s3cret").want(t, 200)
	e.doFrom("203.0.113.9:5000", "PUT", "/v1/contacts/c1", `{"attributes": {}}`, "Authorization", "Bearer s3cret").want(t, 202)
}

func TestAuthLoopbackOnly(t *testing.T) {
	e := newEnv(t, nil)
	if !strings.Contains(e.logs.String(), "level=WARN") || !strings.Contains(e.logs.String(), "NO TOKEN") {
		t.Errorf("no loud warning without a token: %q", e.logs)
	}
	ev := `{"id": "a", "contact": "c1", "name": "ping"}`
	for _, remote := range []string{"203.0.113.9:5000", "[2001:db8::1]:80", "10.0.0.1:1", "garbage"} {
		e.doFrom(remote, "POST", "/v1/events", ev).wantError(t, 403, api.CodeForbidden, "")
		e.doFrom(remote, "GET", "/v1/journeys", "").wantError(t, 403, api.CodeForbidden, "")
		e.doFrom(remote, "PUT", "/v1/contacts/c1", `{"attributes": {}}`).wantError(t, 403, api.CodeForbidden, "")
		e.doFrom(remote, "GET", "/v1/contacts/c1", "").wantError(t, 403, api.CodeForbidden, "")
		e.doFrom(remote, "GET", "/healthz", "").want(t, 200)
	}
	e.nothingStored("c1")
	e.doFrom("[::1]:9999", "POST", "/v1/events", ev).want(t, 202)
	e.doFrom("127.0.0.2:9999", "GET", "/v1/contacts/c1", "").want(t, 200)
}

// TestLoopbackRequests: without a token, what a program on the machine
// sends is served — any loopback Host, the server's own Origin (or none),
// JSON with parameters — and the checks refusing the rest (in
// TestBadRequests) do not apply once a token is configured.
func TestLoopbackRequests(t *testing.T) {
	e := newEnv(t, nil)
	put := `{"attributes": {"score": 1}}`
	for i, h := range [][]string{
		{"Host", "127.0.0.1:8080"}, {"Host", "127.0.0.1"}, {"Host", "localhost:8080"}, {"Host", "LocalHost"},
		{"Host", "[::1]:9"}, {"Host", "[::1]"}, {"Host", "127.3.2.1:80"},
		{"Origin", "http://127.0.0.1:8080"}, {"Origin", "http://localhost:8080"}, {"Origin", "https://[::1]:8080"},
		{"Host", "localhost", "Origin", "http://localhost"}, {"Host", "localhost:443", "Origin", "https://127.0.0.1"},
		{"Content-Type", "application/json; charset=utf-8"}, {"Content-Type", "Application/JSON"},
	} {
		e.do("PUT", "/v1/contacts/c1", put, h...).want(t, 202)
		e.do("POST", "/v1/events", fmt.Sprintf(`{"id": "e%d", "contact": "c1", "name": "ping"}`, i), h...).want(t, 202)
		e.do("GET", "/v1/contacts/c1", "", h...).want(t, 200)
	}
	e.do("GET", "/v1/journeys", "", "Content-Type", "").want(t, 200)
	e.do("GET", "/healthz", "", "Host", "rebound.example", "Origin", "https://evil.example").want(t, 200)

	// With a token, the token is the check.
	tok := newEnv(t, func(c *api.Config) { c.Token = "s3cret" })
	h := []string{"Authorization", "Bearer s3cret", "Host", "journey.example.com", "Origin", "https://app.example.com", "Content-Type", ""}
	tok.doFrom("203.0.113.9:5000", "POST", "/v1/events", `{"id": "a", "contact": "c1", "name": "ping"}`, h...).want(t, 202)
	tok.doFrom("203.0.113.9:5000", "PUT", "/v1/contacts/c1", put, h...).want(t, 202)
	tok.doFrom("203.0.113.9:5000", "GET", "/v1/contacts/c1", "", h...).want(t, 200)
}

func TestValidateForImport(t *testing.T) {
	schema := deployment(t).Program.Schema
	var ev any
	dec := json.NewDecoder(strings.NewReader(`{"id": "a", "contact": "c", "name": "deal_won", "payload": {"amount": 3, "currency": "usd", "closed_at": "2026-03-01T10:00:00Z", "cycle": "2w"}}`))
	dec.UseNumber()
	if err := dec.Decode(&ev); err != nil {
		t.Fatal(err)
	}
	p, errs := api.ValidateEvent(schema, ev, "line 3", start, 0)
	if errs != nil || p.Payload["cycle"] != "336h0m0s" || p.Payload["amount"] != 3.0 || !p.At.Equal(start) || !p.Received.Equal(start) {
		t.Fatalf("%+v %v", p, errs)
	}
	old := map[string]any{"id": "b", "contact": "c", "name": "ping", "at": "2026-02-20T09:00:00Z"}
	if p, errs := api.ValidateEvent(schema, old, "", start, 0); errs != nil || !p.Received.Equal(start) {
		t.Fatalf("within the default window: %+v %v", p, errs)
	}
	if _, errs := api.ValidateEvent(schema, old, "", start, 7*24*time.Hour); len(errs) != 1 || errs[0].Code != api.CodeTooOld || errs[0].Field != "at" {
		t.Fatalf("before a window of 7d: %v", errs)
	}
	_, errs = api.ValidateAttributes(schema, map[string]any{"score": json.Number("1.5"), "nope": true}, "")
	if len(errs) != 2 || errs[0].Field != "nope" || errs[1].Field != "score" || errs[1].Error() == "" {
		t.Fatalf("%v", errs)
	}
	_, errs = api.ValidateAttributes(schema, []any{}, "")
	if len(errs) != 1 || errs[0].Error() != "the value: expected an object, got an array" {
		t.Fatalf("%v", errs)
	}
}

func TestIntakeCounts(t *testing.T) {
	counts := map[string]int{}
	e := newEnv(t, func(c *api.Config) {
		c.Intake = func(kind, result string, n int) { counts[kind+"/"+result] += n }
	})
	batch := `{"events": [{"id": "a", "contact": "c1", "name": "ping"}, {"id": "b", "contact": "c2", "name": "ping"}]}`
	e.do("POST", "/v1/events", batch).want(t, 202)
	e.do("POST", "/v1/events", batch).want(t, 202)
	e.do("POST", "/v1/events", `{"events": [{"id": "c", "contact": "c1", "name": "nope"}]}`).want(t, 400)
	e.do("POST", "/v1/events", `{`).want(t, 400)
	e.do("PUT", "/v1/contacts/c1", `{"attributes": {"score": 1}}`).want(t, 202)
	e.do("PUT", "/v1/contacts/c1", `{"attributes": {"score": "x"}}`).want(t, 400)
	e.do("PUT", "/v1/contacts/c1", `[]`).want(t, 400)
	want := map[string]int{"event/accepted": 2, "event/duplicate": 2, "event/rejected": 2, "contact/accepted": 1, "contact/rejected": 2}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("counts %v, want %v", counts, want)
	}
}
