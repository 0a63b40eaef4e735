package compiler_test

import (
	"bytes"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/journeylang/journey/compiler"
)

// graphJourneys compiles the example.
func graphJourneys(t *testing.T) []*compiler.Journey {
	t.Helper()
	return compileProgram(t, "../examples/lead_nurture").Journeys
}

// TestDotRenders hands the dot output to Graphviz, which must draw it
// without a complaint.
func TestDotRenders(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not installed (.ci/run installs it)")
	}
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin = strings.NewReader(compiler.Dot(graphJourneys(t)))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil || errOut.Len() > 0 {
		t.Fatalf("dot: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"stage Awareness", "when score &gt;= 50", "+14d send email"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the drawing lacks %q", want)
		}
	}
}

// TestMermaidWellFormed checks the Mermaid output's structure: every
// subgraph ends, every edge joins declared nodes, and labels are quoted;
// for the journeys alone, and for a workspace's journeys and rules.
func TestMermaidWellFormed(t *testing.T) {
	wellFormed(t, compiler.Mermaid(graphJourneys(t)))
	crm := compileProgram(t, "../examples/crm")
	m := compiler.Mermaid(crm.Journeys, crm.Rules...)
	wellFormed(t, m)
	for _, want := range []string{
		`subgraph j7["rules"]`, `["rule idle_decay"]`, `("on demo_requested")`, "<br/>every 30d", `tag #quot;hand-raiser#quot;`, // rules
		"+1d at 10:00 send email", "+3bd send email", "due 2bd", // local times and business days
		`count(#quot;page_viewed#quot;, 30d, event.path == #quot;/pricing#quot;) >= 2`, // a filtered count
	} {
		if !strings.Contains(m, want) {
			t.Errorf("the drawing of examples/crm lacks %q", want)
		}
	}
}

func wellFormed(t *testing.T, m string) {
	t.Helper()
	if !strings.HasPrefix(m, "flowchart TB\n") {
		t.Fatalf("not a flowchart:\n%s", m)
	}
	nodeRE := regexp.MustCompile(`^\s*(\w+)(\(\(|\(|\[|\{)"`)
	edgeRE := regexp.MustCompile(`^\s*(\w+) -(?:->|\.->)(?:\|"[^"]*"\|)? (\w+)$`)
	declared := map[string]bool{}
	depth, edges := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(m), "\n")[1:] {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "subgraph "):
			depth++
		case trimmed == "end":
			depth--
		case trimmed == "direction TB":
		case edgeRE.MatchString(line):
			edges++
			e := edgeRE.FindStringSubmatch(line)
			if !declared[e[1]] || !declared[e[2]] {
				t.Errorf("edge between undeclared nodes: %s", line)
			}
		case nodeRE.MatchString(line):
			declared[nodeRE.FindStringSubmatch(line)[1]] = true
		default:
			t.Errorf("unexpected line: %q", line)
		}
	}
	if depth != 0 || edges == 0 {
		t.Errorf("subgraphs left open: %d; edges: %d", depth, edges)
	}
}
