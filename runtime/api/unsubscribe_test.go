package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/consent"
	"github.com/journeylang/journey/runtime/store"
)

// kindsOf is a contact's history as "kind detail" lines.
func kindsOf(t *testing.T, st store.Store, contact string) []string {
	t.Helper()
	recs, err := st.History(context.Background(), &store.HistoryParams{Contact: contact})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, r.Kind+" "+r.Detail)
	}
	return out
}

// TestUnsubscribe: the routes queue a change of consent, which the
// contact's next run takes up; a marketing send to the contact is then
// recorded unsubscribed; resubscribing undoes it.
func TestUnsubscribe(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.Token = token })
	auth := []string{"Authorization", "Bearer " + token}
	e.do("PUT", "/v1/contacts/c1", `{"attributes": {"email": "a@x"}}`, auth...).want(t, 202)
	e.advance(time.Minute)

	r := e.do("POST", "/v1/contacts/c1/unsubscribe", `{"channel": "email"}`, auth...).want(t, 202)
	if diff := cmp.Diff(map[string]any{"id": "c1", "channel": "email", "state": "unsubscribed"}, r.body); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	r = e.do("POST", "/v1/contacts/c1/unsubscribe", `{"state": "bounced"}`, auth...).want(t, 202)
	if diff := cmp.Diff(map[string]any{"id": "c1", "state": "bounced"}, r.body); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	e.do("GET", "/v1/contacts/c1/unsubscribe", "", auth...).wantError(t, 405, "method_not_allowed", "")
	e.do("POST", "/v1/events", `{"id": "e1", "contact": "c1", "name": "form_submitted", "payload": {"form": "pricing-guide"}, "at": "2026-03-02T09:02:00Z"}`, auth...).want(t, 202)
	e.advance(time.Hour)
	s, err := e.store.Contact(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"email": "bounced", "sms": "bounced"}, s.Consent); diff != "" {
		t.Errorf("consent (-want +got):\n%s", diff)
	}
	got := e.do("GET", "/v1/contacts/c1", "", auth...).want(t, 200).body["consent"]
	if diff := cmp.Diff(map[string]any{"email": "bounced", "sms": "bounced"}, got); diff != "" {
		t.Errorf("GET's consent (-want +got):\n%s", diff)
	}
	if k := kindsOf(t, e.store, "c1"); !strings.Contains(strings.Join(k, "\n"), "unsubscribed welcome") {
		t.Errorf("history: %v", k)
	}

	e.do("POST", "/v1/contacts/c1/resubscribe", `{"channel": "sms"}`, auth...).want(t, 202)
	e.advance(2 * time.Hour)
	if s, _ := e.store.Contact(context.Background(), "c1"); !cmp.Equal(s.Consent, map[string]string{"email": "bounced"}) {
		t.Errorf("after resubscribing on sms: %v", s.Consent)
	}
}

// TestOneClick: a mail client posts a link's token as a form, from
// anywhere, without the API token; the contact is unsubscribed from that
// channel. GET shows a page whose button posts, and changes nothing. A
// runner with no secret serves no links.
func TestOneClick(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	e := newEnv(t, func(c *api.Config) { c.Token, c.UnsubscribeSecret = token, secret })
	e.do("PUT", "/v1/contacts/c1", `{"attributes": {"email": "a@x"}}`, "Authorization", "Bearer "+token).want(t, 202)
	e.advance(time.Minute)
	path := "/v1/unsubscribe/" + consent.Token(secret, "c1", "email")

	page := e.doFrom("203.0.113.9:5000", "GET", path, "", "Host", "journeys.example.com", "Content-Type", "").want(t, 200)
	if ct := page.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(page.raw, `<form method="post">`) {
		t.Errorf("the page is %s:\n%s", ct, page.raw)
	}
	if !strings.Contains(page.header.Get("Content-Security-Policy"), "form-action 'self'") {
		t.Errorf("CSP: %q", page.header.Get("Content-Security-Policy"))
	}
	before := contentsOf(t, e.store, "c1")
	if _, ok, _ := e.store.NextWake(context.Background()); ok {
		t.Fatal("the page queued something")
	}

	done := e.doFrom("203.0.113.9:5000", "POST", path, "List-Unsubscribe=One-Click",
		"Host", "journeys.example.com", "Origin", "https://mail.example", "Content-Type", "application/x-www-form-urlencoded").want(t, 200)
	if !strings.Contains(done.raw, "Unsubscribed") {
		t.Errorf("answer: %s", done.raw)
	}
	if cmp.Equal(before, contentsOf(t, e.store, "c1")) {
		t.Fatal("the store looks unchanged")
	}
	e.advance(2 * time.Minute)
	s, err := e.store.Contact(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"email": runtime.ConsentUnsubscribed}, s.Consent); diff != "" {
		t.Errorf("consent (-want +got):\n%s", diff)
	}

	none := newEnv(t, nil)
	none.do("POST", path, "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded").wantError(t, 404, "not_found", "")
}
