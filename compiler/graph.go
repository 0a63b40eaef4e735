package compiler

// Drawing a journey: stages as a flow, with their triggers on the arrows,
// and each stage's timeline inside it: its steps in order with their
// offsets, branches, split arms and waits. One neutral graph (Graph) is
// built and then written as Mermaid or as Graphviz dot here, and drawn as
// SVG by the HTML report (runtime/report/graph.go).

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Graph is one journey drawn as a graph, the neutral model that Mermaid,
// Dot and the HTML report's SVG are written from.
type Graph struct {
	Title   string       // "journey NAME", or "rules"
	Entry   string       // the id of the entry node, in Nodes; "" for the rules
	Outcome string       // the id of the node of the exits and goals, in Nodes; "" when the journey has neither
	Stages  []GraphStage // in written order
	Nodes   []GraphNode  // the nodes outside every stage
	Edges   []GraphEdge
	n       int
}

// GraphStage is a stage's cluster: its own node, then its steps'.
type GraphStage struct {
	ID, Name string
	Head     string      // the id of the stage's own node, Nodes[0]
	Nodes    []GraphNode // the stage's node, then one per step
}

// GraphNode is a node: a stage, a step, the entry or the outcomes.
type GraphNode struct {
	ID, Label string
	Shape     string // "box", "round" (a stage), "diamond" (if, split, wait) or "circle" (the entry)
}

// GraphEdge is an arrow. Dashed arrows are jumps (goto, next) and the
// check of the exits and goals; solid ones the entry, the stages'
// triggers and the steps' order.
type GraphEdge struct {
	From, To, Label string
	Dashed          bool
}

func (g *Graph) node(label, shape string) string {
	g.n++
	id := "n" + strconv.Itoa(g.n)
	g.Nodes = append(g.Nodes, GraphNode{ID: id, Label: label, Shape: shape})
	return id
}

func (g *Graph) edge(from, to, label string, dashed bool) {
	g.Edges = append(g.Edges, GraphEdge{From: from, To: to, Label: label, Dashed: dashed})
}

// BuildGraph lays out one journey: the entry, one cluster per stage with
// its timeline, the arrows of the entry, the stages' triggers and the
// jumps between stages, and the exits and goals checked after every
// change.
func BuildGraph(j *Journey) *Graph {
	g := &Graph{Title: "journey " + j.Name}
	entry := g.node("entry", "circle")
	g.Entry = entry
	heads := make([]string, len(j.Stages))
	for i, s := range j.Stages {
		start := len(g.Nodes)
		heads[i] = g.node("stage "+s.Name, "round")
		g.chain(heads[i], s.Steps, "")
		// The nodes just drawn move into the stage's cluster.
		c := GraphStage{ID: "c" + strconv.Itoa(i+1), Name: s.Name, Head: heads[i], Nodes: slices.Clone(g.Nodes[start:])}
		g.Nodes = g.Nodes[:start]
		g.Stages = append(g.Stages, c)
	}
	if len(j.Stages) > 0 {
		for _, e := range j.Entries {
			g.edge(entry, heads[0], entryLabel(e), false)
		}
		if len(j.Entries) == 0 {
			g.edge(entry, heads[0], "through the API", false)
		}
	}
	for i, s := range j.Stages {
		if i == 0 || (s.On == "" && s.When == nil) {
			continue
		}
		g.edge(heads[i-1], heads[i], triggerLabel(s.On, s.When), false)
	}
	for i, s := range j.Stages {
		WalkSteps(s.Steps, func(st *Step) {
			switch {
			case st.Kind == StepGoto:
				if _, k := j.Stage(st.Target); k >= 0 {
					g.edge(heads[i], heads[k], "goto", true)
				}
			case st.Kind == StepNext && i+1 < len(j.Stages):
				g.edge(heads[i], heads[i+1], "next", true)
			}
		})
	}
	var outs []string
	for _, c := range j.Exits {
		outs = append(outs, "exit when "+c.Text)
	}
	for _, gl := range j.Goals {
		outs = append(outs, "goal "+gl.Name+" when "+gl.When.Text)
	}
	if len(outs) > 0 {
		g.Outcome = g.node(strings.Join(outs, "\n"), "box")
		g.edge(entry, g.Outcome, "checked after every change", true)
	}
	return g
}

// BuildRulesGraph lays out the workspace's rules: one cluster per rule, in
// written order, its trigger as its own node and its steps after it.
func BuildRulesGraph(rules []*Rule) *Graph {
	g := &Graph{Title: "rules"}
	for i, r := range rules {
		start := len(g.Nodes)
		label := triggerLabel(r.On, r.When)
		if r.Every != 0 {
			label += "\nevery " + r.Every.String()
		}
		head := g.node(label, "round")
		g.chain(head, r.Steps, "")
		c := GraphStage{ID: "c" + strconv.Itoa(i+1), Name: "rule " + r.Name, Head: head, Nodes: slices.Clone(g.Nodes[start:])}
		g.Nodes = g.Nodes[:start]
		g.Stages = append(g.Stages, c)
	}
	return g
}

// graphs are the journeys' graphs, then the rules' when there are any.
func graphs(js []*Journey, rules []*Rule) []*Graph {
	var out []*Graph
	for _, j := range js {
		out = append(out, BuildGraph(j))
	}
	if len(rules) > 0 {
		out = append(out, BuildRulesGraph(rules))
	}
	return out
}

// chain draws steps one after the other from prev, and returns the last
// node drawn.
func (g *Graph) chain(prev string, steps []*Step, label string) string {
	for _, st := range steps {
		shape := "box"
		if st.Kind == StepIf || st.Kind == StepSplit || st.Kind == StepWait {
			shape = "diamond"
		}
		n := g.node("+"+st.Offset()+" "+describeStep(st), shape)
		g.edge(prev, n, label, false)
		label = ""
		for _, b := range st.Branches {
			l := "else"
			if b.When != nil {
				l = b.When.Text
			}
			g.chain(n, b.Steps, l)
		}
		for _, a := range st.Arms {
			g.chain(n, a.Steps, a.Name+" "+strconv.FormatFloat(a.Weight, 'f', -1, 64)+"%")
		}
		if st.Kind == StepWait {
			g.chain(n, st.Body, "on "+eventLabel(st.Target))
			if st.Timeout != nil {
				g.chain(n, st.Timeout, "after "+Span(st.Within, st.WithinBD))
			}
		}
		prev = n
	}
	return prev
}

func entryLabel(e *Entry) string {
	if e.Event == "" && e.When == nil {
		return ""
	}
	return triggerLabel(e.Event, e.When)
}

func triggerLabel(on string, when *Cond) string {
	var parts []string
	if on != "" {
		parts = append(parts, "on "+eventLabel(on))
	}
	if when != nil {
		parts = append(parts, "when "+strings.Join(strings.Fields(when.Text), " "))
	}
	return strings.Join(parts, " ")
}

// eventLabel lists a trigger's events as they are written: "a, b".
func eventLabel(events string) string {
	return strings.Join(EventList(events), ", ")
}

// Mermaid writes journeys, and the workspace's rules if given, as a
// Mermaid flowchart.
func Mermaid(js []*Journey, rules ...*Rule) string {
	var b strings.Builder
	b.WriteString("flowchart TB\n")
	for ji, g := range graphs(js, rules) {
		prefix := "j" + strconv.Itoa(ji+1)
		fmt.Fprintf(&b, "  subgraph %s[%s]\n", prefix, mermaidText(g.Title))
		for _, c := range g.Stages {
			fmt.Fprintf(&b, "    subgraph %s_%s[%s]\n      direction TB\n", prefix, c.ID, mermaidText(c.Name))
			for _, n := range c.Nodes {
				b.WriteString("      " + mermaidNode(prefix, n) + "\n")
			}
			b.WriteString("    end\n")
		}
		for _, n := range g.Nodes {
			b.WriteString("    " + mermaidNode(prefix, n) + "\n")
		}
		for _, e := range g.Edges {
			arrow := "-->"
			if e.Dashed {
				arrow = "-.->"
			}
			if e.Label != "" {
				fmt.Fprintf(&b, "    %s_%s %s|%s| %s_%s\n", prefix, e.From, arrow, mermaidText(e.Label), prefix, e.To)
			} else {
				fmt.Fprintf(&b, "    %s_%s %s %s_%s\n", prefix, e.From, arrow, prefix, e.To)
			}
		}
		b.WriteString("  end\n")
	}
	return b.String()
}

func mermaidNode(prefix string, n GraphNode) string {
	text := mermaidText(n.Label)
	switch n.Shape {
	case "circle":
		return fmt.Sprintf("%s_%s((%s))", prefix, n.ID, text)
	case "round":
		return fmt.Sprintf("%s_%s(%s)", prefix, n.ID, text)
	case "diamond":
		return fmt.Sprintf("%s_%s{%s}", prefix, n.ID, text)
	}
	return fmt.Sprintf("%s_%s[%s]", prefix, n.ID, text)
}

// mermaidText quotes a label, with Mermaid's entity for the quotes inside.
func mermaidText(s string) string { return `"` + mermaidEscaper.Replace(s) + `"` }

var mermaidEscaper = strings.NewReplacer(`"`, "#quot;", "\n", "<br/>", "{{", "#123;#123;", "}}", "#125;#125;")

// Dot writes journeys, and the workspace's rules if given, as a Graphviz
// graph.
func Dot(js []*Journey, rules ...*Rule) string {
	var b strings.Builder
	b.WriteString("digraph journeys {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for ji, g := range graphs(js, rules) {
		prefix := "j" + strconv.Itoa(ji+1)
		fmt.Fprintf(&b, "  subgraph cluster_%s {\n    label=%s;\n", prefix, dotText(g.Title))
		for _, c := range g.Stages {
			fmt.Fprintf(&b, "    subgraph cluster_%s_%s {\n      label=%s;\n      style=rounded;\n", prefix, c.ID, dotText(c.Name))
			for _, n := range c.Nodes {
				b.WriteString("      " + dotNode(prefix, n) + "\n")
			}
			b.WriteString("    }\n")
		}
		for _, n := range g.Nodes {
			b.WriteString("    " + dotNode(prefix, n) + "\n")
		}
		for _, e := range g.Edges {
			attrs := []string{}
			if e.Label != "" {
				attrs = append(attrs, "label="+dotText(e.Label))
			}
			if e.Dashed {
				attrs = append(attrs, "style=dashed")
			}
			fmt.Fprintf(&b, "    %s_%s -> %s_%s [%s];\n", prefix, e.From, prefix, e.To, strings.Join(attrs, ", "))
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func dotNode(prefix string, n GraphNode) string {
	return fmt.Sprintf("%s_%s [label=%s, shape=%s];", prefix, n.ID, dotText(n.Label), dotShapes[n.Shape])
}

// dotShapes are the dot attributes of the neutral shapes.
var dotShapes = map[string]string{"circle": "circle", "round": "box, style=\"rounded,bold\"", "diamond": "diamond", "box": "box"}

// dotText quotes a label for dot.
func dotText(s string) string { return `"` + dotEscaper.Replace(s) + `"` }

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
