//go:build unix

package runtime_test

import (
	"fmt"
	"testing"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// The rendering benchmark: a send of a marketing email, in HTML and in
// Markdown, to contacts that each have their own one-click unsubscribe
// link. One operation renders one send, subject and body, for the next of
// benchRenderContacts contacts. It reports the CPU time of an operation
// beside its elapsed time, which on a shared machine is also the other
// processes'. docs/performance.md has the figures, with the command.

// benchRenderSchema is the contact the benchmark's templates read.
const benchRenderSchema = `
contact {
  email:      string
  first_name: string?
  plan:       string?
  renews_at:  timestamp?
  seats:      int
  company: {
    name: string
    size: int
  }
}
event signed_up
`

// benchRenderJourney sends both templates.
const benchRenderJourney = "journey j\nentry on signed_up\nstage S {\n  send \"news_html\"\n  send \"news_text\"\n}\n"

// benchHTML is a marketing email of some length, with its unsubscribe
// link in an attribute and in text.
var benchHTML = []byte(`subject: {{.company.name}}: what is new in {{.plan | default "your plan"}}
<!DOCTYPE html>
<html>
<head><title>News for {{.company.name}}</title></head>
<body style="font-family: sans-serif">
  <table width="100%" cellpadding="0" cellspacing="0">
    <tr><td><h1>Hello {{.first_name | default "there"}},</h1></td></tr>
    <tr><td>
      <p>Your team of {{.company.size}} at <b>{{.company.name}}</b> has {{.seats}} seats
      on the {{.plan | default "free"}} plan.{{with .renews_at}} It renews on {{date "2 January 2006" .}}.{{end}}</p>
      <p>This month we shipped faster reports, saved views and a new import
      from spreadsheets. Read about each <a href="https://example.com/news?plan={{.plan | default "free"}}">on our blog</a>.</p>
      {{if gt .seats 10}}<p>Teams of your size save the most with yearly billing.</p>{{else}}<p>Invite your team: every plan has room.</p>{{end}}
    </td></tr>
    <tr><td style="font-size: 12px; color: #666">
      <p>You receive this because {{.email}} signed up at example.com.
      <a href="{{unsubscribe_url}}">Unsubscribe</a> or paste {{unsubscribe_url}} in your browser.</p>
    </td></tr>
  </table>
</body>
</html>
`)

// benchText is the same email in Markdown.
var benchText = []byte(`subject: {{.company.name}}: what is new in {{.plan | default "your plan"}}

# Hello {{.first_name | default "there"}},

Your team of {{.company.size}} at **{{.company.name}}** has {{.seats}} seats
on the {{.plan | default "free"}} plan.{{with .renews_at}} It renews on {{date "2 January 2006" .}}.{{end}}

This month we shipped faster reports, saved views and a new import from
spreadsheets. Read about each [on our blog](https://example.com/news).

{{if gt .seats 10}}Teams of your size save the most with yearly billing.{{else}}Invite your team: every plan has room.{{end}}

You receive this because {{.email}} signed up at example.com.
Unsubscribe: {{unsubscribe_url}}
`)

// benchRenderContacts is how many contacts, each with its own link, the
// benchmark's sends cycle through.
const benchRenderContacts = 64

// benchRenderSend is a send of one of the benchmark's templates.
type benchRenderSend struct {
	e        *runtime.Engine
	contacts []*runtime.ContactState
}

// newBenchRenderSend deploys the benchmark's templates, with an engine
// that gives each contact its own link, and makes its contacts.
func newBenchRenderSend(b *testing.B) *benchRenderSend {
	b.Helper()
	files := map[string][]byte{"schema.journey": []byte(benchRenderSchema), "j.journey": []byte(benchRenderJourney)}
	templates := map[string][]byte{"news_html.html": benchHTML, "news_text.md": benchText}
	e := &runtime.Engine{Deployment: storetest.Deploy(b, files, templates), Unsubscribe: func(contact, channel string) string {
		return "https://example.com/unsubscribe?c=" + contact + "&ch=" + channel + "&sig=4f2a9c"
	}}
	s := &benchRenderSend{e: e}
	for i := range benchRenderContacts {
		attrs := map[string]any{
			"email": fmt.Sprintf("c%d@example.com", i), "first_name": "Ada", "plan": "pro", "seats": int64(i),
			"renews_at": "2027-03-01T00:00:00Z", "company": map[string]any{"name": "Analytical & Co", "size": int64(12)},
		}
		s.contacts = append(s.contacts, &runtime.ContactState{ID: fmt.Sprintf("contact-%d", i), Attrs: attrs})
	}
	return s
}

// BenchmarkMessage renders a send of the HTML and of the Markdown
// template, each for the next contact in turn.
func BenchmarkMessage(b *testing.B) {
	for _, name := range []string{"news_html", "news_text"} {
		b.Run(name, func(b *testing.B) {
			s := newBenchRenderSend(b)
			st := &compiler.Step{Kind: compiler.StepSend, Target: name, Channel: "email"}
			b.ReportAllocs()
			i := 0
			start := cpuTime(b)
			for b.Loop() {
				if _, err := runtime.RenderSend(s.e, s.contacts[i%len(s.contacts)], st); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64((cpuTime(b)-start).Nanoseconds())/float64(i), "cpu-ns/op")
		})
	}
}
