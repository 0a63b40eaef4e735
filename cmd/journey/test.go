package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime/testrun"
)

// testCmd is `journey test PATH… [--run RE] [--junit FILE] [--format text|json] [--cover] [--cover-min N] [--watch]`.
type testCmd struct {
	Run      string   `placeholder:"RE" help:"Run only the tests whose name matches this regular expression."`
	JUnit    string   `name:"junit" placeholder:"FILE" help:"Also write the results as JUnit XML to FILE."`
	Format   string   `enum:"text,json" default:"text" help:"Output format: text, or json (results, timelines and coverage)."`
	Cover    bool     `help:"Report the steps, branches and split arms no test reached."`
	CoverMin float64  `name:"cover-min" placeholder:"N" help:"Fail when coverage is below N percent, from 0 to 100 (implies --cover)."`
	Verbose  bool     `short:"v" help:"List passing tests too."`
	Watch    bool     `short:"w" help:"Run the tests again each time a .journey file or template under the paths is saved; Ctrl-C stops."`
	Paths    []string `arg:"" name:"path" help:"A .journey file or a directory to walk: the tests of each file's workspace run."`
}

// Validate refuses a coverage threshold that is not a percentage; kong
// calls it while it parses, so that the error is a usage error.
func (c *testCmd) Validate() error {
	if c.CoverMin < 0 || c.CoverMin > 100 {
		return fmt.Errorf("--cover-min must be a percentage from 0 to 100, not %g", c.CoverMin)
	}
	return nil
}

func (c *testCmd) run(e *env) {
	if c.Watch {
		c.watch(e)
		return
	}
	c.once(e)
}

// once runs the tests of the workspaces under c.Paths once.
func (c *testCmd) once(e *env) {
	var re *regexp.Regexp
	if c.Run != "" {
		var err error
		if re, err = regexp.Compile(c.Run); err != nil {
			e.errorf("test: --run: %v", err)
			return
		}
	}
	cover := c.Cover || c.CoverMin > 0
	all := &testrun.Report{Coverage: &testrun.Coverage{}}
	began := time.Now()
	loaded := false
	for ws := range workspaces(e, c.Paths, compiler.LoadWorkspace) {
		loaded = true
		prog, diags := compiler.Compile(ws)
		if diags.HasErrors() {
			e.report(diags, ws.Texts())
			e.fail(exitFindings)
			all.Unchecked++
			continue
		}
		rep, err := testrun.Run(context.Background(), ws, prog, testrun.Options{Run: re})
		if err != nil {
			e.errorf("test: %s: %v", ws.Dir, err)
			continue
		}
		all.Results = append(all.Results, rep.Results...)
		all.Coverage.Files = append(all.Coverage.Files, rep.Coverage.Files...)
	}
	all.Elapsed = time.Since(began)
	if !loaded {
		return // every path was reported: there is nothing to sum up
	}
	if c.JUnit != "" {
		f, err := os.Create(c.JUnit)
		if err != nil {
			e.errorf("test: %s", pathError(err))
			return
		}
		err = testrun.WriteJUnit(f, all, began)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			e.errorf("test: writing %s: %v", c.JUnit, err)
		}
	}
	if c.Format == "json" {
		if err := testrun.WriteJSON(e.stdout, all, cover); err != nil {
			e.errorf("test: %v", err)
		}
	} else {
		testrun.WriteText(e.stdout, all, c.Verbose, cover)
	}
	if all.Failed() > 0 {
		e.fail(exitFindings)
	}
	if c.CoverMin > 0 && all.Coverage.Percent() < c.CoverMin {
		fmt.Fprintf(e.stderr, "journey: test: coverage %.1f%% is below --cover-min %.1f%%\n", all.Coverage.Percent(), c.CoverMin)
		e.fail(exitFindings)
	}
}
