package compiler_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
)

// TestSeveralEvents compiles triggers of several events and checks what
// the IR's consumers read of them: the events the journey listens for,
// HasEvent on each trigger, and the graph's edge labels listing them.
func TestSeveralEvents(t *testing.T) {
	base := readArchive(t, "../testdata/check/_base.txtar")
	sources, templates := workspaceFiles(base)
	sources["j.journey"] = []byte(`journey j

entry on login, meeting_booked

stage Lead {
  wait for email_opened, meeting_booked within 3d {
    send "welcome"
  }
}
stage Decision on page_viewed, meeting_booked when score > 1 {
  send "welcome"
}
`)
	prog, diags := compiler.Compile(compiler.NewWorkspace(sources, templates))
	if diags.HasErrors() {
		t.Fatalf("does not compile: %v", diags)
	}
	var j *compiler.Journey
	for _, pj := range prog.Journeys {
		if pj.Name == "j" {
			j = pj
		}
	}
	if j == nil {
		t.Fatal("no journey j")
	}
	if diff := cmp.Diff([]string{"email_opened", "login", "meeting_booked", "page_viewed"}, j.Events); diff != "" {
		t.Errorf("Events (-want +got):\n%s", diff)
	}
	wait := j.Stages[0].Steps[0]
	for _, tt := range []struct {
		what, events string
		yes, no      []string
	}{
		{"entry", j.Entries[0].Event, []string{"login", "meeting_booked"}, []string{"page_viewed", "meeting", ""}},
		{"wait", wait.Target, []string{"email_opened", "meeting_booked"}, []string{"login"}},
		{"stage", j.Stages[1].On, []string{"page_viewed", "meeting_booked"}, []string{"email_opened"}},
	} {
		for _, n := range tt.yes {
			if !compiler.HasEvent(tt.events, n) {
				t.Errorf("%s %q: HasEvent(%q) = false", tt.what, tt.events, n)
			}
		}
		for _, n := range tt.no {
			if compiler.HasEvent(tt.events, n) {
				t.Errorf("%s %q: HasEvent(%q) = true", tt.what, tt.events, n)
			}
		}
	}
	var labels []string
	for _, e := range compiler.BuildGraph(j).Edges {
		labels = append(labels, e.Label)
	}
	for _, want := range []string{"on login, meeting_booked", "on email_opened, meeting_booked", "on page_viewed, meeting_booked when score > 1"} {
		if !slices.Contains(labels, want) {
			t.Errorf("no edge labelled %q among %q", want, labels)
		}
	}
}
