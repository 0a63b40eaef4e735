package report

// The journey's graph in the HTML report: an SVG drawn from the graph the
// compiler builds for `journey graph` (compiler.BuildGraph), so that the
// page needs no renderer. The stages are boxes, one under the other in
// written order, each with its entries and the enrollments in it now;
// above the first, the entry, and beside it the exits and goals, checked
// after every change. Of the graph's arrows it draws those between these
// nodes: the entry, each stage's trigger and the jumps (goto, next); the
// steps inside a stage are left to `journey graph`.
//
// Layout: an arrow from a stage to the next is a straight line in the
// gap between the two boxes (the first such arrow of a pair; a second is
// drawn as the others are). Every other arrow between stages is a curve
// in a lane of its own: forward ones on the right of the boxes, backward
// ones on the left, so no two curves share a lane.

import (
	"fmt"
	"math"
	"strings"

	"github.com/journeylang/journey/compiler"
)

// Graph geometry, in SVG user units.
const (
	graphBoxWidth  = 240
	graphBoxHeight = 44
	graphGap       = 48 // between two boxes: a straight arrow and its label
	graphLane      = 26 // between two curves
	graphTop       = 48 // the entry's row
	graphChar      = 6.6
)

// htmlGraph is a journey's graph, laid out.
type htmlGraph struct {
	Marker        string // the arrowhead's id, unique in the page
	Width, Height float64
	Entry         struct{ X, Y, R float64 }
	Boxes         []htmlGraphBox
	Outcome       *htmlGraphBox // the exits and goals; nil when none
	Arrows        []htmlGraphArrow
}

type htmlGraphBox struct {
	Stage          string
	X, Y, W, H     float64
	Lines          []htmlGraphLine
	Entered, Title string
}

type htmlGraphLine struct {
	X, Y float64
	Text string
}

type htmlGraphArrow struct {
	D      string // the path
	Dashed bool
	Label  htmlGraphLine
	Anchor string // the label's text-anchor
}

// layoutGraph lays out j's graph; stages gives each stage's readings by
// name (a stage no one entered has none).
func layoutGraph(j *compiler.Journey, stages map[string]*Stage, marker string) *htmlGraph {
	g := compiler.BuildGraph(j)
	row := map[string]int{g.Entry: -1} // node id → stage index; -1 the entry
	for i, s := range g.Stages {
		row[s.Head] = i
	}
	type arrow struct {
		from, to int
		label    string
		dashed   bool
	}
	var arrows []arrow
	seen := map[arrow]bool{}
	for _, e := range g.Edges {
		from, ok1 := row[e.From]
		to, ok2 := row[e.To]
		if !ok1 || !ok2 {
			continue // a step's arrow, or the outcomes'
		}
		a := arrow{from, to, strings.Join(strings.Fields(e.Label), " "), e.Dashed}
		if !seen[a] {
			seen[a] = true
			arrows = append(arrows, a)
		}
	}
	var left, right int // curves on each side
	straight := map[int]bool{}
	lane := make([]int, len(arrows)) // 0 for a straight arrow, else the lane, negative on the left
	for i, a := range arrows {
		switch {
		case a.to == a.from+1 && !straight[a.from]:
			straight[a.from] = true
		case a.to > a.from || a.to == a.from:
			right++
			lane[i] = right
		default:
			left++
			lane[i] = -left
		}
	}
	var leftLabel float64
	for i, a := range arrows {
		if lane[i] < 0 {
			leftLabel = max(leftLabel, textWidth(a.label)+8)
		}
	}
	x := 16 + float64(left)*graphLane + leftLabel
	cx := x + graphBoxWidth/2
	h := &htmlGraph{Marker: marker}
	h.Entry.X, h.Entry.Y, h.Entry.R = cx, graphTop/2, 10
	top := func(i int) float64 { return graphTop + graphGap + float64(i)*(graphBoxHeight+graphGap) }
	for i, s := range g.Stages {
		y := top(i)
		b := htmlGraphBox{Stage: s.Name, X: x, Y: y, W: graphBoxWidth, H: graphBoxHeight,
			Lines: []htmlGraphLine{{cx, y + 18, s.Name}}}
		if st := stages[s.Name]; st != nil {
			b.Entered = fmt.Sprint(st.Entered)
			b.Lines = append(b.Lines, htmlGraphLine{cx, y + 35, fmt.Sprintf("%d entered · %d now", st.Entered, st.Current)})
			b.Title = fmt.Sprintf("stage %s: %d entered, %d now, %d converted", s.Name, st.Entered, st.Current, st.Converted)
		} else {
			b.Entered = "0"
			b.Lines = append(b.Lines, htmlGraphLine{cx, y + 35, "not entered"})
			b.Title = "stage " + s.Name + ": not entered"
		}
		h.Boxes = append(h.Boxes, b)
	}
	right0 := x + graphBoxWidth // the right edge of the boxes
	width := right0 + 16
	rowY := func(r int) (float64, float64) { // the top and bottom of a row
		if r < 0 {
			return h.Entry.Y - h.Entry.R, h.Entry.Y + h.Entry.R
		}
		return top(r), top(r) + graphBoxHeight
	}
	for i, a := range arrows {
		ha := htmlGraphArrow{Dashed: a.dashed, Anchor: "start"}
		switch {
		case lane[i] == 0:
			_, y1 := rowY(a.from)
			y2, _ := rowY(a.to)
			ha.D = fmt.Sprintf("M%g %g V%g", cx, y1, y2-2)
			ha.Label = htmlGraphLine{cx + 8, (y1+y2)/2 + 4, a.label}
			width = max(width, cx+8+textWidth(a.label)+8)
		default:
			y1 := top(a.from) + graphBoxHeight/2
			y2 := top(a.to) + graphBoxHeight/2
			if a.from == a.to {
				y1, y2 = y1-8, y1+8
			}
			edge, out := right0, right0+float64(lane[i])*graphLane
			if lane[i] < 0 {
				edge, out = x, x+float64(lane[i])*graphLane
				ha.Anchor = "end"
				ha.Label = htmlGraphLine{out - 4, (y1+y2)/2 + 4, a.label}
			} else {
				ha.Label = htmlGraphLine{out + 4, (y1+y2)/2 + 4, a.label}
				width = max(width, out+4+textWidth(a.label)+8)
			}
			tip := 2.0
			if lane[i] < 0 {
				tip = -2
			}
			ha.D = fmt.Sprintf("M%g %g C%g %g, %g %g, %g %g", edge, y1, out, y1, out, y2, edge+tip, y2)
		}
		h.Arrows = append(h.Arrows, ha)
	}
	if g.Outcome != "" {
		var label string
		for _, n := range g.Nodes {
			if n.ID == g.Outcome {
				label = n.Label
			}
		}
		lines := strings.Split(label, "\n")
		w := 0.0
		for _, l := range lines {
			w = max(w, textWidth(l))
		}
		const check = "checked after every change"
		ox := h.Entry.X + h.Entry.R + textWidth(check) + 24
		if height := float64(len(lines))*16 + 10; 6+height > top(0)-8 {
			ox = max(ox, width+8) // tall enough to reach the stages' rows: right of every curve and label
		}
		b := &htmlGraphBox{X: ox, Y: 6, W: w + 20, H: float64(len(lines))*16 + 10, Title: "exits and goals"}
		for k, l := range lines {
			b.Lines = append(b.Lines, htmlGraphLine{ox + 10, 6 + 19 + float64(k)*16, l})
		}
		h.Outcome = b
		h.Arrows = append(h.Arrows, htmlGraphArrow{Dashed: true, Anchor: "start",
			D:     fmt.Sprintf("M%g %g H%g", h.Entry.X+h.Entry.R, h.Entry.Y, ox-2),
			Label: htmlGraphLine{h.Entry.X + h.Entry.R + 8, h.Entry.Y - 6, check}})
		width = max(width, ox+b.W+8)
		h.Height = max(h.Height, b.Y+b.H+8)
	}
	h.Width = width
	h.Height = max(h.Height, top(len(g.Stages))-graphGap+16)
	return h
}

// textWidth estimates the width of a label at the graph's font size, in
// whole units (so every coordinate is whole, or half of one).
func textWidth(s string) float64 { return math.Ceil(float64(len([]rune(s))) * graphChar) }
