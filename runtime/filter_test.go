package runtime_test

import (
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
)

const filterSchema = `
contact {
  email: string
}
event page_viewed { path: string }
`

// filterEngine deploys one journey entered when a filtered count holds.
func filterEngine(t *testing.T, cond string) *runtime.Engine {
	t.Helper()
	src := "journey j\n\nentry when " + cond + "\n\nstage S {\n  send \"nudge\"\n}\n"
	d := deployFiles(t, map[string][]byte{"schema.journey": []byte(filterSchema), "j.journey": []byte(src)}, wakeTemplates)
	return &runtime.Engine{Deployment: d}
}

// viewed is a contact that viewed the paths at the times, in order.
func viewed(views map[time.Time]string, order ...time.Time) *runtime.ContactState {
	s := &runtime.ContactState{ID: "c1", Attrs: map[string]any{"email": "a@example.com"}}
	for _, at := range order {
		s.Events = append(s.Events, runtime.EventMark{Name: "page_viewed", At: at, Payload: map[string]any{"path": views[at]}})
	}
	return s
}

// TestFilteredCountWake: a filtered count turns when its last matching
// event leaves the window, whatever other events of the kind do; the
// wake-up is that instant, and it is explained with the filter as written.
func TestFilteredCountWake(t *testing.T) {
	e := filterEngine(t, `count("page_viewed", 1d, event.path == "/pricing") == 0`)
	pricing, blog := t0.Add(-2*time.Hour), t0.Add(-time.Hour)
	views := map[time.Time]string{pricing: "/pricing", blog: "/blog"}
	out := e.Run(viewed(views, pricing, blog), nil, t0)
	if len(out.Records) != 0 {
		t.Fatalf("records %v, want none while /pricing is in the window", out.Records)
	}
	want := pricing.Add(24*time.Hour + time.Microsecond)
	if !out.Wake.Equal(want) {
		t.Errorf("wake-up %s, want %s", out.Wake, want)
	}
	if got := e.Run(viewed(views, pricing, blog), nil, want.Add(-time.Microsecond)).Records; len(got) != 0 {
		t.Errorf("enrolled a microsecond early: %v", got)
	}
	if got := e.Run(viewed(views, pricing, blog), nil, want).Records; len(got) == 0 || got[0].Kind != runtime.RecEnrolled {
		t.Errorf("records %v at the wake-up, want the enrollment", got)
	}
	xs := e.Deployment.ExplainWake()
	if len(xs) != 1 || !xs[0].Exact || len(xs[0].Forms) != 1 ||
		xs[0].Forms[0] != `count("page_viewed", 1d, event.path == "/pricing") == 0: count changes when a counted event leaves the window, or a later one enters it` {
		t.Errorf("explained %+v", xs)
	}
}

// TestFilteredCountKeepsPayload: the history keeps the fields of an event
// a deployed filter counts, and of no other.
func TestFilteredCountKeepsPayload(t *testing.T) {
	e := filterEngine(t, `count("page_viewed", 1d, event.path == "/pricing") >= 2`)
	if !e.Deployment.KeepsPayload("page_viewed") || e.Deployment.KeepsPayload("login") {
		t.Fatalf("KeepsPayload: page_viewed %v, login %v", e.Deployment.KeepsPayload("page_viewed"), e.Deployment.KeepsPayload("login"))
	}
	s := &runtime.ContactState{ID: "c1", Attrs: map[string]any{"email": "a@example.com"}}
	in := []runtime.Input{
		{Seq: 1, Kind: runtime.InputEvent, Name: "page_viewed", At: t0, Payload: map[string]any{"path": "/pricing"}},
		{Seq: 2, Kind: runtime.InputEvent, Name: "page_viewed", At: t0.Add(time.Hour), Payload: map[string]any{"path": "/blog"}},
	}
	out := e.Run(s, in, t0.Add(time.Hour))
	if len(s.Events) != 2 || s.Events[1].Payload["path"] != "/blog" {
		t.Fatalf("history %v, want both views with their paths", s.Events)
	}
	if len(out.Records) != 0 {
		t.Errorf("records %v: one view of /pricing is not two", out.Records)
	}
	in = []runtime.Input{{Seq: 3, Kind: runtime.InputEvent, Name: "page_viewed", At: t0.Add(2 * time.Hour), Payload: map[string]any{"path": "/pricing"}}}
	if out := e.Run(s, in, t0.Add(2*time.Hour)); len(out.Records) == 0 || out.Records[0].Kind != runtime.RecEnrolled {
		t.Errorf("records %v, want the enrollment on the second view of /pricing", out.Records)
	}
}
