package compiler_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
)

// TestTemplatePositions pins the exact place of diagnostics inside a
// template: its line and column in templates/NAME.md, past the header.
func TestTemplatePositions(t *testing.T) {
	tests := []struct {
		name, template string
		want           string // file:line:col: message, then the suggestion
	}{
		{"subject", "subject: Hi {{.frist_name}}\nBody\n",
			`templates/t.md:1:16: undefined field "frist_name" / first_name`},
		{"body", "subject: Hi\n\nLine\nTeam {{.company.sise}}\n",
			`templates/t.md:4:17: undefined field "company.sise" / size`},
		{"three names", "subject: Hi\n{{.company.size.x}}\n",
			`templates/t.md:2:17: undefined field "x": company.size is an int, which has no fields / `},
		{"variable", "subject: Hi\n{{$.compny}}\n",
			`templates/t.md:2:5: undefined field "compny" / company`},
		{"non-ASCII before", "subject: Hi\nZürich—Süd {{.scroe}}\n",
			`templates/t.md:2:19: undefined field "scroe" / score`},
		{"function", "subject: Hi\n{{.email | uper}}\n",
			`templates/t.md:2:12: unknown template function "uper" / `},
		{"syntax", "subject: Hi\n{{if .vip}}\nyes\n{{else}}no\n{{end}}{{end}}\n",
			`templates/t.md:5:8: template syntax: unexpected {{end}} / `},
		{"unclosed", "subject: Hi\n{{if .vip}}\nyes\n",
			`templates/t.md:3:1: template syntax: unexpected EOF / `},
		{"header", "subject: Hi\nkind: transactional\nBody\n",
			`templates/t.md:2:1: unknown template header "kind" / `},
		{"journey notify", `  notify cs "Hi {{.first_name | default \"x\"}} {{.scroe}}"`,
			`j.journey:4:52: undefined field "scroe" / score`},
		{"journey task", `  task "Über\t{{.company.sise}}" for owner`,
			`j.journey:4:27: undefined field "company.sise" / size`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sources := map[string][]byte{"schema.journey": baseSchema(t)}
			templates := map[string][]byte{"t.md": []byte(tt.template)}
			if name, ok := strings.CutPrefix(tt.name, "journey "); ok {
				sources["j.journey"] = []byte("journey j\n\nstage A {\n" + tt.template + "\n}\n")
				templates = map[string][]byte{name + ".md": []byte("subject: Hi\n")}
			}
			ws := compiler.NewWorkspace(sources, templates)
			_, diags := compiler.Check(ws)
			if len(diags) == 0 {
				t.Fatal("no diagnostic")
			}
			d := diags[0]
			got := d.Error() + " / " + d.Suggestion
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestTemplateRendered shows the caret inside a template, the way
// `journey check` prints it.
func TestTemplateRendered(t *testing.T) {
	ws := compiler.NewWorkspace(map[string][]byte{"schema.journey": baseSchema(t)},
		map[string][]byte{"t.md": []byte("subject: Hi\nTeam of {{.company.sise}}\n")})
	_, diags := compiler.Check(ws)
	var b bytes.Buffer
	diag.RenderAll(&b, diags, ws.Texts())
	want := `templates/t.md:2:20: undefined field "company.sise"
   2 | Team of {{.company.sise}}
     |                    ^^^^ did you mean "size"?
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestTemplateSplit reads a template's header.
func TestTemplateSplit(t *testing.T) {
	tpl := &compiler.Template{Name: "t", File: "t.html", Content: []byte("subject: Hi {{.email}}\r\ntransactional: true\r\n\r\n<p>Body</p>\n")}
	m := tpl.Split()
	got := []any{m.Subject, m.Transactional, m.HTML, m.Body, m.SubjectAt}
	want := []any{"Hi {{.email}}", true, true, "<p>Body</p>\n", 9}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A first line of the form `key: value` is a header line, which the
	// checker refuses unless its key is known; any other first line begins
	// the body.
	if m := (&compiler.Template{File: "t.md", Content: []byte("Hello: no header here\n")}).Split(); len(m.Header) != 1 || m.Body != "" {
		t.Errorf("Hello: … is no header line: %+v", m)
	}
	if m := (&compiler.Template{File: "t.md", Content: []byte("Hello there: a body\n")}).Split(); len(m.Header) != 0 || m.Body != "Hello there: a body\n" {
		t.Errorf("Hello there: … is a header line: %+v", m)
	}
}

// FuzzCheckTemplate checks templates and notify texts of any content: the
// checker reports, and never panics.
func FuzzCheckTemplate(f *testing.F) {
	for _, s := range []string{
		"subject: Hi {{.first_name}}\nBody {{.company.size}}\n",
		"subject: x\ntransactional: maybe\n\n{{with .company}}{{.tier}}{{end}}{{range $k, $v := .scores}}{{$k}}{{end}}",
		"{{if}}{{end}}{{.a.b.c}}{{$.x}}{{$y := .email}}{{$y.z}}",
		"subject: {{template \"x\" .}}\n{{define \"x\"}}{{.nps}}{{end}}{{block \"b\" .}}{{.}}{{end}}",
		"a: b\nc: d\n\n{{/* c */}}{{- .email -}}{{(.company).size}}{{.email | printf \"%s\" | len}}",
	} {
		f.Add(s)
	}
	schema := []byte(`contact {
  email: string
  first_name: string?
  nps: int?
  tags: list<string>
  scores: map<string, int>
  company: { size: int, tier: enum(smb, mid) }
}
team sales
`)
	f.Fuzz(func(t *testing.T, text string) {
		ws := compiler.NewWorkspace(map[string][]byte{
			"schema.journey": schema,
			"j.journey":      []byte("journey j\nstage A {\n  notify sales " + strconv.Quote(text) + "\n}\n"),
		}, map[string][]byte{"t.md": []byte(text), "t.html": []byte(text)})
		compiler.Check(ws)
	})
}
