package main

import (
	"fmt"
	"maps"
	"strings"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/runtime"
)

// checkCmd is `journey check PATH… [--format text|json] [--strict] [--explain]`.
type checkCmd struct {
	Format  string   `enum:"text,json" default:"text" help:"Output format: text (rendered with source, on standard error) or json (an array on standard output)."`
	Strict  bool     `help:"Treat warnings as errors for the exit code."`
	Explain bool     `help:"Also print, on standard output, how the runtime notices each entry, goal, exit and stage trigger change with time: at the exact instant, or by a periodic re-check, and why."`
	Paths   []string `arg:"" optional:"" name:"path" help:"A .journey file or a directory to walk for them."`
}

// run checks the workspace of every file under c.Paths — the folder that
// holds it, with its sibling .journey files and templates — and reports
// all their diagnostics, sorted by file and position.
func (c *checkCmd) run(e *env) {
	if len(c.Paths) == 0 {
		e.errorf("check: no paths")
		return
	}
	if c.Explain && c.Format == "json" {
		e.errorf("check: --explain prints text: leave out --format json")
		return
	}
	var all diag.List
	sources := make(map[string][]byte)
	loaded := 0
	for ws := range workspaces(e, c.Paths, compiler.LoadToCheck) {
		loaded++
		maps.Copy(sources, ws.Texts())
		if !c.Explain {
			_, diags := compiler.Check(ws)
			all = append(all, diags...)
			continue
		}
		prog, diags := compiler.Compile(ws)
		all = append(all, diags...)
		if prog != nil && !diags.HasErrors() {
			e.explain("check", prog)
		}
	}
	if loaded == 0 {
		return // every path was reported: there is no verdict to give
	}
	all.Sort()

	e.fail(verdict(all, c.Strict))
	if c.Format == "json" {
		out, err := all.JSON()
		if err != nil {
			e.errorf("check: %v", err)
			return
		}
		fmt.Fprintf(e.stdout, "%s\n", out)
		return
	}
	e.report(all, sources)
}

// explain prints, for `journey check --explain` and `journey inspect
// --explain`, how the runtime notices
// each condition of a compiled workspace change (docs/runtime.md,
// "Time-dependent conditions"): one line for the condition, its position
// and text, then one per solved part or fallback.
func (e *env) explain(cmd string, prog *compiler.Program) {
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		e.errorf("%s: %v", cmd, err)
		return
	}
	every := runtime.DefaultRecheck
	for _, x := range d.ExplainWake() {
		if x.Journey == "" { // a rule of the workspace
			fmt.Fprintf(e.stdout, "%s: %s: %s\n", x.Source, x.Role, x.Text)
		} else {
			fmt.Fprintf(e.stdout, "%s: journey %s, %s: %s\n", x.Source, x.Journey, x.Role, x.Text)
		}
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

// report renders diagnostics l, of the files whose texts sources holds, on
// standard error, followed by their summary line.
func (e *env) report(l diag.List, sources map[string][]byte) {
	diag.RenderAll(e.stderr, l, sources)
	if summary := summarize(l.Count()); summary != "" {
		fmt.Fprintln(e.stderr, summary)
	}
}

// verdict returns the exit code that diagnostics l call for: 1 if they hold
// an error, or a warning when strict; else 0.
func verdict(l diag.List, strict bool) int {
	errs, warnings := l.Count()
	if errs > 0 || (strict && warnings > 0) {
		return exitFindings
	}
	return exitOK
}

// summarize returns the summary line of a check, such as "2 errors,
// 1 warning", or "" when there is nothing to report.
func summarize(errs, warnings int) string {
	var parts []string
	if errs > 0 {
		parts = append(parts, plural(errs, "error"))
	}
	if warnings > 0 {
		parts = append(parts, plural(warnings, "warning"))
	}
	return strings.Join(parts, ", ")
}

// plural returns "1 error", "2 errors" and so on.
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
