package runtime

// Rendering: every text an action carries is rendered here, once, when
// the engine writes the action (docs/semantics.md rule 14), so the outbox holds
// exactly what is delivered and a sink renders nothing.
//
// Texts are Go templates (compiler/message.go) over the contact's
// attributes as conditions see them: in the types the schema declares,
// with every optional field the contact lacks present as nil (empty, and
// false in `if` and `with`). They run with missingkey=error, so a required
// field the contact lacks fails the render rather than reading
// "<no value>": the step is then recorded failed, with the reason, and no
// action is written. Each text is parsed once for the deployment
// (texts.go), and each send executes the parse with its own unsubscribe
// link.
//
// The payloads:
//
//	send:   template, channel, contact, subject, text, html (a .html
//	        template: the rendered HTML, and text the same with its tags
//	        taken out; a .md template has text only, the rendered Markdown),
//	        transactional (true, or absent), to (the contact's email, when a
//	        string)
//	notify: team, text, contact
//	task:   title, for, due, contact
//
// `notify owner` and `task … for owner` go to the contact's `owner`
// attribute (OwnerField) as it is when the action is written; for a
// contact without one (unassigned) they stay `owner`, for the sink's route
// of that name. The action's Target is always the name as written.

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/journeylang/journey/compiler"
)

// OwnerField is the contact attribute `owner` resolves to: the CRM user
// who owns the contact.
const OwnerField = "owner"

// EmailField is the contact attribute a send's `to` is taken from.
const EmailField = "email"

// renderData is the contact as texts see it (see the top of this file).
func (r *run) renderData() map[string]any {
	schema := r.e.Deployment.Program.Schema
	return withAbsent(schema.Contact, coerceObject(schema.Contact, r.s.Attrs))
}

// withAbsent adds nil for the optional fields of o that values lacks, in
// values and in the objects it holds.
func withAbsent(o *compiler.Object, values map[string]any) map[string]any {
	for _, f := range o.Fields {
		v, ok := values[f.Name]
		switch {
		case !ok && f.Type.Optional:
			values[f.Name] = nil
		case ok && f.Type.Kind == compiler.KindObject:
			if m, isMap := v.(map[string]any); isMap {
				values[f.Name] = withAbsent(f.Type.Object, m)
			}
		}
	}
	return values
}

// renderText renders a notify text, a task title or a template's
// subject; name is the name its errors give.
func (d *Deployment) renderText(name, text string, data map[string]any) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	return d.texts.render(textKey{name: name, text: text}, data, "")
}

// message renders a send's template into its payload.
func (r *run) message(st *compiler.Step) (map[string]any, error) {
	d := r.e.Deployment
	tpl := d.template(st.Target)
	if tpl == nil {
		return nil, fmt.Errorf("no template %q in the deployment", st.Target)
	}
	m := tpl.Split()
	data := r.renderData()
	file := "templates/" + tpl.File
	subject, err := d.renderText(file, m.Subject, data)
	if err != nil {
		return nil, relocate(err, file, tpl.Content, m.SubjectAt)
	}
	p := map[string]any{"template": st.Target, "channel": st.Channel, "subject": strings.Join(strings.Fields(subject), " ")}
	unsubscribe := ""
	if !tpl.Transactional && r.e.Unsubscribe != nil {
		// A marketing send carries its one-click link, for the message's
		// List-Unsubscribe and the body's {{unsubscribe_url}}.
		if unsubscribe = r.e.Unsubscribe(r.s.ID, st.Channel); unsubscribe != "" {
			p["unsubscribe"] = unsubscribe
		}
	}
	body, err := d.texts.render(textKey{name: file, text: m.Body, html: m.HTML}, data, unsubscribe)
	if err != nil {
		return nil, relocate(err, file, tpl.Content, m.BodyAt)
	}
	if m.HTML {
		p["html"] = body
		p["text"] = plainText(body)
	} else {
		p["text"] = body
	}
	if tpl.Transactional {
		p["transactional"] = true
	}
	if to, ok := r.s.Attrs[EmailField].(string); ok {
		p["to"] = to
	}
	return p, nil
}

// reExecError is the place in a text/template error, "template:
// NAME:LINE:COL:" or "template: NAME:LINE:", or in an html/template one,
// "html/template:NAME:LINE:COL:".
var reExecError = regexp.MustCompile(`(?:html/)?template: ?(.*?):(\d+):(?:(\d+):)?`)

// relocate rewrites the place in a template's error, which counts from the
// start of the part rendered (the subject or the body), to the line and
// column in the template's file.
func relocate(err error, file string, content []byte, at int) error {
	msg := err.Error()
	m := reExecError.FindStringSubmatchIndex(msg)
	if m == nil || msg[m[2]:m[3]] != file {
		return err
	}
	line, _ := strconv.Atoi(msg[m[4]:m[5]])
	before := content[:at]
	fileLine := line + bytes.Count(before, []byte("\n"))
	place := fmt.Sprintf("%s:%d", file, fileLine)
	if m[6] >= 0 {
		col, _ := strconv.Atoi(msg[m[6]:m[7]])
		if line == 1 {
			col += at - (bytes.LastIndexByte(before, '\n') + 1)
		}
		place += ":" + strconv.Itoa(col)
	}
	return fmt.Errorf("%s:%s", place, msg[m[1]:])
}

// owner resolves `owner` to the contact's owner; any other name, and
// `owner` for a contact that has none (unassigned), is itself.
func (r *run) owner(name string) string {
	if o, ok := r.s.Attrs[OwnerField].(string); ok && o != "" && name == "owner" {
		return o
	}
	return name
}

var (
	reTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	reBlanks = regexp.MustCompile(`\n[ \t]*\n(?:[ \t]*\n)+`)
)

// plainText is rendered HTML with its tags taken out and its entities
// decoded: the text part of an HTML email.
func plainText(s string) string {
	s = html.UnescapeString(reTag.ReplaceAllString(s, ""))
	return strings.TrimSpace(reBlanks.ReplaceAllString(s, "\n\n")) + "\n"
}

// template returns the template called name, or nil.
func (d *Deployment) template(name string) *compiler.Template {
	for _, t := range d.Program.Templates {
		if t.Name == name {
			return t
		}
	}
	return nil
}
