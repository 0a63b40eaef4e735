package api_test

import (
	"context"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/consent"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/sqlite"
)

// conformanceBody is the body limit of the servers of TestOpenAPI: small,
// so that a body past it is cheap to send.
const conformanceBody = 16 << 10

// TestOpenAPI drives every route of the running API — on a SQLite store —
// through the answers it gives, and checks each against
// docs/openapi.yaml: the document is valid OpenAPI, lists every route the
// server has and no other, and describes each request the API takes and
// each answer it gives, status, headers and body. It drives three
// servers: one with a token, one with none and nothing loaded, one whose
// store's tables are gone (on Postgres).
func TestOpenAPI(t *testing.T) {
	c := loadDocument(t)
	secret := []byte("0123456789abcdef0123456789abcdef")
	metrics := prometheus.NewRegistry()
	metrics.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "journey_test_total", Help: "A counter."}))
	serve := func(e *env) string {
		srv := httptest.NewServer(e.h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	config := func(cfg *api.Config) {
		cfg.Token, cfg.UnsubscribeSecret, cfg.MaxBody = token, secret, conformanceBody
		cfg.Metrics = promhttp.HandlerFor(metrics, promhttp.HandlerOpts{})
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "journey.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnvOn(t, st, config)
	e.dep = compile(t, map[string][]byte{"schema.journey": []byte(schema + "event page_viewed { path: string, title: string? }\n"), "lead_nurture.journey": []byte(journey)},
		map[string][]byte{"welcome.md": []byte("subject: Welcome\nHello.\n"), "roi-guide.md": []byte("subject: ROI\nThe guide.\n")})
	tok := serve(e)
	open := serve(newEnvOn(t, memory.New(), func(cfg *api.Config) {
		cfg.Deployment = func() *runtime.Deployment { return nil }
		cfg.MaxBody, cfg.Metrics = conformanceBody, promhttp.HandlerFor(metrics, promhttp.HandlerOpts{})
	}))
	down := newEnvOn(t, tablesDropped(t), config)
	down.dep = e.dep
	downURL := serve(down)

	// The routes of the server and of the document are the same.
	if got, want := c.operations(), e.srv.Routes(); !slices.Equal(got, want) {
		t.Fatalf("the document's routes differ from the server's:\n document %v\n server   %v", got, want)
	}

	bearer := []string{"Authorization", "Bearer " + token}
	basicAuth := []string{"Authorization", basic(token)}
	unsubscribe := "/v1/unsubscribe/" + consent.Token(secret, "ada", "email")
	form := []string{"Content-Type", "application/x-www-form-urlencoded", "Authorization", ""}
	// Each route's answers, in an order in which each request finds the
	// store as it needs it; taken marks the requests the API takes.
	steps := []struct {
		path, method, body string
		header             []string
		status             int
	}{
		{"/v1/contacts/ada", "PUT", `{"attributes": {"email": "ada@example.com", "score": 60, "lifecycle": "lead", "tags": ["beta"], "company": {"size": 5, "industry": "software"}}}`, bearer, 202},
		{"/v1/contacts/bob", "PUT", `{"attributes": {"email": "bob@example.com"}, "at": "2026-03-02T08:00:00Z"}`, bearer, 202},
		{"/v1/contacts/ada", "PUT", `{"attributes": {"emial": "ada@example.com"}}`, bearer, 400},
		{"/v1/events", "POST", `{"id": "e1", "contact": "ada", "name": "form_submitted", "payload": {"form": "pricing-guide"}}`, bearer, 202},
		{"/v1/events", "POST", `{"events": [{"id": "e2", "contact": "ada", "name": "ping"}, {"id": "e1", "contact": "ada", "name": "form_submitted", "payload": {"form": "pricing-guide"}}]}`, bearer, 202},
		{"/v1/events", "POST", `{"events": [{"id": "e3", "contact": "ada", "name": "ping"}, {"id": "e4", "contact": "ada", "name": "deal_won", "payload": {"amount": "lots"}}]}`, bearer, 400},
		{"/v1/identify", "POST", `{"userId": "ada", "messageId": "s0", "traits": {"firstName": "Ada", "vip": true}, "context": {"library": {"name": "analytics-go"}}}`, basicAuth, 200},
		{"/v1/track", "POST", `{"type": "track", "userId": "ada", "messageId": "s1", "event": "Form Submitted", "properties": {"form": "demo"}, "timestamp": "2026-03-02T08:30:00Z"}`, basicAuth, 200},
		{"/v1/page", "POST", `{"userId": "ada", "messageId": "s2", "name": "Pricing", "properties": {"path": "/pricing", "url": "https://example.com/pricing"}}`, bearer, 200},
		{"/v1/batch", "POST", `{"batch": [{"type": "identify", "userId": "bob", "traits": {"score": 5}}, {"type": "track", "userId": "ada", "messageId": "s1", "event": "form_submitted", "properties": {"form": "demo"}}], "sentAt": "2026-03-02T09:00:00Z"}`, basicAuth, 200},
		{"/v1/identify", "POST", `{"userId": "ada", "traits": {"plam": "pro"}}`, basicAuth, 400},
		{"/v1/batch", "POST", `{"batch": [{"type": "track", "anonymousId": "a1", "messageId": "s9", "event": "ping"}]}`, basicAuth, 400},
		{"/v1/page", "POST", `{"userId": "ada", "properties": {"path": "/"}}`, basicAuth, 400},
		{"/v1/track", "POST", `{"userId": "ada", "messageId": "s8", "event": "Deal Lost"}`, basicAuth, 400},
		{"advance", "", "", nil, 0},
		{"/v1/contacts/ada", "GET", "", bearer, 200},
		{"/v1/contacts/nobody", "GET", "", bearer, 404},
		{"/v1/contacts/%01", "GET", "", bearer, 400},
		{"/v1/contacts/ada/release", "POST", `{}`, bearer, 202},
		{"/v1/contacts/ada/release", "POST", `{"journey": "lead_nurture"}`, bearer, 202},
		{"/v1/contacts/nobody/release", "POST", `{}`, bearer, 404},
		{"/v1/contacts/ada/release", "POST", `{"journy": "x"}`, bearer, 400},
		{"/v1/contacts/ada/unsubscribe", "POST", `{"channel": "sms"}`, bearer, 202},
		{"/v1/contacts/ada/unsubscribe", "POST", `{"channel": "fax"}`, bearer, 400},
		{"/v1/contacts/nobody/unsubscribe", "POST", `{}`, bearer, 404},
		{"/v1/contacts/ada/resubscribe", "POST", `{"channel": "sms"}`, bearer, 202},
		{"/v1/contacts/ada/resubscribe", "POST", `{"state": "bounced"}`, bearer, 400},
		{"/v1/contacts/nobody/resubscribe", "POST", `{}`, bearer, 404},
		{"/v1/journeys", "GET", "", bearer, 200},
		{"/v1/journeys/lead_nurture/enrollments", "POST", `{"contact": "bob"}`, bearer, 202},
		{"/v1/journeys/lead_nurture/enrollments", "POST", `{"contacts": ["bob", "ada"]}`, bearer, 202},
		{"/v1/journeys/lead_nurture/enrollments", "POST", `{"contacts": []}`, bearer, 400},
		{"/v1/journeys/lead_nurture/enrollments", "POST", `{"contact": "nobody"}`, bearer, 404},
		{"/v1/journeys/nurture/enrollments", "POST", `{"contact": "bob"}`, bearer, 404},
		{"advance", "", "", nil, 0},
		{"/v1/reports", "GET", "", bearer, 200},
		{"/v1/reports?since=2026-03-01&until=2026-03-05T00:00:00Z", "GET", "", bearer, 200},
		{"/v1/reports?since=yesterday", "GET", "", bearer, 400},
		{"/v1/reports/lead_nurture", "GET", "", bearer, 200},
		{"/v1/reports/lead_nurture?until=2026-01-01", "GET", "", bearer, 200},
		{"/v1/reports/nurture", "GET", "", bearer, 404},
		{"/v1/reports/lead_nurture?since=2026-03-05&until=2026-03-01", "GET", "", bearer, 400},
		{unsubscribe, "GET", "", form, 200},
		{unsubscribe, "POST", "List-Unsubscribe=One-Click", form, 200},
		{"/v1/unsubscribe/email.bm90.c2ln", "GET", "", form, 400},
		{"/v1/unsubscribe/email.bm90.c2ln", "POST", "List-Unsubscribe=One-Click", form, 400},
		{"/healthz", "GET", "", nil, 200},
		{"/metrics", "GET", "", bearer, 200},
		{"/v1/contacts/bob", "DELETE", "", bearer, 204},
		{"/v1/contacts/bob", "DELETE", "", bearer, 404},
		{"/v1/contacts/%01", "DELETE", "", bearer, 400},
		{"/v1/nothing", "GET", "", bearer, 404},
		{"/nothing", "GET", "", nil, 404},
	}
	var taken []call // the requests taken, to send again where they cannot be
	for _, s := range steps {
		if s.path == "advance" {
			e.advance(2 * time.Hour)
			continue
		}
		cl := call{base: tok, method: s.method, path: s.path, body: s.body, header: s.header}
		c.send(cl, s.status)
		if s.status < 300 {
			taken = append(taken, cl)
		}
	}

	// What every route answers alike, from its description in the
	// document: 401 without the token, 403 from a page of another site
	// and 415 for a write not in JSON without one, 413 for a body past
	// the limit, 400 for malformed JSON, 405 for a method it does not
	// take.
	big := `{"x": "` + strings.Repeat("x", conformanceBody) + `"}`
	for _, route := range c.operations() {
		method, tmpl, _ := strings.Cut(route, " ")
		op := c.operation(route)
		path := strings.NewReplacer("{id}", "ada", "{name}", "lead_nurture", "{journey}", "lead_nurture", "{token}", strings.TrimPrefix(unsubscribe, "/v1/unsubscribe/")).Replace(tmpl)
		body := ""
		if op.RequestBody != nil {
			body = "{}"
		}
		if c.secured(op) {
			c.send(call{base: tok, method: method, path: path, body: body}, 401)
			c.send(call{base: open, method: method, path: path, body: body, header: []string{"Host", "journeys.example.com"}}, 403)
			if method != "GET" {
				c.send(call{base: open, method: method, path: path, body: body, header: []string{"Content-Type", "text/plain"}}, 415)
			}
		}
		if op.RequestBody != nil {
			c.send(call{base: tok, method: method, path: path, body: big, header: bearer}, 413)
			if op.RequestBody.Value.Content.Get("application/json") != nil {
				c.send(call{base: tok, method: method, path: path, body: `{"x": `, header: bearer}, 400)
			}
		}
		c.send(call{base: tok, method: "PATCH", path: path, body: body, header: bearer}, 405)
	}

	// The requests taken, sent again where nothing is loaded and where
	// the store is gone: whatever each answers, the document says so.
	for _, cl := range taken {
		cl.base = open
		cl.header = slices.Concat(cl.header, []string{"Authorization", ""})
		c.send(cl, 0)
		cl.base = downURL
		cl.header = bearer
		if strings.HasPrefix(cl.path, "/v1/unsubscribe/") {
			cl.header = form
		}
		c.send(cl, 0)
	}
	c.send(call{base: downURL, method: "GET", path: "/healthz"}, http.StatusServiceUnavailable)

	// Every route answered: its success, and something else.
	for _, route := range e.srv.Routes() {
		var ok, other bool
		for status := range c.answered[route] {
			ok = ok || status < 300
			other = other || status >= 300
		}
		if !ok || !other {
			t.Errorf("%s answered only %v: drive it through a success and a failure", route, c.answered[route])
		}
	}
	for _, route := range []string{"POST /v1/events", "POST /v1/batch", "GET /v1/contacts/{id}", "PUT /v1/contacts/{id}"} {
		if !c.answered[route][http.StatusServiceUnavailable] {
			t.Errorf("%s never answered 503: %v", route, c.answered[route])
		}
	}
}

// TestOpenAPIEnums checks the document's lists of values against the
// code's: the kinds of history record (runtime's Rec constants) and the
// error codes (api's Code constants).
func TestOpenAPIEnums(t *testing.T) {
	c := loadDocument(t)
	sameSet(t, "Record.kind", stringConsts(t, "../state.go", "Rec"), c.enum("Record", "kind"))
	sameSet(t, "Problem.code", stringConsts(t, "validate.go", "Code"), c.enum("Problem", "code"))
}

// stringConsts are the values of the string constants of a Go file whose
// names begin with prefix.
func stringConsts(t *testing.T, file, prefix string) []string {
	t.Helper()
	f, err := parser.ParseFile(gotoken.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if !strings.HasPrefix(name.Name, prefix) || i >= len(vs.Values) {
				continue
			}
			if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == gotoken.STRING {
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, v)
			}
		}
		return true
	})
	if len(out) == 0 {
		t.Fatalf("%s: no constant %s…", file, prefix)
	}
	return out
}
