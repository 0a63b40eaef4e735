package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime/report"
)

const graphJourney = `journey loop

entry on signed_up
goal  bought when plan == "paid"

stage A {
  send "hello"
  after 1d next
}

stage B when score >= 50 {
  after 2d goto D
}

stage C on pinged {
  after 1d goto A
}

stage D {
  after 1d goto D
}
`

// TestGraphSVG draws a journey with every kind of arrow between stages:
// the page has one <svg class="graph"> with a box per stage in written
// order, each with its figures, and one arrow per distinct
// arrow of the compiler's graph between stages (the entry's, the
// triggers, next, goto forward, backward and to itself) plus the check
// of the goal, each with its label.
func TestGraphSVG(t *testing.T) {
	prog, diags := compiler.Compile(compiler.NewWorkspace(map[string][]byte{
		"loop.journey":   []byte(graphJourney),
		"schema.journey": []byte("contact {\n  score: int\n  plan: string?\n}\n\nevent signed_up\nevent pinged\n"),
	}, map[string][]byte{"hello.md": []byte("subject: Hello\n")}))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := report.Build(&report.Counts{Stages: []report.StageCount{
		{Journey: "loop", Stage: "A", Entered: 5, Current: 2},
		{Journey: "loop", Stage: "B", Entered: 3, Current: 3},
	}}, report.Options{Layout: report.LayoutOf(prog.Journeys)})
	var page bytes.Buffer
	if err := r.WriteHTML(&page, prog.Journeys); err != nil {
		t.Fatal(err)
	}
	html := page.String()
	if n := strings.Count(html, `<svg class="graph"`); n != 1 {
		t.Fatalf("%d graphs, want 1", n)
	}
	svg := html[strings.Index(html, `<svg class="graph"`):]
	svg = svg[:strings.Index(svg, "</svg>")]

	var boxes []string
	for _, m := range regexp.MustCompile(`<rect class="box" data-stage="(\w+)" data-entered="(\d+)"`).FindAllStringSubmatch(svg, -1) {
		boxes = append(boxes, m[1]+" "+m[2])
	}
	if diff := cmp.Diff([]string{"A 5", "B 3", "C 0", "D 0"}, boxes); diff != "" {
		t.Errorf("boxes (-want +got):\n%s", diff)
	}
	if !strings.Contains(svg, ">5 entered · 2 now<") || !strings.Contains(svg, ">0 entered · 0 now<") {
		t.Errorf("the boxes lack their figures:\n%s", svg)
	}

	var arrows []string
	for _, m := range regexp.MustCompile(`<path class="arrow( dashed)?" d="[^"]+" marker-end="url\(#arrow1\)"></path><text class="edge" [^>]*>([^<]*)</text>`).FindAllStringSubmatch(svg, -1) {
		arrows = append(arrows, strings.TrimSpace(m[1]+" "+m[2]))
	}
	want := []string{
		"on signed_up",        // entry → A
		"when score &gt;= 50", // A → B, straight
		"on pinged",           // B → C, straight
		"dashed next",         // A → B, a second arrow between them: a curve
		"dashed goto",         // B → D, forward over C
		"dashed goto",         // C → A, backward
		"dashed goto",         // D → D
		"dashed checked after every change",
	}
	if diff := cmp.Diff(want, arrows); diff != "" {
		t.Errorf("arrows (-want +got):\n%s\n%s", diff, svg)
	}
	if n := strings.Count(svg, "<path class=\"arrow"); n != len(want) {
		t.Errorf("%d arrows, want %d", n, len(want))
	}
	if !strings.Contains(svg, `goal bought when plan == &#34;paid&#34;`) {
		t.Errorf("the goal is not drawn:\n%s", svg)
	}
}
