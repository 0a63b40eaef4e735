package main

import (
	"fmt"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
)

// explain prints, for `journey check --explain`, how the runtime notices
// each condition of a compiled workspace change (docs/runtime.md,
// "Time-dependent conditions"): one line for the condition, its position
// and text, then one per solved part or fallback.
func (e *env) explain(prog *compiler.Program) {
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		e.errorf("check: %v", err)
		return
	}
	every := runtime.DefaultRecheck
	for _, x := range d.ExplainWake() {
		fmt.Fprintf(e.stdout, "%s: journey %s, %s: %s\n", x.Source, x.Journey, x.Role, x.Text)
		switch {
		case !x.Timed:
			fmt.Fprintf(e.stdout, "    input: does not depend on time; only an event or an update changes it\n")
		case x.Exact:
			for _, f := range x.Forms {
				fmt.Fprintf(e.stdout, "    exact: %s\n", f)
			}
		default:
			for _, f := range x.Forms {
				fmt.Fprintf(e.stdout, "    exact: %s\n", f)
			}
			for _, r := range x.Reasons {
				fmt.Fprintf(e.stdout, "    fallback: re-checked every %s, give or take %s, while the contact's state depends on it: %s\n", compiler.Duration(every), compiler.Duration(every/8), r)
			}
		}
	}
}
