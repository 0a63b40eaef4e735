package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/journeylang/journey/compiler"
)

// The HTML report: one self-contained page (report.html.tmpl), its CSS
// and SVG inline, nothing fetched. Per journey: the funnel (an SVG with
// one bar, <rect class="stage">, per stage, its width the stage's entries
// against the first stage's, and the conversion to the next between the
// bars), the time in stage, the messages, the goals, each split's arms
// with their 95% intervals drawn, and the weekly cohorts. A journey of
// the deployment given is drawn too: its graph (graph.go), an SVG
// <svg class="graph"> with one box, <rect class="box">, per stage.

//go:embed report.html.tmpl
var htmlText string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":      pct,
	"signed":   signedPct,
	"num":      num,
	"interval": interval,
	"dur":      dur,
	"exits":    exits,
	"time":     func(t *time.Time) string { return t.Format(time.RFC3339) },
	"add":      func(a, b int) int { return a + b },
	"sub":      func(a, b int) int { return a - b },
}).Parse(htmlText))

// Funnel geometry, in SVG user units.
const (
	funnelWidth = 640 // the widest bar
	funnelLabel = 150 // the stage names' column
	funnelBar   = 28  // a bar's height
	funnelGap   = 22  // between bars: the conversion to the next
	armWidth    = 300 // the rate axis of a split's arms, 0 to 100%
)

// htmlBar is a stage's bar in the funnel.
type htmlBar struct {
	*Stage
	Y, Width, TextY, NextY float64
	Title                  string
	Last                   bool
}

// htmlArm is an arm's rate and interval on the split's axis.
type htmlArm struct {
	*Arm
	Rate, Low, High float64 // in SVG units
}

type htmlJourney struct {
	*Journey
	Name   string // the journey's name (.Journey is the embedded readings)
	Title  string
	Bars   []htmlBar
	Height float64
	Arms   map[*Split][]htmlArm
	Graph  *htmlGraph // nil for a journey the deployment does not have
}

// WriteHTML writes the report as one self-contained HTML page. journeys,
// when given, are the deployment's: their titles head their sections and
// their graphs are drawn.
func (r *Report) WriteHTML(w io.Writer, journeys []*compiler.Journey) error {
	compiled := map[string]*compiler.Journey{}
	for _, j := range journeys {
		compiled[j.Name] = j
	}
	var js []htmlJourney
	for i, j := range r.Journeys {
		hj := htmlJourney{Journey: j, Name: j.Journey, Arms: map[*Split][]htmlArm{}}
		if cj := compiled[j.Journey]; cj != nil {
			hj.Title = cj.Title
			stages := map[string]*Stage{}
			for _, s := range j.Stages {
				stages[s.Stage] = s
			}
			hj.Graph = layoutGraph(cj, stages, fmt.Sprintf("arrow%d", i+1))
		}
		top := 0
		for _, s := range j.Stages {
			top = max(top, s.Entered)
		}
		for i, s := range j.Stages {
			y := float64(i) * (funnelBar + funnelGap)
			width := 0.0
			if top > 0 {
				width = float64(funnelWidth) * float64(s.Entered) / float64(top)
			}
			hj.Bars = append(hj.Bars, htmlBar{Stage: s, Y: y, Width: max(width, 1), TextY: y + funnelBar/2 + 5,
				NextY: y + funnelBar + funnelGap/2 + 5, Last: i == len(j.Stages)-1,
				Title: fmt.Sprintf("%s: %d entered, %d now, %d converted", s.Stage, s.Entered, s.Current, s.Converted)})
			hj.Height = y + funnelBar + 4
		}
		for _, sp := range j.Splits {
			for _, a := range sp.Arms {
				ha := htmlArm{Arm: a}
				if a.Rate != nil {
					ha.Rate, ha.Low, ha.High = *a.Rate*armWidth, *a.CILow*armWidth, *a.CIHigh*armWidth
				}
				hj.Arms[sp] = append(hj.Arms[sp], ha)
			}
		}
		js = append(js, hj)
	}
	return htmlTemplate.Execute(w, struct {
		*Report
		Journeys                          []htmlJourney
		Width, Label, Bar, ArmWidth, Full int
		Generated                         string
	}{r, js, funnelWidth, funnelLabel, funnelBar, armWidth, funnelLabel + funnelWidth + 90, time.Now().UTC().Format(time.RFC3339)})
}
