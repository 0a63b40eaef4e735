package testrun

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
)

// WriteText writes a report for people: each failure with its place, what
// happened instead and the contact's timeline up to it; then a summary,
// and the coverage when cover is set.
func WriteText(w io.Writer, r *Report, verbose, cover bool) {
	for _, res := range r.Results {
		switch {
		case res.Err != nil:
			fmt.Fprintf(w, "--- FAIL: %s (%s:%d)\n    %v\n", res.Name, res.File, res.Line, res.Err)
		case !res.Passed():
			fmt.Fprintf(w, "--- FAIL: %s (%s:%d)\n", res.Name, res.File, res.Line)
			for _, f := range res.Failures {
				fmt.Fprintf(w, "    %s:%d:%d: at +%s: %s\n", f.File, f.Line, f.Col, compiler.Duration(f.At), f.Expectation)
				fmt.Fprintf(w, "        but %s\n", f.Got)
				fmt.Fprintf(w, "        timeline up to +%s:\n", compiler.Duration(f.At))
				writeTimeline(w, f.Timeline, res.Start, "            ")
			}
		case verbose:
			fmt.Fprintf(w, "--- PASS: %s (%s:%d)\n", res.Name, res.File, res.Line)
		}
	}
	if len(r.Results) == 0 && r.Unchecked > 0 {
		// No test ran: a count of none passed and none failed would read
		// as if the tests had been run and found nothing.
		fmt.Fprintf(w, "FAIL: %s\n", unchecked(r.Unchecked))
		return
	}
	if len(r.Results) == 0 && r.Unchecked == 0 {
		// As `go test` says "no test files": nothing failed, and nothing
		// was tested either.
		fmt.Fprintln(w, "ok: no tests (a test is `test \"name\" { … }`, by convention in a *_test.journey file)")
		return
	}
	if cover {
		WriteCoverage(w, r.Coverage)
	}
	status := "ok"
	if r.Failed() > 0 || r.Unchecked > 0 {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s: %d passed, %d failed\n", status, r.Passed(), r.Failed())
	if r.Unchecked > 0 {
		fmt.Fprintln(w, unchecked(r.Unchecked))
	}
}

// unchecked says that n workspaces did not check.
func unchecked(n int) string {
	if n == 1 {
		return "a workspace did not check: its tests did not run"
	}
	return fmt.Sprintf("%d workspaces did not check: their tests did not run", n)
}

// writeTimeline writes a contact's history, one line a record.
func writeTimeline(w io.Writer, recs []runtime.Record, start time.Time, indent string) {
	if len(recs) == 0 {
		fmt.Fprintf(w, "%s(nothing happened)\n", indent)
	}
	for _, rec := range recs {
		fmt.Fprintf(w, "%s+%-8s %s\n", indent, compiler.Duration(rec.At.Sub(start)), describe(rec))
	}
}

// describe says what a record means, in a few words.
func describe(r runtime.Record) string {
	step := ""
	if r.Step != "" {
		step = " (" + r.Step + ")"
	}
	switch r.Kind {
	case runtime.RecEnrolled:
		return fmt.Sprintf("entered %s (entry %s)", r.Journey, r.Detail)
	case runtime.RecStage:
		return "stage " + r.Detail + step
	case runtime.RecExited:
		return "left " + r.Journey + ": " + r.Detail + step
	case runtime.RecGoal:
		return "goal " + r.Detail
	case runtime.RecSent, runtime.RecSuppressed, runtime.RecCapped, runtime.RecHeld, runtime.RecNotified,
		runtime.RecTask, runtime.RecWebhook, runtime.RecSet, runtime.RecTagged, runtime.RecUntagged,
		runtime.RecWaiting, runtime.RecMatched, runtime.RecTimedOut:
		return r.Kind + " " + r.Detail + step
	case runtime.RecBranch:
		return "took " + r.Detail + step
	case runtime.RecArm:
		return "split arm " + r.Detail + step
	}
	return r.Kind + " " + r.Detail + step
}

// WriteCoverage writes each journey file's coverage and what the tests
// missed.
func WriteCoverage(w io.Writer, c *Coverage) {
	for _, f := range c.Files {
		fmt.Fprintf(w, "coverage: %s (journey %s): %.1f%% of %d steps, branches and arms\n", f.File, f.Journey, f.Percent(), f.Total)
		for _, m := range f.Missed {
			fmt.Fprintf(w, "    not reached: %s %s (%s)\n", m.Kind, m.ID, m.Source)
		}
	}
	covered, total := c.Total()
	fmt.Fprintf(w, "coverage: %.1f%% (%d of %d)\n", c.Percent(), covered, total)
}

// jsonReport is the report as `--format json` writes it.
type jsonReport struct {
	Passed    int        `json:"passed"`
	Failed    int        `json:"failed"`
	Unchecked int        `json:"unchecked,omitempty"` // workspaces that did not check
	Tests     []jsonTest `json:"tests"`
	Coverage  *jsonCover `json:"coverage,omitempty"`
}

type jsonTest struct {
	File     string        `json:"file"`
	Line     int           `json:"line"`
	Name     string        `json:"name"`
	Journey  string        `json:"journey"`
	Passed   bool          `json:"passed"`
	Error    string        `json:"error,omitempty"`
	Failures []jsonFailure `json:"failures,omitempty"`
	Timeline []jsonRecord  `json:"timeline"`
}

type jsonFailure struct {
	File        string `json:"file"`
	Line        int    `json:"line"`
	Col         int    `json:"col"`
	At          string `json:"at"`
	Expectation string `json:"expectation"`
	Got         string `json:"got"`
}

type jsonRecord struct {
	At      string `json:"at"`
	Journey string `json:"journey"`
	Entry   int    `json:"entry"`
	Kind    string `json:"kind"`
	Step    string `json:"step,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

type jsonCover struct {
	Percent float64         `json:"percent"`
	Files   []*FileCoverage `json:"files"`
}

// WriteJSON writes the report as JSON.
func WriteJSON(w io.Writer, r *Report, cover bool) error {
	out := jsonReport{Passed: r.Passed(), Failed: r.Failed(), Unchecked: r.Unchecked, Tests: []jsonTest{}}
	for _, res := range r.Results {
		t := jsonTest{File: res.File, Line: res.Line, Name: res.Name, Journey: res.Journey, Passed: res.Passed(), Timeline: []jsonRecord{}}
		if res.Err != nil {
			t.Error = res.Err.Error()
		}
		for _, f := range res.Failures {
			t.Failures = append(t.Failures, jsonFailure{f.File, f.Line, f.Col, "+" + compiler.Duration(f.At).String(), f.Expectation, f.Got})
		}
		for _, rec := range res.Timeline {
			t.Timeline = append(t.Timeline, jsonRecord{"+" + compiler.Duration(rec.At.Sub(res.Start)).String(), rec.Journey, rec.Entry, rec.Kind, rec.Step, rec.Detail})
		}
		out.Tests = append(out.Tests, t)
	}
	if cover {
		out.Coverage = &jsonCover{Percent: r.Coverage.Percent(), Files: r.Coverage.Files}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// JUnit's common XML form, as CI servers read it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: a suite per test file, a case
// per test.
func WriteJUnit(w io.Writer, r *Report, when time.Time) error {
	out := junitSuites{Name: "journey test", Time: seconds(r.Elapsed)}
	index := map[string]int{}
	for _, res := range r.Results {
		i, ok := index[res.File]
		if !ok {
			i = len(out.Suites)
			index[res.File] = i
			out.Suites = append(out.Suites, junitSuite{Name: res.File, Timestamp: when.UTC().Format("2006-01-02T15:04:05")})
		}
		s := &out.Suites[i]
		c := junitCase{Name: res.Name, Classname: "journey." + res.Journey, Time: seconds(res.Elapsed)}
		switch {
		case res.Err != nil:
			c.Error = &junitFailure{Message: res.Err.Error(), Type: "error", Body: res.Err.Error()}
			s.Errors++
			out.Errors++
		case !res.Passed():
			var b strings.Builder
			for _, f := range res.Failures {
				fmt.Fprintf(&b, "%s:%d:%d: at +%s: %s\n    but %s\n", f.File, f.Line, f.Col, compiler.Duration(f.At), f.Expectation, f.Got)
				writeTimeline(&b, f.Timeline, res.Start, "    ")
			}
			first := res.Failures[0]
			c.Failure = &junitFailure{Message: first.Expectation + ": " + first.Got, Type: "expectation", Body: b.String()}
			s.Failures++
			out.Failures++
		}
		s.Tests++
		out.Tests++
		s.Cases = append(s.Cases, c)
	}
	for i := range out.Suites {
		var total time.Duration
		for _, res := range r.Results {
			if res.File == out.Suites[i].Name {
				total += res.Elapsed
			}
		}
		out.Suites[i].Time = seconds(total)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
