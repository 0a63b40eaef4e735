package runtime_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
)

// TestTaskDueInBusinessDays: a task `due 1bd` is due one business day
// after it is created, counted in the contact's time zone. Created on
// Friday 23:00 UTC, that is Monday 23:00 UTC for a contact in UTC; in
// Auckland it is Saturday 12:00, which counts as Monday 00:00, so the task
// is due on Tuesday 00:00 there, Monday 11:00 UTC.
func TestTaskDueInBusinessDays(t *testing.T) {
	schema := "contact {\n  email: string\n  timezone: string?\n}\nevent signed_up\n"
	journey := "journey j\nentry on signed_up\nstage S {\n  after 4d14h task \"Call\" due 1bd\n}\n"
	d := deployFiles(t, map[string][]byte{"schema.journey": []byte(schema), "j.journey": []byte(journey)}, nil)
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
