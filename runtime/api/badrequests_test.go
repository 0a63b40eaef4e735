package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/consent"
	"github.com/journeylang/journey/runtime/store"
)

// badRequest is a request an intake must refuse, and how.
type badRequest struct {
	name               string
	open               bool // sent to the server without a token (else to the one with)
	method, path, body string
	header             []string // besides the token, for the server with one
	status             int
	code, field        string
}

// The token of the server with one.
const token = "s3cret"

// event is a form_submitted event with the given id, contact and form,
// each JSON text.
func event(id, contact, form string) string {
	return fmt.Sprintf(`{"id": %s, "contact": %s, "name": "form_submitted", "payload": {"form": %s}}`, id, contact, form)
}

// bigBatch is a batch of api.MaxBatch good events, each for a contact of
// its own, but for the last, whose form holds a NUL.
func bigBatch() string {
	var b strings.Builder
	b.WriteString(`{"events": [`)
	for i := range api.MaxBatch {
		if i > 0 {
			b.WriteString(", ")
		}
		form := `"pricing-guide"`
		if i == api.MaxBatch-1 {
			form = `"pricing\u0000guide"`
		}
		b.WriteString(event(fmt.Sprintf(`"b%d"`, i), fmt.Sprintf(`"b%d"`, i), form))
	}
	b.WriteString("]}")
	return b.String()
}

var badRequests = []badRequest{
	// The body.
	{name: "malformed JSON", method: "POST", path: "/v1/events", body: `{"id": "e1", "contact": `, status: 400, code: "malformed_json"},
	{name: "oversized body", method: "POST", path: "/v1/events", body: event(`"e1"`, `"c1"`, `"`+strings.Repeat("x", int(api.DefaultMaxBody))+`"`), status: 413, code: "body_too_large"},
	{name: "duplicate key", method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"score": 1}, "attributes": {"score": 99}}`, status: 400, code: "duplicate_key", field: "attributes"},
	{name: "duplicate nested key", method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"company": {"size": 1, "size": 2}}}`, status: 400, code: "duplicate_key", field: "attributes.company.size"},
	{name: "duplicate key in a batch", method: "POST", path: "/v1/events", body: `{"events": [` + event(`"e1"`, `"c1"`, `"x"`) + `, {"id": "e2", "contact": "c1", "contact": "c2", "name": "ping"}]}`, status: 400, code: "duplicate_key", field: "events[1].contact"},
	{name: "duplicate map key", method: "POST", path: "/v1/events", body: `{"id": "e1", "contact": "c1", "name": "deal_won", "payload": {"amount": 1, "currency": "usd", "closed_at": "2026-03-01T10:00:00Z", "cycle": "1h", "notes": {"a b": "x", "a b": "y"}}}`, status: 400, code: "duplicate_key", field: `payload.notes["a b"]`},

	// Fields.
	{name: "unknown event field", method: "POST", path: "/v1/events", body: `{"id":"e1","contact":"c1","name":"form_submitted","payload":{"form":"x","pag":"/"}}`, status: 400, code: "unknown_field", field: "payload.pag"},
	{name: "unknown event", method: "POST", path: "/v1/events", body: `{"id":"e1","contact":"c1","name":"form_submited","payload":{"form":"x"}}`, status: 400, code: "bad_value", field: "name"},
	{name: "wrong type", method: "PUT", path: "/v1/contacts/c1", body: `{"attributes":{"email":"a@x","score":"ten"}}`, status: 400, code: "wrong_type", field: "attributes.score"},
	{name: "unknown contact field", method: "PUT", path: "/v1/contacts/c1", body: `{"attributes":{"scroe":10}}`, status: 400, code: "unknown_field", field: "attributes.scroe"},
	{name: "bad enum value", method: "PUT", path: "/v1/contacts/c1", body: `{"attributes":{"lifecycle":"custmer"}}`, status: 400, code: "bad_value", field: "attributes.lifecycle"},
	{name: "unknown contact", method: "GET", path: "/v1/contacts/nobody", status: 404, code: "not_found", field: "id"},
	{name: "release of an unknown contact", method: "POST", path: "/v1/contacts/nobody/release", body: `{}`, status: 404, code: "not_found", field: "id"},
	{name: "release of a journey not deployed", method: "POST", path: "/v1/contacts/c1/release", body: `{"journey": "lead_nurtur"}`, status: 400, code: "bad_value", field: "journey"},
	{name: "release with an unknown field", method: "POST", path: "/v1/contacts/c1/release", body: `{"journeys": ["lead_nurture"]}`, status: 400, code: "unknown_field", field: "journeys"},
	{name: "release of a contact id with NUL", method: "POST", path: "/v1/contacts/c%001/release", body: `{}`, status: 400, code: "bad_value", field: "id"},

	// Enrollment.
	{name: "enrollment in a journey not deployed", method: "POST", path: "/v1/journeys/lead_nurtur/enrollments", body: `{"contact": "c1"}`, status: 404, code: "not_found", field: "name"},
	{name: "enrollment of an unknown contact", method: "POST", path: "/v1/journeys/lead_nurture/enrollments", body: `{"contact": "nobody"}`, status: 404, code: "not_found", field: "contact"},
	{name: "batch enrollment with an unknown contact", method: "POST", path: "/v1/journeys/lead_nurture/enrollments", body: `{"contacts": ["c1", "nobody"]}`, status: 404, code: "not_found", field: "contacts[1]"},
	{name: "batch enrollment with a contact id with NUL", method: "POST", path: "/v1/journeys/lead_nurture/enrollments", body: `{"contacts": ["c1", "c\u00001"]}`, status: 400, code: "bad_value", field: "contacts[1]"},
	{name: "batch enrollment with a number", method: "POST", path: "/v1/journeys/lead_nurture/enrollments", body: `{"contacts": ["c1", 2]}`, status: 400, code: "wrong_type", field: "contacts[1]"},
	{name: "empty batch enrollment", method: "POST", path: "/v1/journeys/lead_nurture/enrollments", body: `{"contacts": []}`, status: 400, code: "bad_value", field: "contacts"},
	{name: "enrollment without a contact", method: "POST", path: "/v1/journeys/lead_nurture/enrollments", body: `{}`, status: 400, code: "missing_field", field: "contact"},
	{name: "enrollment of one contact and a batch", method: "POST", path: "/v1/journeys/lead_nurture/enrollments", body: `{"contact": "c1", "contacts": ["c1"]}`, status: 400, code: "bad_value", field: "contacts"},
	{name: "enrollment with an unknown field", method: "POST", path: "/v1/journeys/lead_nurture/enrollments", body: `{"contakt": "c1"}`, status: 400, code: "unknown_field", field: "contakt"},
	{name: "enrollment with a body not an object", method: "POST", path: "/v1/journeys/lead_nurture/enrollments", body: `["c1"]`, status: 400, code: "wrong_type"},
	{name: "enrollment with GET", method: "GET", path: "/v1/journeys/lead_nurture/enrollments", status: 405, code: "method_not_allowed"},

	// Consent.
	{name: "unsubscribe of an unknown contact", method: "POST", path: "/v1/contacts/nobody/unsubscribe", body: `{}`, status: 404, code: "not_found", field: "id"},
	{name: "unsubscribe from a channel unknown", method: "POST", path: "/v1/contacts/c1/unsubscribe", body: `{"channel": "emial"}`, status: 400, code: "bad_value", field: "channel"},
	{name: "unsubscribe from a channel not a string", method: "POST", path: "/v1/contacts/c1/unsubscribe", body: `{"channel": ["email"]}`, status: 400, code: "wrong_type", field: "channel"},
	{name: "unsubscribe to a state unknown", method: "POST", path: "/v1/contacts/c1/unsubscribe", body: `{"channel": "email", "state": "subscribed"}`, status: 400, code: "bad_value", field: "state"},
	{name: "unsubscribe with an unknown field", method: "POST", path: "/v1/contacts/c1/unsubscribe", body: `{"channels": ["email"]}`, status: 400, code: "unknown_field", field: "channels"},
	{name: "unsubscribe with no body", method: "POST", path: "/v1/contacts/c1/unsubscribe", status: 400, code: "malformed_json"},
	{name: "unsubscribe of a contact id with NUL", method: "POST", path: "/v1/contacts/c%001/unsubscribe", body: `{}`, status: 400, code: "bad_value", field: "id"},
	{name: "resubscribe with a state", method: "POST", path: "/v1/contacts/c1/resubscribe", body: `{"state": "unsubscribed"}`, status: 400, code: "unknown_field", field: "state"},
	{name: "resubscribe to a channel unknown", method: "POST", path: "/v1/contacts/c1/resubscribe", body: `{"channel": "fax"}`, status: 400, code: "bad_value", field: "channel"},
	{name: "resubscribe of an unknown contact", method: "POST", path: "/v1/contacts/nobody/resubscribe", body: `{"channel": "sms"}`, status: 404, code: "not_found", field: "id"},
	{name: "unsubscribe without the API token", method: "POST", path: "/v1/contacts/c1/unsubscribe", body: `{}`, header: []string{"Authorization", ""}, status: 401, code: "unauthorized"},
	{name: "unsubscribe from a foreign origin", open: true, method: "POST", path: "/v1/contacts/c1/unsubscribe", body: `{}`, header: []string{"Origin", "https://evil.example"}, status: 403, code: "forbidden"},
	{name: "unsubscribe as a form", open: true, method: "POST", path: "/v1/contacts/c1/unsubscribe", body: `channel=email`, header: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 415, code: "unsupported_media_type"},

	// Erasure.
	{name: "erasure of an unknown contact", method: "DELETE", path: "/v1/contacts/nobody", status: 404, code: "not_found", field: "id"},
	{name: "erasure of a contact id with NUL", method: "DELETE", path: "/v1/contacts/c%001", status: 400, code: "bad_value", field: "id"},
	{name: "erasure without the API token", method: "DELETE", path: "/v1/contacts/c1", header: []string{"Authorization", ""}, status: 401, code: "unauthorized"},
	{name: "erasure from a foreign origin", open: true, method: "DELETE", path: "/v1/contacts/c1", header: []string{"Origin", "https://evil.example"}, status: 403, code: "forbidden"},
	{name: "erasure without JSON", open: true, method: "DELETE", path: "/v1/contacts/c1", header: []string{"Content-Type", ""}, status: 415, code: "unsupported_media_type"},

	// One-click links: no API token, any host, origin and content type;
	// the token is the proof.
	{name: "one-click with a forged token", open: true, method: "POST", path: "/v1/unsubscribe/" + forged("c1", "email"), body: "List-Unsubscribe=One-Click", header: oneClickHeader, status: 400, code: "bad_value", field: "token"},
	{name: "one-click with another contact's MAC", open: true, method: "POST", path: "/v1/unsubscribe/" + swapped("c1", "b0"), body: "List-Unsubscribe=One-Click", header: oneClickHeader, status: 400, code: "bad_value", field: "token"},
	{name: "one-click with the channel changed", open: true, method: "POST", path: "/v1/unsubscribe/sms." + strings.SplitN(consent.Token(unsubscribeSecret, "c1", "email"), ".", 2)[1], body: "List-Unsubscribe=One-Click", header: oneClickHeader, status: 400, code: "bad_value", field: "token"},
	{name: "one-click with a cut token", method: "POST", path: "/v1/unsubscribe/" + consent.Token(unsubscribeSecret, "c1", "email")[:20], body: "List-Unsubscribe=One-Click", header: oneClickHeader, status: 400, code: "bad_value", field: "token"},
	{name: "one-click with a token of an unknown channel", method: "POST", path: "/v1/unsubscribe/" + consent.Token(unsubscribeSecret, "c1", "fax"), body: "List-Unsubscribe=One-Click", header: oneClickHeader, status: 400, code: "bad_value", field: "token"},
	{name: "one-click with a token of a contact id with NUL", method: "POST", path: "/v1/unsubscribe/" + consent.Token(unsubscribeSecret, "c\x001", "email"), body: "List-Unsubscribe=One-Click", header: oneClickHeader, status: 400, code: "bad_value", field: "token"},
	{name: "one-click for an unknown contact", open: true, method: "POST", path: "/v1/unsubscribe/" + consent.Token(unsubscribeSecret, "nobody", "email"), body: "List-Unsubscribe=One-Click", header: oneClickHeader, status: 404, code: "not_found", field: "token"},
	{name: "one-click page of a forged token", open: true, method: "GET", path: "/v1/unsubscribe/" + forged("c1", "email"), header: oneClickHeader, status: 400, code: "bad_value", field: "token"},
	{name: "one-click with an oversized body", open: true, method: "POST", path: "/v1/unsubscribe/" + consent.Token(unsubscribeSecret, "c1", "email"), body: strings.Repeat("x", int(api.DefaultMaxBody)+1), header: oneClickHeader, status: 413, code: "body_too_large"},
	{name: "one-click with PUT", open: true, method: "PUT", path: "/v1/unsubscribe/" + consent.Token(unsubscribeSecret, "c1", "email"), body: "x", header: oneClickHeader, status: 405, code: "method_not_allowed"},

	// Ids.
	{name: "contact id not UTF-8", method: "PUT", path: "/v1/contacts/%FF", body: `{"attributes": {"score": 1}}`, status: 400, code: "bad_value", field: "id"},
	{name: "contact id with NUL", method: "PUT", path: "/v1/contacts/c%001", body: `{"attributes": {"score": 1}}`, status: 400, code: "bad_value", field: "id"},
	{name: "contact id with a newline", method: "PUT", path: "/v1/contacts/c%0A1", body: `{"attributes": {"score": 1}}`, status: 400, code: "bad_value", field: "id"},
	{name: "contact id with DEL", method: "PUT", path: "/v1/contacts/c%7F1", body: `{"attributes": {"score": 1}}`, status: 400, code: "bad_value", field: "id"},
	{name: "contact id too long", method: "PUT", path: "/v1/contacts/" + strings.Repeat("c", api.MaxIDLength+1), body: `{"attributes": {"score": 1}}`, status: 400, code: "bad_value", field: "id"},
	{name: "contact id not UTF-8, read", method: "GET", path: "/v1/contacts/%FF", status: 400, code: "bad_value", field: "id"},
	{name: "contact id with NUL, read", method: "GET", path: "/v1/contacts/c%001", status: 400, code: "bad_value", field: "id"},
	{name: "event id with NUL", method: "POST", path: "/v1/events", body: event(`"e\u00001"`, `"c1"`, `"x"`), status: 400, code: "bad_value", field: "id"},
	{name: "event id with a C1 control", method: "POST", path: "/v1/events", body: event(`"e\u00851"`, `"c1"`, `"x"`), status: 400, code: "bad_value", field: "id"},
	{name: "event id too long", method: "POST", path: "/v1/events", body: event(`"`+strings.Repeat("é", api.MaxIDLength/2+1)+`"`, `"c1"`, `"x"`), status: 400, code: "bad_value", field: "id"},
	{name: "event contact with NUL", method: "POST", path: "/v1/events", body: event(`"e1"`, `"c\u00001"`, `"x"`), status: 400, code: "bad_value", field: "contact"},
	{name: "event contact with ESC", method: "POST", path: "/v1/events", body: event(`"e1"`, `"c\u001b1"`, `"x"`), status: 400, code: "bad_value", field: "contact"},
	{name: "event contact too long", method: "POST", path: "/v1/events", body: event(`"e1"`, `"`+strings.Repeat("c", api.MaxIDLength+1)+`"`, `"x"`), status: 400, code: "bad_value", field: "contact"},

	// Time: an event stamped before the dedupe window (30 days before the
	// clock's 2026-03-02T09:00:00Z), alone or in a batch.
	{name: "event stamped before the window", method: "POST", path: "/v1/events", body: `{"id": "old1", "contact": "c2", "name": "ping", "at": "2026-01-31T08:59:59Z"}`, status: 400, code: "too_old", field: "at"},
	{name: "old event in a batch", method: "POST", path: "/v1/events", body: `{"events": [` + event(`"e1"`, `"c2"`, `"x"`) + `, {"id": "old1", "contact": "c2", "name": "ping", "at": "2025-03-02T09:00:00Z"}]}`, status: 400, code: "too_old", field: "events[1].at"},

	// NUL in text.
	{name: "NUL in a payload", method: "POST", path: "/v1/events", body: event(`"e1"`, `"c1"`, `"pricing\u0000guide"`), status: 400, code: "bad_value", field: "payload.form"},
	{name: "NUL in an attribute", method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"email": "a\u0000@x"}}`, status: 400, code: "bad_value", field: "attributes.email"},
	{name: "NUL in a nested attribute", method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"company": {"industry": "\u0000"}}}`, status: 400, code: "bad_value", field: "attributes.company.industry"},
	{name: "NUL in a list", method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"tags": ["a", "b\u0000"]}}`, status: 400, code: "bad_value", field: "attributes.tags[1]"},
	{name: "NUL in a map key", method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"limits": {"da\u0000ly": 3}}}`, status: 400, code: "bad_value", field: `attributes.limits["da\x00ly"]`},
	{name: "NUL in a map value", method: "POST", path: "/v1/events", body: `{"id": "e1", "contact": "c1", "name": "deal_won", "payload": {"amount": 1, "currency": "usd", "closed_at": "2026-03-01T10:00:00Z", "cycle": "1h", "notes": {"k": "\u0000"}}}`, status: 400, code: "bad_value", field: `payload.notes["k"]`},
	{name: "NUL in the last event of a full batch", method: "POST", path: "/v1/events", body: bigBatch(), status: 400, code: "bad_value", field: fmt.Sprintf("events[%d].payload.form", api.MaxBatch-1)},

	// Authentication.
	{name: "missing token", method: "POST", path: "/v1/events", body: event(`"e1"`, `"c1"`, `"x"`), header: []string{"Authorization", ""}, status: 401, code: "unauthorized"},
	{name: "wrong token", method: "POST", path: "/v1/events", body: event(`"e1"`, `"c1"`, `"x"`), header: []string{"Authorization", "Bearer nope"}, status: 401, code: "unauthorized"},

	// Without a token: a loopback Host, the server's own Origin, JSON.
	{name: "host not loopback", open: true, method: "POST", path: "/v1/events", body: event(`"e1"`, `"c1"`, `"x"`), header: []string{"Host", "rebound.example:8080"}, status: 403, code: "forbidden"},
	{name: "host an address not loopback", open: true, method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"score": 1}}`, header: []string{"Host", "192.0.2.1:8080"}, status: 403, code: "forbidden"},
	{name: "no host", open: true, method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"score": 1}}`, header: []string{"Host", ""}, status: 403, code: "forbidden"},
	{name: "host not loopback, read", open: true, method: "GET", path: "/v1/contacts/c1", header: []string{"Host", "rebound.example"}, status: 403, code: "forbidden"},
	{name: "foreign origin", open: true, method: "POST", path: "/v1/events", body: event(`"e1"`, `"c1"`, `"x"`), header: []string{"Origin", "https://evil.example"}, status: 403, code: "forbidden"},
	{name: "loopback origin on another port", open: true, method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"score": 1}}`, header: []string{"Origin", "http://127.0.0.1:3000"}, status: 403, code: "forbidden"},
	{name: "null origin", open: true, method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"score": 1}}`, header: []string{"Origin", "null"}, status: 403, code: "forbidden"},
	{name: "foreign origin, read", open: true, method: "GET", path: "/v1/contacts/c1", header: []string{"Origin", "https://evil.example"}, status: 403, code: "forbidden"},
	{name: "no content type", open: true, method: "POST", path: "/v1/events", body: event(`"e1"`, `"c1"`, `"x"`), header: []string{"Content-Type", ""}, status: 415, code: "unsupported_media_type"},
	{name: "text/plain", open: true, method: "POST", path: "/v1/events", body: event(`"e1"`, `"c1"`, `"x"`), header: []string{"Content-Type", "text/plain"}, status: 415, code: "unsupported_media_type"},
	{name: "form", open: true, method: "PUT", path: "/v1/contacts/c1", body: `{"attributes": {"score": 1}}`, header: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 415, code: "unsupported_media_type"},
}

// unsubscribeSecret is the secret of the one-click links of the servers
// of TestBadRequests.
var unsubscribeSecret = []byte("0123456789abcdef0123456789abcdef")

// oneClickHeader is how a mail client posts a one-click link: a form, to
// the public host, from no page of ours.
var oneClickHeader = []string{"Content-Type", "application/x-www-form-urlencoded", "Host", "journeys.example.com", "Origin", "https://mail.example"}

// forged is a contact's one-click token made with another secret.
func forged(contact, channel string) string {
	return consent.Token([]byte("not the runner's secret, though long"), contact, channel)
}

// swapped is the token of one contact with the contact of another put in.
func swapped(contact, other string) string {
	a := strings.Split(consent.Token(unsubscribeSecret, contact, "email"), ".")
	b := strings.Split(consent.Token(unsubscribeSecret, other, "email"), ".")
	return a[0] + "." + b[1] + "." + a[2]
}

// TestBadRequests sends the bad requests an intake meets, one table, on
// each kind of store holding a contact already: each gets its 4xx, naming
// the field at fault, and the store's contents are as they were.
func TestBadRequests(t *testing.T) {
	eachStore(t, func(t *testing.T, db store.Store) {
		open := newEnvOn(t, db, func(c *api.Config) { c.UnsubscribeSecret = unsubscribeSecret })
		withToken := newEnvOn(t, db, func(c *api.Config) { c.Token, c.UnsubscribeSecret = token, unsubscribeSecret })
		open.do("PUT", "/v1/contacts/c1", `{"attributes": {"email": "a@x", "score": 10, "lifecycle": "lead", "tags": ["a"], "limits": {"daily": 3}, "company": {"size": 3, "industry": "software"}}}`).want(t, 202)
		open.do("POST", "/v1/events", event(`"e0"`, `"c1"`, `"pricing-guide"`)).want(t, 202)
		open.advance(time.Hour)
		watched := []string{"c1", "c2", "b0", "nobody"}
		seeded := contentsOf(t, db, watched...)
		if seeded.Contacts["c1"] == nil || len(seeded.History) == 0 || seeded.Stats.DueContacts != 0 {
			t.Fatalf("the store is not seeded as the test means: %+v", seeded)
		}
		for _, tt := range badRequests {
			t.Run(tt.name, func(t *testing.T) {
				e := *withToken
				header := append([]string{"Authorization", "Bearer " + token}, tt.header...)
				if tt.open {
					e, header = *open, tt.header
				}
				e.t = t
				before := contentsOf(t, db, watched...)
				r := e.do(tt.method, tt.path, tt.body, header...)
				if r.status != tt.status {
					t.Fatalf("status %d, want %d: %.500s", r.status, tt.status, r.raw)
				}
				if r.body["code"] != tt.code || tt.field != "" && r.body["field"] != tt.field {
					t.Errorf("code %v field %v, want %s %s: %.500s", r.body["code"], r.body["field"], tt.code, tt.field, r.raw)
				}
				if msg, _ := r.body["error"].(string); msg == "" {
					t.Errorf("no error message: %.500s", r.raw)
				}
				if d := cmp.Diff(before, contentsOf(t, db, watched...)); d != "" {
					t.Errorf("the store changed (-before +after):\n%s", d)
				}
			})
		}
	})
}

// TestGoodRequestsChangeTheStore checks the check above: a good request,
// sent the same way, changes what contentsOf reads.
func TestGoodRequestsChangeTheStore(t *testing.T) {
	eachStore(t, func(t *testing.T, db store.Store) {
		e := newEnvOn(t, db, nil)
		for i, body := range []string{event(`"e1"`, `"c2"`, `"x"`), event(`"e2"`, `"c2"`, `"x"`)} {
			before := contentsOf(t, db, "c1", "c2")
			e.do("POST", "/v1/events", body).want(t, http.StatusAccepted)
			if cmp.Equal(before, contentsOf(t, db, "c1", "c2")) {
				t.Errorf("request %d: the store looks unchanged", i)
			}
			e.advance(time.Duration(i+1) * time.Hour)
		}
	})
}

// TestExactIntegers: an int above 2^53, which a float64 cannot hold, is
// kept exactly from the request through the store and the engine's runs
// (a later event makes the engine read the contact and write it back) to
// the answer of GET, on every kind of store.
func TestExactIntegers(t *testing.T) {
	const big = "9007199254740993" // 2^53 + 1
	eachStore(t, func(t *testing.T, db store.Store) {
		e := newEnvOn(t, db, nil)
		e.do("PUT", "/v1/contacts/c1", `{"attributes": {"email": "a@x", "score": `+big+`, "limits": {"daily": `+big+`}, "company": {"size": -`+big+`, "industry": "x"}}}`).want(t, 202)
		e.advance(time.Minute)
		e.do("POST", "/v1/events", `{"id": "e1", "contact": "c1", "name": "form_submitted", "payload": {"form": "pricing-guide"}, "at": "2026-03-02T10:00:00Z"}`).want(t, 202)
		e.do("PUT", "/v1/contacts/c1", `{"attributes": {"tags": ["a"]}, "at": "2026-03-02T10:00:01Z"}`).want(t, 202)
		e.advance(2 * time.Hour)

		r := e.do("GET", "/v1/contacts/c1", "").want(t, 200)
		dec := json.NewDecoder(strings.NewReader(r.raw))
		dec.UseNumber()
		var got struct {
			Attributes  map[string]any
			Enrollments []map[string]any
		}
		if err := dec.Decode(&got); err != nil {
			t.Fatal(err)
		}
		a := got.Attributes
		if a["score"] != json.Number(big) || fmt.Sprint(a["limits"]) != "map[daily:"+big+"]" || fmt.Sprint(a["company"]) != "map[industry:x size:-"+big+"]" {
			t.Errorf("attributes %v, want the ints as they were sent", a)
		}
		if len(got.Enrollments) != 1 || fmt.Sprint(a["tags"]) != "[a]" {
			t.Errorf("the event and the later update were not both processed: %s", r.raw)
		}
		st, err := db.Contact(context.Background(), "c1")
		if err != nil {
			t.Fatal(err)
		}
		if st.Attrs["score"] != int64(9007199254740993) {
			t.Errorf("the store's score is %T %v, want int64 %s", st.Attrs["score"], st.Attrs["score"], big)
		}
	})
}
