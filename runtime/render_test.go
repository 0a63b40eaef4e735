package runtime_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// renderSchema is the schema of the rendering tests.
const renderSchema = `
contact {
  email:      string
  first_name: string?
  owner:      string?
  plan:       string?
  renews_at:  timestamp?
  company: {
    name: string
    size: int
  }
}
event signed_up

team sales
`

var renderTemplates = map[string][]byte{
	"welcome.md": []byte("subject: Welcome{{with .first_name}}, {{.}}{{end}}\n\n" +
		"Hi {{.first_name | default \"there\"}}, a team of {{.company.size}} at {{.company.name}}.\n" +
		"{{with .renews_at}}Renews {{date \"2 January 2006\" .}}.{{end}}\n"),
	"receipt.html": []byte("subject: Your receipt\ntransactional: true\n<p>Thanks, {{.company.name}} &amp; co: <b>{{.plan | default \"<none>\"}}</b></p>\n"),
}

// runRender runs the journey over a contact that signs up, and returns
// the actions written and the history.
func runRender(t *testing.T, journey string, attrs map[string]any) ([]map[string]any, []runtime.Record) {
	t.Helper()
	return runRenderUntil(t, journey, attrs, 0)
}

// runRenderUntil is runRender up to hours after the sign-up.
func runRenderUntil(t *testing.T, journey string, attrs map[string]any, hours int) ([]map[string]any, []runtime.Record) {
	t.Helper()
	d := storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(renderSchema), "j.journey": []byte(journey)}, renderTemplates)
	return runSignUp(t, &runtime.Engine{Deployment: d}, "ada", attrs, t0.Add(time.Duration(hours)*time.Hour))
}

// runSignUp runs contact id, which signs up at t0, on e up to until, and
// returns the payloads of the actions written, each with its kind, and
// the history.
func runSignUp(t *testing.T, e *runtime.Engine, id string, attrs map[string]any, until time.Time) ([]map[string]any, []runtime.Record) {
	t.Helper()
	s := &runtime.ContactState{ID: id, Attrs: attrs, Processed: t0}
	out := e.Run(s, []runtime.Input{{Seq: 1, Kind: runtime.InputEvent, Name: "signed_up", At: t0}}, until)
	var payloads []map[string]any
	for _, a := range out.Actions {
		var p map[string]any
		noErr(t, json.Unmarshal(a.Payload, &p))
		p["kind"] = a.Kind
		payloads = append(payloads, p)
	}
	return payloads, out.Records
}

// TestRenderedPayloads: the engine renders every text when it writes the
// action, over the contact as conditions see it.
func TestRenderedPayloads(t *testing.T) {
	journey := "journey j\nentry on signed_up\nstage S {\n" +
		"  send \"welcome\"\n  send \"receipt\"\n" +
		"  notify sales \"Lead {{.email}} from {{.company.name}}\"\n" +
		"  notify owner \"{{.first_name | default .email}} signed up\"\n" +
		"  task \"Call {{.company.name}}\" for owner due 2d\n}\n"
	tests := []struct {
		name  string
		attrs map[string]any
		want  []map[string]any
	}{
		{"every field", map[string]any{
			"email": "ada@example.com", "first_name": "Ada", "owner": "sam@acme.example", "plan": "pro",
			"renews_at": "2027-03-01T00:00:00Z", "company": map[string]any{"name": "Analytical", "size": 12.0},
		}, []map[string]any{
			{"kind": "send", "template": "welcome", "channel": "email", "contact": "ada", "to": "ada@example.com",
				"subject": "Welcome, Ada", "text": "Hi Ada, a team of 12 at Analytical.\nRenews 1 March 2027.\n"},
			{"kind": "send", "template": "receipt", "channel": "email", "contact": "ada", "to": "ada@example.com",
				"subject": "Your receipt", "transactional": true,
				"html": "<p>Thanks, Analytical &amp; co: <b>pro</b></p>\n", "text": "Thanks, Analytical & co: pro\n"},
			{"kind": "notify", "team": "sales", "text": "Lead ada@example.com from Analytical", "contact": "ada"},
			{"kind": "notify", "team": "sam@acme.example", "text": "Ada signed up", "contact": "ada"},
			{"kind": "task", "title": "Call Analytical", "for": "sam@acme.example", "due": "2026-01-07T09:00:00Z", "contact": "ada"},
		}},
		{"optional fields absent", map[string]any{
			"email": "bo@example.com", "company": map[string]any{"name": "B & Co", "size": 3},
		}, []map[string]any{
			{"kind": "send", "template": "welcome", "channel": "email", "contact": "ada", "to": "bo@example.com",
				"subject": "Welcome", "text": "Hi there, a team of 3 at B & Co.\n\n"},
			{"kind": "send", "template": "receipt", "channel": "email", "contact": "ada", "to": "bo@example.com",
				"subject": "Your receipt", "transactional": true,
				"html": "<p>Thanks, B &amp; Co &amp; co: <b>&lt;none&gt;</b></p>\n", "text": "Thanks, B & Co & co: <none>\n"},
			{"kind": "notify", "team": "sales", "text": "Lead bo@example.com from B & Co", "contact": "ada"},
			{"kind": "notify", "team": "owner", "text": "bo@example.com signed up", "contact": "ada"},
			{"kind": "task", "title": "Call B & Co", "for": "owner", "due": "2026-01-07T09:00:00Z", "contact": "ada"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := runRender(t, journey, tt.attrs)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("payloads (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRenderFails: a text that cannot render for this contact (a required
// field it lacks) writes no action; the step is recorded failed with the
// reason, and the timeline goes on.
func TestRenderFails(t *testing.T) {
	journey := "journey j\nentry on signed_up\nstage S {\n  send \"welcome\"\n  notify sales \"Lead at {{.company.name}}\"\n  tag \"done\"\n}\n"
	got, recs := runRender(t, journey, map[string]any{"email": "cy@example.com"})
	if len(got) != 0 {
		t.Errorf("actions written: %v", got)
	}
	var failed []string
	tagged := false
	for _, r := range recs {
		switch r.Kind {
		case runtime.RecFailed:
			failed = append(failed, r.Step+": "+r.Detail)
		case runtime.RecSent, runtime.RecNotified:
			t.Errorf("recorded %s: %s", r.Kind, r.Step)
		case runtime.RecTagged:
			tagged = true
		}
	}
	want := []string{
		`S/send:welcome#1: send "welcome": templates/welcome.md:3:58: executing "templates/welcome.md" at <.company.size>: map has no entry for key "company"`,
		`S/notify:sales#1: notify sales: template: notify:1:18: executing "notify" at <.company.name>: map has no entry for key "company"`,
	}
	if diff := cmp.Diff(want, failed); diff != "" {
		t.Errorf("failed records (-want +got):\n%s", diff)
	}
	if !tagged {
		t.Error("the step after the failed ones did not run")
	}
}

// TestRenderFailsUncounted: a send that fails to render does not count
// towards the journey's cap: the cap's one send a day goes to the next
// send that renders.
func TestRenderFailsUncounted(t *testing.T) {
	journey := "journey j\nentry on signed_up\ncap 1 sends per 1d\nstage S {\n  send \"welcome\"\n  after 1h send \"receipt\"\n}\n"
	got, recs := runRenderUntil(t, journey, map[string]any{"email": "cy@example.com", "company": map[string]any{"name": "Cy"}}, 2)
	if len(got) != 1 || got[0]["template"] != "receipt" {
		t.Errorf("actions: %v", got)
	}
	for _, r := range recs {
		if r.Kind == runtime.RecCapped {
			t.Errorf("capped: %s", r.Step)
		}
	}
}

// TestTaskDueInBusinessDays: a task `due 1bd` is due one business day
// after it is created, counted in the contact's time zone. Created on
// Friday 23:00 UTC, that is Monday 23:00 UTC for a contact in UTC; in
// Auckland it is Saturday 12:00, which counts as Monday 00:00, so the task
// is due on Tuesday 00:00 there, Monday 11:00 UTC.
func TestTaskDueInBusinessDays(t *testing.T) {
	schema := "contact {\n  email: string\n  timezone: string?\n}\nevent signed_up\n"
	journey := "journey j\nentry on signed_up\nstage S {\n  after 4d14h task \"Call\" due 1bd\n}\n"
	d := storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(schema), "j.journey": []byte(journey)}, nil)
	for _, tt := range []struct {
		zone, want string
	}{
		{"UTC", "2026-01-12T23:00:00Z"},
		{"Pacific/Auckland", "2026-01-12T11:00:00Z"},
	} {
		t.Run(tt.zone, func(t *testing.T) {
			e := &runtime.Engine{Deployment: d}
			s := &runtime.ContactState{ID: "ada", Attrs: map[string]any{"email": "a@example.com", "timezone": tt.zone}, Processed: t0}
			out := e.Run(s, []runtime.Input{{Seq: 1, Kind: runtime.InputEvent, Name: "signed_up", At: t0}}, t0.Add(5*24*time.Hour))
			if len(out.Actions) != 1 {
				t.Fatalf("got %d actions, want the task", len(out.Actions))
			}
			var p map[string]any
			noErr(t, json.Unmarshal(out.Actions[0].Payload, &p))
			if p["due"] != tt.want {
				t.Errorf("due %v, want %s", p["due"], tt.want)
			}
		})
	}
}
