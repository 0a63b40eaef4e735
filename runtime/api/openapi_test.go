package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The conformance of docs/openapi.yaml: openapi_test.go drives the
// running API through every route and the answers it gives, and checks
// each request it takes and each answer against the document with
// kin-openapi. This file holds the checker.

// conformance checks exchanges with running servers against the document.
type conformance struct {
	t      *testing.T
	doc    *openapi3.T
	router routers.Router
	// answered holds, by route ("METHOD /path/{param}"), the statuses the
	// servers answered.
	answered map[string]map[int]bool
}

// loadDocument loads docs/openapi.yaml and validates it as OpenAPI 3.
func loadDocument(t *testing.T) *conformance {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("docs/openapi.yaml is not valid OpenAPI: %v", err)
	}
	// Routes are matched by path: the servers listed are examples.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &conformance{t: t, doc: doc, router: router, answered: map[string]map[int]bool{}}
}

// operations lists the document's operations as "METHOD /path", sorted.
func (c *conformance) operations() []string {
	var out []string
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+path)
		}
	}
	sort.Strings(out)
	return out
}

// operation returns the document's operation of a route.
func (c *conformance) operation(route string) *openapi3.Operation {
	method, path, _ := strings.Cut(route, " ")
	return c.doc.Paths.Value(path).GetOperation(method)
}

// secured reports whether an operation asks for a token.
func (c *conformance) secured(op *openapi3.Operation) bool {
	if op.Security != nil {
		return len(*op.Security) > 0
	}
	return len(c.doc.Security) > 0
}

// call is a request to a running server, with headers as setHeaders
// takes them.
type call struct {
	base, method, path, body string
	header                   []string
}

// send makes a call, checks the exchange against the document, and
// returns the status and the body. want is the status wanted, or 0 for
// any. A request answered 2xx must be one the document describes; an
// answer of any status must be one the document gives for its route.
func (c *conformance) send(cl call, want int) (int, []byte) {
	t := c.t
	t.Helper()
	var rd io.Reader
	if cl.body != "" {
		rd = strings.NewReader(cl.body)
	}
	req, err := http.NewRequest(cl.method, cl.base+cl.path, rd)
	if err != nil {
		t.Fatal(err)
	}
	setHeaders(req, cl.header...)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	what := fmt.Sprintf("%s %s: %d %s", cl.method, cl.path, res.StatusCode, body)
	if want != 0 && res.StatusCode != want {
		t.Errorf("%s: want status %d", what, want)
	}
	// The request as the server read it, for the router and the checks.
	req.Body = io.NopCloser(strings.NewReader(cl.body))
	route, params, err := c.router.FindRoute(req)
	switch {
	case err != nil && c.pathKnown(req):
		c.shared("MethodNotAllowed", http.StatusMethodNotAllowed, res, body, what)
		return res.StatusCode, body
	case err != nil:
		c.shared("NotFound", http.StatusNotFound, res, body, what)
		return res.StatusCode, body
	}
	key := route.Method + " " + route.Path
	if c.answered[key] == nil {
		c.answered[key] = map[int]bool{}
	}
	c.answered[key][res.StatusCode] = true
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if res.StatusCode < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s: the API took a request the document does not describe: %v", what, err)
		}
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)), Options: opts,
	})
	if err != nil {
		t.Errorf("%s: the answer is not as the document says: %v", what, err)
	}
	return res.StatusCode, body
}

// pathKnown reports whether the document has the path of a request,
// with any method.
func (c *conformance) pathKnown(req *http.Request) bool {
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		r := req.Clone(context.Background())
		r.Method = m
		if _, _, err := c.router.FindRoute(r); err == nil {
			return true
		}
	}
	return false
}

// shared checks an answer given outside the document's operations — to
// a path it does not list, or a method a path does not take — against
// one of its shared responses (components/responses), which must have
// the status.
func (c *conformance) shared(name string, status int, res *http.Response, body []byte, what string) {
	t := c.t
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("%s: the document has no route for it, and it is not a %d", what, status)
		return
	}
	resp := c.doc.Components.Responses[name]
	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if resp == nil || err != nil || resp.Value.Content.Get(mt) == nil {
		t.Errorf("%s: the document's response %s has no content %q", what, name, res.Header.Get("Content-Type"))
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if err := resp.Value.Content.Get(mt).Schema.Value.VisitJSON(v); err != nil {
		t.Errorf("%s: the answer is not the document's %s: %v", what, name, err)
	}
	for h := range resp.Value.Headers {
		if res.Header.Get(h) == "" {
			t.Errorf("%s: no %s header, which the document's %s has", what, h, name)
		}
	}
}

// enum returns the values of a string enum of a schema of the document,
// at a property path ("Record", "kind").
func (c *conformance) enum(schema string, props ...string) []string {
	s := c.doc.Components.Schemas[schema].Value
	for _, p := range props {
		s = s.Properties[p].Value
	}
	var out []string
	for _, v := range s.Enum {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// sameSet reports the values of one list missing from the other.
func sameSet(t *testing.T, what string, code, doc []string) {
	t.Helper()
	for _, v := range code {
		if !slices.Contains(doc, v) {
			t.Errorf("%s: %q is missing from docs/openapi.yaml", what, v)
		}
	}
	for _, v := range doc {
		if !slices.Contains(code, v) {
			t.Errorf("%s: docs/openapi.yaml lists %q, which the code does not have", what, v)
		}
	}
}
