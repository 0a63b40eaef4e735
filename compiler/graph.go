package compiler

// Drawing a journey: stages as a flow, with their triggers on the arrows,
// and each stage's timeline inside it: its steps in order with their
// offsets, branches, split arms and waits. One neutral graph is built and
// then written as Mermaid or as Graphviz dot.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

type graph struct {
	nodes    []gnode // the nodes outside every cluster
	edges    []gedge
	clusters []gcluster
	n        int
}

type gnode struct {
	id, label, shape string // shape: box, round, diamond, circle
}

type gedge struct {
	from, to, label string
	dashed          bool
}

type gcluster struct {
	id, label string
	nodes     []gnode
}

func (g *graph) node(label, shape string) string {
	g.n++
	id := "n" + strconv.Itoa(g.n)
	g.nodes = append(g.nodes, gnode{id: id, label: label, shape: shape})
	return id
}

func (g *graph) edge(from, to, label string, dashed bool) {
	g.edges = append(g.edges, gedge{from: from, to: to, label: label, dashed: dashed})
}

// buildGraph lays out one journey.
func buildGraph(j *Journey) *graph {
	g := &graph{}
	entry := g.node("entry", "circle")
	heads := make([]string, len(j.Stages))
	for i, s := range j.Stages {
		start := len(g.nodes)
		heads[i] = g.node("stage "+s.Name, "round")
		g.chain(heads[i], s.Steps, "")
		// The nodes just drawn move into the stage's cluster.
		c := gcluster{id: "c" + strconv.Itoa(i+1), label: s.Name, nodes: slices.Clone(g.nodes[start:])}
		g.nodes = g.nodes[:start]
		g.clusters = append(g.clusters, c)
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
		done := g.node(strings.Join(outs, "\n"), "box")
		g.edge(entry, done, "checked after every change", true)
	}
	return g
}

// chain draws steps one after the other from prev, and returns the last
// node drawn.
func (g *graph) chain(prev string, steps []*Step, label string) string {
	for _, st := range steps {
		shape := "box"
		if st.Kind == StepIf || st.Kind == StepSplit || st.Kind == StepWait {
			shape = "diamond"
		}
		n := g.node("+"+st.After.String()+" "+describeStep(st), shape)
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
			g.chain(n, st.Body, "on "+st.Target)
			if st.Timeout != nil {
				g.chain(n, st.Timeout, "after "+st.Within.String())
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
		parts = append(parts, "on "+on)
	}
	if when != nil {
		parts = append(parts, "when "+strings.Join(strings.Fields(when.Text), " "))
	}
	return strings.Join(parts, " ")
}

// Mermaid writes journeys as a Mermaid flowchart.
func Mermaid(js []*Journey) string {
	var b strings.Builder
	b.WriteString("flowchart TB\n")
	for ji, j := range js {
		g := buildGraph(j)
		prefix := "j" + strconv.Itoa(ji+1)
		fmt.Fprintf(&b, "  subgraph %s[%s]\n", prefix, mermaidText("journey "+j.Name))
		for _, c := range g.clusters {
			fmt.Fprintf(&b, "    subgraph %s_%s[%s]\n      direction TB\n", prefix, c.id, mermaidText(c.label))
			for _, n := range c.nodes {
				b.WriteString("      " + mermaidNode(prefix, n) + "\n")
			}
			b.WriteString("    end\n")
		}
		for _, n := range g.nodes {
			b.WriteString("    " + mermaidNode(prefix, n) + "\n")
		}
		for _, e := range g.edges {
			arrow := "-->"
			if e.dashed {
				arrow = "-.->"
			}
			if e.label != "" {
				fmt.Fprintf(&b, "    %s_%s %s|%s| %s_%s\n", prefix, e.from, arrow, mermaidText(e.label), prefix, e.to)
			} else {
				fmt.Fprintf(&b, "    %s_%s %s %s_%s\n", prefix, e.from, arrow, prefix, e.to)
			}
		}
		b.WriteString("  end\n")
	}
	return b.String()
}

func mermaidNode(prefix string, n gnode) string {
	text := mermaidText(n.label)
	switch n.shape {
	case "circle":
		return fmt.Sprintf("%s_%s((%s))", prefix, n.id, text)
	case "round":
		return fmt.Sprintf("%s_%s(%s)", prefix, n.id, text)
	case "diamond":
		return fmt.Sprintf("%s_%s{%s}", prefix, n.id, text)
	}
	return fmt.Sprintf("%s_%s[%s]", prefix, n.id, text)
}

// mermaidText quotes a label, with Mermaid's entity for the quotes inside.
func mermaidText(s string) string { return `"` + mermaidEscaper.Replace(s) + `"` }

var mermaidEscaper = strings.NewReplacer(`"`, "#quot;", "\n", "<br/>", "{{", "#123;#123;", "}}", "#125;#125;")

// Dot writes journeys as a Graphviz graph.
func Dot(js []*Journey) string {
	var b strings.Builder
	b.WriteString("digraph journeys {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for ji, j := range js {
		g := buildGraph(j)
		prefix := "j" + strconv.Itoa(ji+1)
		fmt.Fprintf(&b, "  subgraph cluster_%s {\n    label=%s;\n", prefix, dotText("journey "+j.Name))
		for _, c := range g.clusters {
			fmt.Fprintf(&b, "    subgraph cluster_%s_%s {\n      label=%s;\n      style=rounded;\n", prefix, c.id, dotText(c.label))
			for _, n := range c.nodes {
				b.WriteString("      " + dotNode(prefix, n) + "\n")
			}
			b.WriteString("    }\n")
		}
		for _, n := range g.nodes {
			b.WriteString("    " + dotNode(prefix, n) + "\n")
		}
		for _, e := range g.edges {
			attrs := []string{}
			if e.label != "" {
				attrs = append(attrs, "label="+dotText(e.label))
			}
			if e.dashed {
				attrs = append(attrs, "style=dashed")
			}
			fmt.Fprintf(&b, "    %s_%s -> %s_%s [%s];\n", prefix, e.from, prefix, e.to, strings.Join(attrs, ", "))
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func dotNode(prefix string, n gnode) string {
	return fmt.Sprintf("%s_%s [label=%s, shape=%s];", prefix, n.id, dotText(n.label), dotShapes[n.shape])
}

// dotShapes are the dot attributes of the neutral shapes.
var dotShapes = map[string]string{"circle": "circle", "round": "box, style=\"rounded,bold\"", "diamond": "diamond", "box": "box"}

// dotText quotes a label for dot.
func dotText(s string) string { return `"` + dotEscaper.Replace(s) + `"` }

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
