package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/journeylang/journey/compiler"
)

// graphCmd is `journey graph PATH [--format mermaid|dot]`.
type graphCmd struct {
	Format string `enum:"mermaid,dot" default:"mermaid" help:"Output format: mermaid (a flowchart) or dot (Graphviz)."`
	Path   string `arg:"" name:"path" help:"A workspace folder (every journey), or a .journey file (its journey)."`
}

func (c *graphCmd) run(e *env) {
	prog, ok := compileWorkspace(e, "graph", []string{c.Path})
	if !ok {
		return
	}
	journeys, rules := prog.Journeys, prog.Rules
	if info, err := os.Stat(c.Path); err == nil && !info.IsDir() {
		journeys, rules = nil, nil
		for _, j := range prog.Journeys {
			if j.Source.File == filepath.Base(c.Path) {
				journeys = append(journeys, j)
			}
		}
		for _, r := range prog.Rules {
			if r.Source.File == filepath.Base(c.Path) {
				rules = append(rules, r)
			}
		}
		if len(journeys) == 0 && len(rules) == 0 {
			e.errorf("graph: %s declares no journey and no rule", c.Path)
			return
		}
	}
	if c.Format == "dot" {
		fmt.Fprint(e.stdout, compiler.Dot(journeys, rules...))
		return
	}
	fmt.Fprint(e.stdout, compiler.Mermaid(journeys, rules...))
}
