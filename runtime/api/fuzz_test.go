package api_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/consent"
	"github.com/journeylang/journey/runtime/store/sqlite"
	"github.com/journeylang/journey/runtime/worker"
)

// FuzzIntake drives the API on a SQLite store with arbitrary bodies: each
// is posted to /v1/events and the Segment-spec routes, put to
// /v1/contacts/{id} and posted to its unsubscribe and resubscribe routes, for an arbitrary id, which is also
// tried as a one-click token, before the contact is deleted. The server never panics (a panic would be answered 500) and answers
// 2xx or 4xx, never 5xx; what it accepts, the engine then runs without an
// error.
//
//	go test ./runtime/api -run XXX -fuzz FuzzIntake -fuzztime 60s
func FuzzIntake(f *testing.F) {
	for _, seed := range []struct{ id, body string }{
		{"c1", dealWon},
		{"c1", `{"events": [{"id": "a", "contact": "c", "name": "ping"}, {"id": "b", "contact": "c", "name": "form_submitted", "payload": {"form": "pricing-guide"}}]}`},
		{"c1", `{"id": "a", "contact": "c", "name": "deal_won", "payload": {"amount": 1e400, "currency": "usd", "closed_at": "2026-03-01T10:00:00Z", "cycle": "99999999999w", "items": [1e19, -0.0, 1E+2], "notes": {"": ""}}}`},
		{"c1", `{"events": {}}`}, {"c1", `{"events": [null, 1, "x", []]}`}, {"c1", `[]`}, {"c1", `null`}, {"c1", `1`}, {"c1", `"x"`}, {"c1", `{`}, {"c1", ``}, {"c1", `{"id": "a"}{}`},
		{"c1", `{"id": "a", "contact": "c", "name": "ping", "at": "2026-02-30T00:00:00Z"}`},
		{"c\x00", `{"id": "a\u0000", "contact": "c\u0000", "name": "ping"}`},
		{"\xff", `{"id": "a", "contact": "\ud800", "name": "form_submitted", "payload": {"form": "\u0000"}}`},
		{"ada@example.com", `{"attributes": {"email": "ada@example.com", "score": 9007199254740993, "lifecycle": "lead", "tags": ["a"], "limits": {"daily": 3}, "company": {"size": 1, "industry": "x"}, "last_login": "2026-03-01T10:00:00+01:00", "cooldown": "3d"}}`},
		{"c1", `{"attributes": {"score": 1, "score": 2}}`},
		{"c1", `{"attributes": {"company": {"size": 60}}, "at": "2026-03-02T10:00:00Z"}`},
		{"a/b c", `{"attributes": {"first_name": null, "limits": {"\u0000": 1}}}`},
		{"c1", `{"channel": "email", "state": "complained"}`}, {"c1", `{"channel": "emial"}`}, {"c1", `{"channel": null}`},
		{consent.Token(unsubscribeSecret, "c1", "email"), "List-Unsubscribe=One-Click"},
		{"c1", `{"batch": [{"type": "identify", "userId": "c1", "traits": {"firstName": "Ada", "score": 3}}, {"type": "track", "userId": "c1", "messageId": "m1", "event": "Form Submitted", "properties": {"form": "pricing-guide"}}], "sentAt": "2026-03-02T09:00:00Z"}`},
		{"c1", `{"userId": "c1", "messageId": "m2", "event": "deal_won", "properties": {"amount": 1, "currency": "usd", "closedAt": "2026-03-01T10:00:00Z", "cycle": "3d"}, "timestamp": "2026-03-02T08:00:00Z"}`},
		{"c1", `{"batch": [{"type": "page", "anonymousId": "a"}, {"type": "alias"}, null], "context": {}}`},
	} {
		f.Add(seed.id, seed.body)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "journey.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { store.Close() })
	e := newEnvOn(f, store, func(c *api.Config) { c.UnsubscribeSecret = unsubscribeSecret })
	sim := worker.NewSim(e.dep, store, start)
	f.Fuzz(func(t *testing.T, id, body string) {
		accepted := false
		contact := "/v1/contacts/" + url.PathEscape(id)
		for _, r := range []struct{ method, path string }{
			{"POST", "/v1/events"}, {"PUT", contact}, {"POST", contact + "/unsubscribe"}, {"POST", contact + "/resubscribe"},
			{"GET", "/v1/unsubscribe/" + url.PathEscape(id)}, {"POST", "/v1/unsubscribe/" + url.PathEscape(id)},
			{"POST", "/v1/batch"}, {"POST", "/v1/identify"}, {"POST", "/v1/track"}, {"POST", "/v1/page"},
		} {
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, request("127.0.0.1:1", r.method, r.path, body))
			if rec.Code < 200 || rec.Code >= 500 || rec.Code >= 300 && rec.Code < 400 {
				t.Fatalf("%s %s: status %d for %q: %s", r.method, r.path, rec.Code, body, rec.Body)
			}
			accepted = accepted || rec.Code < 300
		}
		if accepted {
			if err := sim.Advance(context.Background(), start.Add(time.Hour)); err != nil {
				t.Fatalf("running what was accepted of %q: %v", body, err)
			}
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, request("127.0.0.1:1", "DELETE", contact, ""))
		if rec.Code != 204 && (rec.Code < 400 || rec.Code >= 500) {
			t.Fatalf("DELETE %s: status %d: %s", contact, rec.Code, rec.Body)
		}
	})
}
