package report

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// With a layout, the journeys and stages come in its order, a stage no one
// entered with zeros, and the conversion to the next follows that order;
// without it, stages come in the order first entered.
func TestBuildLayout(t *testing.T) {
	counts := func() *Counts {
		return &Counts{
			Versions: []VersionCount{{Journey: "b", Version: "v1", Enrolled: 10, Active: 10}},
			Stages: []StageCount{
				{Journey: "b", Stage: "Late", First: t0.Add(time.Hour), Entered: 4},
				{Journey: "b", Stage: "Early", First: t0, Entered: 10},
			},
		}
	}
	stages := func(r *Report) []string {
		var out []string
		for _, j := range r.Journeys {
			for _, s := range j.Stages {
				out = append(out, j.Journey+"."+s.Stage+" "+pct(s.ConversionToNext))
			}
		}
		return out
	}
	if diff := cmp.Diff([]string{"b.Early 40%", "b.Late -"}, stages(Build(counts(), Options{}))); diff != "" {
		t.Errorf("without a layout (-want +got):\n%s", diff)
	}
	r := Build(counts(), Options{Layout: []Layout{
		{Journey: "a", Stages: []string{"One"}},
		{Journey: "b", Stages: []string{"Early", "Middle", "Late"}},
	}})
	if diff := cmp.Diff([]string{"a.One -", "b.Early 0%", "b.Middle -", "b.Late -"}, stages(r)); diff != "" {
		t.Errorf("with a layout (-want +got):\n%s", diff)
	}
	if r.Journey("a") == nil || r.Journey("a").Enrolled != 0 || r.Journey("c") != nil {
		t.Errorf("Journey: %+v", r.Journeys)
	}
}

// The text and HTML of a report hold its figures; the HTML's funnel has
// one bar per stage and fetches nothing.
func TestWrite(t *testing.T) {
	r := Build(&Counts{
		Versions: []VersionCount{{Journey: "b", Version: "v1", Enrolled: 10, Active: 8, Converted: 2}},
		Stages: []StageCount{
			{Journey: "b", Stage: "Early", First: t0, Entered: 10, Current: 6, Converted: 1, Visits: 4, P50: 3600, P90: 90000},
			{Journey: "b", Stage: "Late", First: t0.Add(time.Hour), Entered: 4, Current: 2, Converted: 1},
		},
		Arms: []ArmCount{{Journey: "b", Split: "Early/split:offer#1", Arm: "control", Contacts: 5, Converted: 1}, {Journey: "b", Split: "Early/split:offer#1", Arm: "ten", Contacts: 5}},
	}, Options{})
	var text strings.Builder
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"b: 10 enrolled, 8 active, 2 converted (20%), 0 exited", "Early", "40%", "1h", "1d1h", "split offer (against control)", "too small to call"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text lacks %q:\n%s", want, text.String())
		}
	}
	var html strings.Builder
	if err := r.WriteHTML(&html, nil); err != nil {
		t.Fatal(err)
	}
	page := html.String()
	if n := strings.Count(page, `<rect class="stage"`); n != 2 {
		t.Errorf("%d stage bars, want 2", n)
	}
	for _, no := range []string{"http://", "https://", "<script", "<link"} {
		if strings.Contains(page, no) {
			t.Errorf("the page holds %q", no)
		}
	}
}

// Each version has the journey's breakdowns for its enrollments alone,
// its stages in the journey's order (a stage it has no one in with
// zeros), its rates over its own enrollments; the text and the HTML show
// each version's stages when there are two.
func TestBuildVersions(t *testing.T) {
	r := Build(&Counts{
		Versions: []VersionCount{
			{Journey: "b", Version: "v1", Enrolled: 6, Active: 4, Converted: 2},
			{Journey: "b", Version: "v2", Enrolled: 4, Active: 4},
		},
		Stages: []StageCount{
			{Journey: "b", Stage: "Early", First: t0, Entered: 10, Current: 6, Visits: 4, P50: 3600, P90: 7200},
			{Journey: "b", Stage: "Late", First: t0.Add(time.Hour), Entered: 4, Current: 2, Converted: 2},
		},
		Goals: []GoalCount{{Journey: "b", Goal: "bought", Conversions: 2, P50: 60, P90: 90}},
		ByVersion: Breakdown{
			Stages: []StageCount{
				{Journey: "b", Version: "v2", Stage: "Early", First: t0.Add(2 * time.Hour), Entered: 4, Current: 4},
				{Journey: "b", Version: "v1", Stage: "Late", First: t0.Add(time.Hour), Entered: 4, Current: 2, Converted: 2},
				{Journey: "b", Version: "v1", Stage: "Early", First: t0, Entered: 6, Current: 2, Visits: 4, P50: 3600, P90: 7200},
			},
			Messages: []MessageCount{{Journey: "b", Version: "v1", Step: "Early/send:hi#1", Template: "hi", Kind: "sent", Count: 6}},
			Goals:    []GoalCount{{Journey: "b", Version: "v1", Goal: "bought", Conversions: 2, P50: 60, P90: 90}},
		},
	}, Options{})
	j := r.Journey("b")
	type stage struct {
		Stage   string
		Entered int
		Next    string
	}
	stages := func(sts []*Stage) []stage {
		var out []stage
		for _, s := range sts {
			out = append(out, stage{s.Stage, s.Entered, pct(s.ConversionToNext)})
		}
		return out
	}
	got := map[string][]stage{"b": stages(j.Stages)}
	for _, v := range j.Versions {
		got[v.Version] = stages(v.Stages)
	}
	want := map[string][]stage{
		"b":  {{"Early", 10, "40%"}, {"Late", 4, "-"}},
		"v1": {{"Early", 6, "66.7%"}, {"Late", 4, "-"}},
		"v2": {{"Early", 4, "0%"}, {"Late", 0, "-"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	v1, v2 := j.Versions[0], j.Versions[1]
	if len(v1.Goals) != 1 || pct(v1.Goals[0].Rate) != "33.3%" || len(v2.Goals) != 0 {
		t.Errorf("goals: v1 %+v, v2 %+v", v1.Goals, v2.Goals)
	}
	if len(v1.Messages) != 1 || v1.Messages[0].Sent != 6 || len(v2.Messages) != 0 || v2.Splits == nil {
		t.Errorf("messages: v1 %+v, v2 %+v", v1.Messages, v2.Messages)
	}
	var text, html strings.Builder
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(&html, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version v1", "version v2"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text lacks %q:\n%s", want, text.String())
		}
	}
	if n := strings.Count(html.String(), `<table class="stages version">`); n != 2 {
		t.Errorf("%d tables of a version's stages, want 2", n)
	}
}
