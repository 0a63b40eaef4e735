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
	journeys := prog.Journeys
	if info, err := os.Stat(c.Path); err == nil && !info.IsDir() {
		journeys = nil
		for _, j := range prog.Journeys {
			if j.Source.File == filepath.Base(c.Path) {
				journeys = append(journeys, j)
			}
		}
		if len(journeys) == 0 {
			e.errorf("graph: %s declares no journey", c.Path)
			return
		}
	}
	if c.Format == "dot" {
		fmt.Fprint(e.stdout, compiler.Dot(journeys))
		return
	}
	fmt.Fprint(e.stdout, compiler.Mermaid(journeys))
}
