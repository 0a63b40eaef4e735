package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// testOutOfOrderEvents sends an event stamped before the time the engine
// has already run a contact to: it is taken when it arrives (the engine
// never rewinds a contact), and count() sees it at its own time.
func testOutOfOrderEvents(t *testing.T, newStore Open) {
	d := Deploy(t, map[string][]byte{
		"schema.journey": []byte("contact {\n  email: string?\n}\n\nevent signed_up\nevent page_viewed { path: string }\n\nteam sales\n"),
		"j.journey": []byte(`journey j

entry on signed_up

stage Browsing {
  after 3d if count("page_viewed", 3d) >= 2 {
    notify sales "two views in three days"
  }
}

stage Viewed on page_viewed when event.path == "/pricing" {
  notify sales "pricing"
}
`),
	}, nil)
	ctx := context.Background()
	db := newStore(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim := worker.NewSim(d, db, start)
	add := func(id, name string, payload map[string]any, at time.Time) {
		t.Helper()
		if _, err := db.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: id, Name: name, Payload: payload, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	add("e1", "signed_up", nil, start)
	if err := sim.Advance(ctx, start.Add(2*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Two page views stamped on day 1 arrive on day 2, after the
	// engine ran the contact to day 2: taken on day 2, counted at
	// day 1.
	add("e2", "page_viewed", map[string]any{"path": "/blog"}, start.Add(24*time.Hour))
	add("e3", "page_viewed", map[string]any{"path": "/docs"}, start.Add(24*time.Hour))
	sim.Now = start.Add(2*24*time.Hour + time.Hour)
	if err := sim.Advance(ctx, start.Add(5*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got := historyLines(t, db, "c1", start)
	want := []string{
		"0s enrolled 1",
		"0s stage Browsing",
		"3d branch then",
		"3d notified sales",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	st, err := db.Contact(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Events) != 3 || !st.Events[1].At.Equal(start.Add(24*time.Hour)) {
		t.Errorf("the late events keep their own times: %+v", st.Events)
	}
}
