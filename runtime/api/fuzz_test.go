package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzEvents posts arbitrary bodies: the server never panics and answers
// 2xx or 4xx, never 5xx.
func FuzzEvents(f *testing.F) {
	for _, seed := range []string{
		dealWon,
		`{"events": [{"id": "a", "contact": "c", "name": "ping"}, {"id": "b", "contact": "c", "name": "form_submitted", "payload": {"form": "x"}}]}`,
		`{"id": "a", "contact": "c", "name": "deal_won", "payload": {"amount": 1e400, "currency": "usd", "closed_at": "2026-03-01T10:00:00Z", "cycle": "99999999999w", "items": [1e19, -0.0, 1E+2], "notes": {"": ""}}}`,
		`{"events": {}}`, `{"events": [null, 1, "x", []]}`, `[]`, `null`, `1`, `"x"`, `{`, ``, `{"id": "a"}{}`,
		`{"id": "a", "contact": "c", "name": "ping", "at": "2026-02-30T00:00:00Z"}`,
	} {
		f.Add(seed)
	}
	e := newEnv(f, nil)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/v1/events", strings.NewReader(body))
		req.RemoteAddr = "127.0.0.1:1"
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code >= 500 || rec.Code >= 300 && rec.Code < 400 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
