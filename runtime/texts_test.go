package runtime_test

import (
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	"testing"
	"text/template"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/storetest"
	"github.com/journeylang/journey/stdlib"
)

// The link tests' templates: the unsubscribe link in every place
// html/template escapes differently (an attribute's URL, a query
// parameter, text, a script, an attribute that is no URL), in a
// {{define}}d template called with another dot, and in text.
const (
	linkSchema  = "contact {\n  email: string\n  first_name: string\n}\nevent signed_up\n"
	linkJourney = "journey j\nentry on signed_up\nstage S {\n  send \"news\"\n  send \"plain\"\n  notify sales \"{{.first_name}} signed up {{unsubscribe_url}}\"\n}\nteam sales\n"
	linkHTML    = "<p>Hi {{.first_name}},</p>\n" +
		"<a href=\"{{unsubscribe_url}}\">Unsubscribe</a>\n" +
		"<a href=\"https://example.com/why?next={{unsubscribe_url}}\">Why</a>\n" +
		"<p>Or paste {{unsubscribe_url}}.</p>\n" +
		"<script>var link = {{unsubscribe_url}};</script>\n" +
		"<span title=\"{{unsubscribe_url}}\">{{.email}}</span>\n" +
		"{{define \"footer\"}}<small>{{.}}: <a href=\"{{unsubscribe_url}}\">stop</a></small>{{end}}{{template \"footer\" .first_name}}\n"
	linkText = "Hi {{.first_name}},\nUnsubscribe: {{unsubscribe_url}}\n"
)

var linkTemplates = map[string][]byte{
	"news.html": []byte("subject: News for {{.first_name}} {{unsubscribe_url}}\n" + linkHTML),
	"plain.md":  []byte("subject: Plain\n\n" + linkText),
}

// linkOf is contact id's unsubscribe link: one with characters that each
// place escapes, and another for every contact.
func linkOf(id, channel string) string {
	return "https://example.com/unsubscribe?c=" + id + "&ch=" + channel + "&x=<\"a b'>"
}

// linkDeployment is the link tests' deployment and an engine on it that
// gives each contact its link.
func linkDeployment(t *testing.T) *runtime.Engine {
	t.Helper()
	d := storetest.Deploy(t, map[string][]byte{"schema.journey": []byte(linkSchema), "j.journey": []byte(linkJourney)}, linkTemplates)
	return &runtime.Engine{Deployment: d, Unsubscribe: linkOf}
}

// freshLink is what the link tests' sends carry for a contact, the
// templates parsed afresh for it as every send once did.
func freshLink(t *testing.T, id string, attrs map[string]any) []string {
	t.Helper()
	link := linkOf(id, "email")
	funcs := stdlib.TemplateFuncs(link)
	var html, text strings.Builder
	h := htmltemplate.Must(htmltemplate.New("news").Option("missingkey=error").Funcs(funcs).Parse(linkHTML))
	if err := h.Execute(&html, attrs); err != nil {
		t.Fatal(err)
	}
	x := template.Must(template.New("plain").Option("missingkey=error").Funcs(funcs).Parse(linkText))
	if err := x.Execute(&text, attrs); err != nil {
		t.Fatal(err)
	}
	// The subject and a notify's text have no link.
	name := attrs["first_name"].(string)
	return []string{"News for " + name, html.String(), link, "Plain", link, text.String(), name + " signed up "}
}

// linkParts is what freshLink gives of a contact's payloads.
func linkParts(payloads []map[string]any) []string {
	var out []string
	for _, p := range payloads {
		for _, key := range []string{"subject", "html", "unsubscribe", "text"} {
			if key == "text" && p["html"] != nil {
				continue // the HTML's text, which plainText makes of the same bytes
			}
			if v, ok := p[key].(string); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

// linkContact is the attributes of the link tests' contact i.
func linkContact(i int) (string, map[string]any) {
	id := fmt.Sprintf("c%03d", i)
	return id, map[string]any{"email": id + "@example.com", "first_name": fmt.Sprintf("Ada <%d> & co", i)}
}

// TestRenderLinkPerContact: sends rendered one after another on one
// deployment each carry their own contact's link, escaped for each place
// in the HTML as a template parsed afresh for the contact escapes it.
func TestRenderLinkPerContact(t *testing.T) {
	e := linkDeployment(t)
	for i := range 40 {
		id, attrs := linkContact(i)
		got, _ := runSignUp(t, e, id, attrs, t0)
		if diff := cmp.Diff(freshLink(t, id, attrs), linkParts(got)); diff != "" {
			t.Fatalf("contact %s (-fresh +got):\n%s", id, diff)
		}
	}
}

// TestRenderLinkEscaped: the link as it stands in each place of the HTML
// and in text, spelt out.
func TestRenderLinkEscaped(t *testing.T) {
	e := linkDeployment(t)
	got, _ := runSignUp(t, e, "ada", map[string]any{"email": "ada@example.com", "first_name": "Ada"}, t0)
	if len(got) != 3 {
		t.Fatalf("got %d actions, want 3", len(got))
	}
	wantHTML := "<p>Hi Ada,</p>\n" +
		"<a href=\"https://example.com/unsubscribe?c=ada&amp;ch=email&amp;x=%3c%22a%20b%27%3e\">Unsubscribe</a>\n" +
		"<a href=\"https://example.com/why?next=https%3a%2f%2fexample.com%2funsubscribe%3fc%3dada%26ch%3demail%26x%3d%3c%22a%20b%27%3e\">Why</a>\n" +
		"<p>Or paste https://example.com/unsubscribe?c=ada&amp;ch=email&amp;x=&lt;&#34;a b&#39;&gt;.</p>\n" +
		"<script>var link = \"https://example.com/unsubscribe?c=ada\\u0026ch=email\\u0026x=\\u003c\\\"a b'\\u003e\";</script>\n" +
		"<span title=\"https://example.com/unsubscribe?c=ada&amp;ch=email&amp;x=&lt;&#34;a b&#39;&gt;\">ada@example.com</span>\n" +
		"<small>Ada: <a href=\"https://example.com/unsubscribe?c=ada&amp;ch=email&amp;x=%3c%22a%20b%27%3e\">stop</a></small>\n"
	if diff := cmp.Diff(wantHTML, got[0]["html"]); diff != "" {
		t.Errorf("html (-want +got):\n%s", diff)
	}
	wantText := "Hi Ada,\nUnsubscribe: https://example.com/unsubscribe?c=ada&ch=email&x=<\"a b'>\n"
	if diff := cmp.Diff(wantText, got[1]["text"]); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}

// TestRenderConcurrent: workers rendering the same templates at once for
// different contacts each get their own contact's link and attributes.
// Run with -race.
func TestRenderConcurrent(t *testing.T) {
	e := linkDeployment(t)
	const workers, each = 8, 30
	var wg sync.WaitGroup
	errs := make(chan string, workers*each)
	for w := range workers {
		wg.Go(func() {
			for k := range each {
				id, attrs := linkContact(w*each + k)
				got, _ := runSignUp(t, e, id, attrs, t0)
				if diff := cmp.Diff(freshLink(t, id, attrs), linkParts(got)); diff != "" {
					errs <- fmt.Sprintf("contact %s (-fresh +got):\n%s", id, diff)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

// TestRenderUnparsable: a template that does not parse (a bundle made
// without the checker) fails every send of it, for every contact, with
// the parser's error at its place in the file.
func TestRenderUnparsable(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"subject", "subject: News {{.first_name\n<p>Hi</p>\n",
			`S/send:news#1: send "news": templates/news.html:1: unclosed action`},
		{"body", "subject: News\n<p>Hi</p>\n<p>{{if .first_name}}x</p>\n",
			`S/send:news#1: send "news": templates/news.html:4: unexpected EOF`},
		{"escaping", "subject: News\n<a href=\"{{if .first_name}}x\">{{end}}\n",
			`S/send:news#1: send "news": templates/news.html:2:14: {{if}} branches end in different contexts: ` +
				`{stateText delimNone urlPartNone jsCtxRegexp [] attrNone elementNone <nil>}, {stateURL delimDoubleQuote urlPartNone jsCtxRegexp [] attrURL elementNone <nil>}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := linkDeployment(t)
			for _, tpl := range e.Deployment.Program.Templates {
				if tpl.Name == "news" {
					tpl.Content = []byte(tt.content)
				}
			}
			for i := range 3 {
				id, attrs := linkContact(i)
				_, recs := runSignUp(t, e, id, attrs, t0)
				var failed []string
				for _, r := range recs {
					if r.Kind == runtime.RecFailed {
						failed = append(failed, r.Step+": "+r.Detail)
					}
				}
				if diff := cmp.Diff([]string{tt.want}, failed); diff != "" {
					t.Errorf("contact %s: failed records (-want +got):\n%s", id, diff)
				}
			}
		})
	}
}
