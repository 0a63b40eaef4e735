package compiler_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/synth"
)

// benchWorkspace generates a workspace of n journeys against one schema:
// every clause kind, several stages with triggers, conditions that use
// fields, nested objects, events and the function library, and every step
// kind. It is deterministic.
func benchWorkspace(n int) (map[string][]byte, map[string][]byte) {
	sources := map[string][]byte{"schema.journey": []byte(`contact {
  email:        string
  first_name:   string?
  score:        int
  lifecycle:    enum(subscriber, lead, mql, sql, opportunity, customer, evangelist)
  timezone:     string
  last_login:   timestamp?
  open_tickets: int
  nps:          int?
  tags:         list<string>
  company: {
    size:     int
    industry: string
  }
}

event form_submitted { form: string, page: string }
event page_viewed    { path: string }
event email_opened   { template: string }
event meeting_booked { rep: string }
event deal_won       { amount: double }

team sales "sales@example.com"
`)}
	templates := map[string][]byte{}
	for _, t := range []string{"welcome", "case-study", "roi-guide", "demo-invite", "check-in"} {
		templates[t+".md"] = []byte("subject: " + t + "\nHello {{.first_name | default \"there\"}}.\n")
	}
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, `journey j%d "Journey %d"

entry    on form_submitted when event.form == "guide-%d" && event.page.startsWith("/")
exit     when lifecycle == "customer" || has_tag("churned")
goal     sql when lifecycle in ["sql", "opportunity"]
suppress when open_tickets > 0
window   09:00-18:00 mon-fri
cap      3 sends per 7d
reenter  after 90d

stage Awareness {
  send "welcome"
  after 2d  send "case-study"
  after 4d  if !opened("case-study") && company.size > %d {
    notify sales "Large account {{.email}}"
  } else {
    tag "nurture-%d"
  }
  after 7d  split ab%d {
    50%% a { send "roi-guide" }
    50%% b { send "demo-invite" }
  }
}

stage Consideration when score >= %d && days_since(last_login) < 14 {
  after 3d send "roi-guide"
  after 3d wait for email_opened when event.template == "roi-guide" within 5d {
    set score = score + 10
  } timeout {
    task "Call {{.email}}" for owner due 2d
  }
}

stage Decision on meeting_booked when count("page_viewed", 7d) >= 2 {
  notify owner "Meeting with {{.first_name | default .email}}"
  after 10d webhook crm_sync
  after 12d next
}

stage Won {
  set lifecycle = "customer"
  send "check-in"
  exit "won"
}
`, i, i, i, i*10, i, i, 40+i%50)
		sources[fmt.Sprintf("j%04d.journey", i)] = []byte(b.String())
	}
	return sources, templates
}

// benchWorkspaceSized is benchWorkspace(n) and the size of its sources.
func benchWorkspaceSized(n int) (map[string][]byte, map[string][]byte, int) {
	sources, templates := benchWorkspace(n)
	size := 0
	for _, src := range sources {
		size += len(src)
	}
	return sources, templates, size
}

// BenchmarkCheckWorkspace parses and checks a workspace of 1,000
// journeys. Figures are in docs/performance.md.
func BenchmarkCheckWorkspace(b *testing.B) {
	const n = 1000
	sources, templates, size := benchWorkspaceSized(n)
	if _, diags := compiler.Check(compiler.NewWorkspace(sources, templates)); len(diags) > 0 {
		b.Fatalf("the generated workspace has diagnostics; the first: %v", diags[0])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		compiler.Check(compiler.NewWorkspace(sources, templates))
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "journeys/s")
}

// BenchmarkCompileWorkspace parses, checks and compiles into a bundle the
// workspace of BenchmarkCheckWorkspace, as `journey compile` does: its
// time over BenchmarkCheckWorkspace's is what compiling adds to checking.
// Figures are in docs/performance.md.
func BenchmarkCompileWorkspace(b *testing.B) {
	const n = 1000
	sources, templates, size := benchWorkspaceSized(n)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		prog, diags := compiler.Compile(compiler.NewWorkspace(sources, templates))
		if diags.HasErrors() {
			b.Fatalf("the generated workspace has errors; the first: %v", diags[0])
		}
		if _, err := compiler.WriteBundle(prog, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "journeys/s")
}

// BenchmarkCheckLinear parses and checks, as `journey check` does,
// workspaces of 250, 500 and 1,000 journeys (benchWorkspace; 0.29 to
// 1.15 MB), then the inputs of synth.Series but its workspaces (which name
// templates they lack), each with synth.Schema: nesting close to the limit
// and one file close to the size limit, at sizes N, 2N and 4N, and nesting
// at three depths. ns/byte and B/byte stay flat where checking is linear.
// docs/performance.md records the results.
func BenchmarkCheckLinear(b *testing.B) {
	var inputs []synth.Input
	templates := map[string][]byte{}
	for _, n := range []int{250, 500, 1000} {
		sources, tpl := benchWorkspace(n)
		maps.Copy(templates, tpl)
		in := synth.Input{Name: fmt.Sprintf("workspace/%d", n)}
		for _, name := range slices.Sorted(maps.Keys(sources)) {
			in.Files = append(in.Files, synth.File{Name: name, Src: sources[name]})
		}
		inputs = append(inputs, in)
	}
	for _, in := range synth.Series(synth.File{Name: "schema.journey", Src: []byte(synth.Schema)}) {
		if !strings.HasPrefix(in.Name, "workspace/") {
			inputs = append(inputs, in)
		}
	}
	check := func(in synth.Input) diag.List {
		sources := make(map[string][]byte, len(in.Files))
		for _, f := range in.Files {
			sources[f.Name] = f.Src
		}
		_, diags := compiler.Check(compiler.NewWorkspace(sources, templates))
		return diags
	}
	for _, in := range inputs {
		if diags := check(in); len(diags) > 0 {
			b.Fatalf("%s has diagnostics; the first: %v", in.Name, diags[0])
		}
	}
	synth.Bench(b, inputs, func(in synth.Input) { check(in) })
}
