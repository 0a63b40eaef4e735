package testrun_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/testrun"
)

// run compiles a workspace of sources and runs its tests.
func run(t *testing.T, sources map[string]string) *testrun.Report {
	t.Helper()
	src := map[string][]byte{}
	for k, v := range sources {
		src[k] = []byte(v)
	}
	ws := compiler.NewWorkspace(src, map[string][]byte{"welcome.md": []byte("subject: Hi\n")})
	prog, diags := compiler.Compile(ws)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	rep, err := testrun.Run(context.Background(), ws, prog, testrun.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var workspace = map[string]string{
	"schema.journey": "contact {\n  email: string\n  score: int\n  company: { size: int, name: string }\n}\n\nevent signed_up\n",
	"j.journey":      "journey j\n\nentry on signed_up\n\nstage A {\n  send \"welcome\"\n}\n\nstage B when company.size > 100\n",
	"j_test.journey": `test "passes" {
  journey j
  contact { email: "a@x", score: 1, company: { size: 5, name: "Acme" } }
  at 0 event signed_up
  expect sent "welcome"
  at 1h set company.size = 500
  expect stage B
  expect company.name == "Acme"
}

test "fails <twice> & more" {
  journey j
  contact { email: "b@x", score: 1, company: { size: 5, name: "Acme" } }
  at 0 event signed_up
  expect stage B
  expect not sent "welcome"
}
`,
}

// TestRun checks results and failures, and that `set` on a nested field
// keeps the object's other fields.
func TestRun(t *testing.T) {
	rep := run(t, workspace)
	if rep.Passed() != 1 || rep.Failed() != 1 {
		for _, r := range rep.Results {
			for _, f := range r.Failures {
				t.Logf("%s: %s: %s", r.Name, f.Expectation, f.Got)
			}
		}
		t.Fatalf("passed %d, failed %d; want 1 and 1", rep.Passed(), rep.Failed())
	}
	failed := rep.Results[1]
	if len(failed.Failures) != 2 {
		t.Fatalf("%d failures, want 2", len(failed.Failures))
	}
	if got := failed.Failures[0].Got; got != "the contact is in stage A" {
		t.Errorf("first failure: %q", got)
	}
	if got := failed.Failures[1].Got; !strings.Contains(got, "sent welcome at +0s") {
		t.Errorf("second failure: %q", got)
	}
}

// TestJUnitValidates writes a report with a passing and a failing test as
// JUnit XML and validates it against the common JUnit schema with xmllint.
func TestJUnitValidates(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint is missing: .ci/run installs libxml2-utils")
		}
		t.Skip("xmllint is not installed (Debian: libxml2-utils)")
	}
	rep := run(t, workspace)
	var b bytes.Buffer
	if err := testrun.WriteJUnit(&b, rep, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", "../../testdata/junit/junit.xsd", file).CombinedOutput()
	if err != nil {
		t.Fatalf("the report does not validate: %v\n%s\n%s", err, out, b.String())
	}
	for _, want := range []string{`tests="2"`, `failures="1"`, `<testcase name="passes"`, `<testcase name="fails &lt;twice&gt; &amp; more"`, `<failure message=`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the report lacks %s", want)
		}
	}
}

// TestBudget runs a test under the workspace's declared send budget: the
// third send of the day is skipped and recorded over_budget, which the
// test's timeline shows.
func TestBudget(t *testing.T) {
	rep := run(t, map[string]string{
		"schema.journey": "contact {\n  email: string\n}\n\nevent signed_up\n\nbudget 2 sends per 1d\n",
		"j.journey":      "journey j\n\nentry on signed_up\n\nstage A {\n  send \"welcome\"\n  after 1h send \"welcome\"\n  after 2h send \"welcome\"\n  after 1d1h send \"welcome\"\n}\n",
		"j_test.journey": "test \"budget\" {\n  journey j\n  contact { email: \"a@x\" }\n  at 0 event signed_up\n  at 2d expect sent \"welcome\"\n}\n",
	})
	if rep.Failed() != 0 {
		t.Fatalf("%d failed", rep.Failed())
	}
	var got []string
	for _, r := range rep.Results[0].Timeline {
		if r.Kind == runtime.RecSent || r.Kind == runtime.RecOverBudget {
			got = append(got, fmt.Sprintf("%s +%s", r.Kind, r.At.Sub(testrun.Start)))
		}
	}
	want := []string{"sent +0s", "sent +1h0m0s", "over_budget +2h0m0s", "sent +25h0m0s"}
	if !slices.Equal(got, want) {
		t.Fatalf("sends %v, want %v", got, want)
	}
}

// TestSentMessage: `expect sent … subject … containing …` checks the
// message as the engine rendered it for the test's contact, and a failure
// says what was sent instead.
func TestSentMessage(t *testing.T) {
	ws := compiler.NewWorkspace(map[string][]byte{
		"schema.journey": []byte("contact {\n  email: string\n  first_name: string?\n}\n\nevent signed_up\n"),
		"j.journey":      []byte("journey j\n\nentry on signed_up\n\nstage A {\n  send \"welcome\"\n  after 1d send \"guide\"\n}\n"),
		"j_test.journey": []byte(`test "matches" {
  journey j
  contact { email: "ada@x", first_name: "Ada" }
  at 0 event signed_up
  expect sent "welcome" subject "Welcome, Ada"
  expect sent "welcome" containing "the ROI guide"
  at 1d expect sent "guide" subject "Your guide" containing "ROI & more"
  expect sent "guide" containing "<b>ROI</b>"
  expect not sent "welcome" subject "Welcome"
}

test "differs" {
  journey j
  contact { email: "bo@x" }
  at 0 event signed_up
  expect sent "welcome" subject "Welcome, Bo"
  expect sent "welcome" containing "pricing"
}
`),
	}, map[string][]byte{
		"welcome.md": []byte("subject: Welcome{{with .first_name}}, {{.}}{{end}}\nHi {{.first_name | default \"there\"}}, here is the ROI guide.\n"),
		"guide.html": []byte("subject: Your guide\n<p><b>ROI</b> &amp; more</p>\n"),
	})
	prog, diags := compiler.Compile(ws)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	rep, err := testrun.Run(context.Background(), ws, prog, testrun.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Name == "matches" && len(r.Failures) > 0 {
			t.Errorf("%s: %s: %s", r.Name, r.Failures[0].Expectation, r.Failures[0].Got)
		}
		if r.Name != "differs" {
			continue
		}
		var got []string
		for _, f := range r.Failures {
			got = append(got, f.Expectation+" / "+f.Got)
		}
		want := []string{
			`expect sent "welcome" subject "Welcome, Bo" / sends by +0s: welcome (+0s) with subject "Welcome"`,
			`expect sent "welcome" containing "pricing" / sends by +0s: welcome (+0s) whose text does not contain "pricing": "Hi there, here is the ROI guide.\n"`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("failures:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
