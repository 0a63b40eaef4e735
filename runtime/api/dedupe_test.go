package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/store"
)

// TestEventTooOld: an event stamped further back than the dedupe window
// is refused, 400 too_old naming its at, with a message that says why; one
// stamped at the window's start is taken. The window is the server's
// setting, 30 days by default.
func TestEventTooOld(t *testing.T) {
	for _, tt := range []struct {
		name   string
		window time.Duration
		at     string
		field  string // "" when taken
		msg    string
	}{
		{name: "at the window's start", at: "2026-01-31T09:00:00Z"},
		{name: "just before", at: "2026-01-31T08:59:59.999Z", field: "at",
			msg: "at: 2026-01-31T08:59:59.999Z is older than the dedupe window of 30d, which began at 2026-01-31T09:00:00Z: a repeat of an event that old might no longer be recognised, so it is refused"},
		{name: "in another zone", at: "2026-01-31T09:59:59+01:00", field: "at"},
		{name: "a shorter window", window: 7 * 24 * time.Hour, at: "2026-02-20T09:00:00Z", field: "at",
			msg: "at: 2026-02-20T09:00:00Z is older than the dedupe window of 7d, which began at 2026-02-23T09:00:00Z: a repeat of an event that old might no longer be recognised, so it is refused"},
		{name: "a longer window", window: 90 * 24 * time.Hour, at: "2026-01-01T00:00:00Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *api.Config) { c.DedupeWindow = tt.window })
			r := e.do("POST", "/v1/events", `{"id": "e1", "contact": "c1", "name": "ping", "at": "`+tt.at+`"}`)
			if tt.field == "" {
				r.want(t, 202)
				return
			}
			r.wantError(t, 400, api.CodeTooOld, tt.field)
			if msg := r.body["error"]; tt.msg != "" && msg != tt.msg {
				t.Errorf("message %q\nwant      %q", msg, tt.msg)
			}
			e.nothingStored("c1")
		})
	}
}

// TestEventRetriedAfterRestart, on every kind of store: an event stamped
// 20 days before the server received it is taken; 9 days on, after a new
// leader of the chores pruned as the chores do, the same event sent again
// is a duplicate, and nothing more is enrolled or sent. 11 days on it is
// stamped before the window: refused, 400 too_old, the store unchanged.
func TestEventRetriedAfterRestart(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		now := start
		e := newEnvOn(t, st, func(c *api.Config) { c.Clock = func() time.Time { return now } })
		body := `{"id": "evt_1", "contact": "c1", "name": "form_submitted", "payload": {"form": "pricing-guide"}, "at": "2026-02-10T09:00:00Z"}`
		if r := e.do("POST", "/v1/events", body).want(t, 202); r.body["accepted"] != 1.0 {
			t.Fatalf("answer %s", r.raw)
		}
		e.advance(time.Hour)
		taken := contentsOf(t, st, "c1")
		if len(taken.Outbox) != 1 {
			t.Fatalf("outbox %+v, want the welcome", taken.Outbox)
		}
		prune := func() {
			t.Helper()
			if _, err := st.Prune(ctx, &store.PruneParams{Before: now.Add(-store.DefaultDedupeWindow)}); err != nil {
				t.Fatal(err)
			}
		}

		now = start.Add(9 * 24 * time.Hour)
		prune()
		r := e.do("POST", "/v1/events", body).want(t, 202)
		if r.body["accepted"] != 0.0 || r.body["duplicates"] != 1.0 {
			t.Fatalf("answer to the repeat %s", r.raw)
		}
		e.advance(10 * 24 * time.Hour)
		if d := cmp.Diff(taken.Outbox, contentsOf(t, st, "c1").Outbox); d != "" {
			t.Errorf("the outbox changed (-before +after):\n%s", d)
		}

		now = start.Add(11 * 24 * time.Hour)
		prune()
		before := contentsOf(t, st, "c1")
		e.do("POST", "/v1/events", body).wantError(t, 400, api.CodeTooOld, "at")
		if d := cmp.Diff(before, contentsOf(t, st, "c1")); d != "" {
			t.Errorf("the store changed (-before +after):\n%s", d)
		}
	})
}
