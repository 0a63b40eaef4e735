package runtime

import (
	"fmt"
	"os"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/stdlib"
)

// Deployment is a verified bundle whose conditions are planned, once, into
// CEL programs: what the engine runs. It is safe for concurrent use.
type Deployment struct {
	Manifest compiler.Manifest
	Program  *compiler.Program
	journeys map[string]*Journey
	order    []*Journey
}

// Journey is a compiled journey with a program for each condition.
type Journey struct {
	*compiler.Journey
	programs map[*compiler.Cond]cel.Program
}

// LoadFile reads, verifies and plans the bundle at path.
func LoadFile(path string, opts compiler.ReadOptions) (*Deployment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := Load(data, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Load verifies a bundle (see compiler.ReadBundle) and plans every
// condition of every journey.
func Load(data []byte, opts compiler.ReadOptions) (*Deployment, error) {
	b, err := compiler.ReadBundle(data, opts)
	if err != nil {
		return nil, err
	}
	d := &Deployment{Manifest: b.Manifest, Program: b.Program, journeys: map[string]*Journey{}}
	for _, cj := range b.Program.Journeys {
		j := &Journey{Journey: cj, programs: map[*compiler.Cond]cel.Program{}}
		for _, c := range cj.Conditions() {
			ast, err := c.AST()
			if err != nil {
				return nil, err
			}
			prg, err := b.Program.Env(c.Event).Program(ast)
			if err != nil {
				return nil, fmt.Errorf("%s: journey %s: the condition %q does not plan: %w", c.Source, cj.Name, c.Text, err)
			}
			j.programs[c] = prg
		}
		d.journeys[cj.Name] = j
		d.order = append(d.order, j)
	}
	return d, nil
}

// Journey returns the journey called name, or nil.
func (d *Deployment) Journey(name string) *Journey { return d.journeys[name] }

// Journeys returns the journeys, sorted by name.
func (d *Deployment) Journeys() []*Journey { return d.order }

// Eval evaluates one of the journey's conditions. vars holds the contact's
// fields, and `event` where one is in scope; ctx serves the function
// library and the clock, whose time is also `now`.
func (j *Journey) Eval(c *compiler.Cond, vars map[string]any, ctx stdlib.Context) (ref.Val, error) {
	prg, ok := j.programs[c]
	if !ok {
		return nil, fmt.Errorf("journey %s: a condition of another journey: %s", j.Name, c.Source)
	}
	act := make(map[string]any, len(vars)+2)
	for k, v := range vars {
		act[k] = v
	}
	act["now"] = ctx.Now()
	act[stdlib.ContextVar] = stdlib.NewContextValue(ctx)
	out, _, err := prg.Eval(act)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", c.Source, c.Text, err)
	}
	return out, nil
}
