package runtime

// The texts of a deployment, parsed once: each template's subject and
// body, each notify text and task title is parsed when it is first
// rendered, and the parse (or its error) serves every later render of
// it, by any number of workers at once.
//
// A text's unsubscribe_url returns the link of the message being
// rendered, which differs from contact to contact; html/template escapes
// it for the place it stands in (an attribute, a URL, text), so it must
// come out of the function, as before, and not be spliced in afterwards.
// A render therefore executes an instance of the text it has to itself:
// a clone of the parse whose unsubscribe_url reads the instance's link.
// An instance goes back to its text after the render, for the next one;
// a text has as many as were ever rendered at once, each cloned (and, for
// HTML, escaped) once.

import (
	htmltemplate "html/template"
	"io"
	"strings"
	"sync"
	"text/template"

	"github.com/journeylang/journey/stdlib"
)

// textKey identifies a parsed text: the name its errors give and the text
// itself, and whether it is an HTML body.
type textKey struct {
	name string // "templates/FILE" for a template's part; "notify" or "task"
	text string
	html bool
}

// texts holds a deployment's parsed texts.
type texts struct {
	mu     sync.Mutex
	parsed map[textKey]*parsedText
}

// newTexts returns an empty set of parsed texts.
func newTexts() *texts {
	return &texts{parsed: map[textKey]*parsedText{}}
}

// render executes the text of key over data, with unsubscribe as the link
// unsubscribe_url returns. A text that does not parse fails every render
// with the parser's error.
func (ts *texts) render(key textKey, data map[string]any, unsubscribe string) (string, error) {
	in, err := ts.get(key).instance()
	if err != nil {
		return "", err
	}
	defer in.parsed.release(in)
	in.unsubscribe = unsubscribe
	var b strings.Builder
	if err := in.execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// get returns the text of key, parsed on its first use.
func (ts *texts) get(key textKey) *parsedText {
	ts.mu.Lock()
	p := ts.parsed[key]
	if p == nil {
		p = &parsedText{key: key}
		ts.parsed[key] = p
	}
	ts.mu.Unlock()
	p.once.Do(p.parse)
	return p
}

// parsedText is one text parsed: the parse, which is never executed, only
// cloned, or the parser's error; and its instances not in use.
type parsedText struct {
	key  textKey
	once sync.Once
	text *template.Template     // a text template's parse
	html *htmltemplate.Template // an HTML body's parse
	err  error

	mu   sync.Mutex
	free []*textInstance
}

// parse parses the text with missingkey=error and the template
// functions; each instance binds unsubscribe_url afresh (clone).
func (p *parsedText) parse() {
	funcs := stdlib.TemplateFuncs("")
	if p.key.html {
		p.html, p.err = htmltemplate.New(p.key.name).Option("missingkey=error").Funcs(funcs).Parse(p.key.text)
	} else {
		p.text, p.err = template.New(p.key.name).Option("missingkey=error").Funcs(funcs).Parse(p.key.text)
	}
}

// textInstance is a clone of a parsed text that one render at a time
// executes, with the unsubscribe link of that render's message.
type textInstance struct {
	parsed      *parsedText
	execute     func(w io.Writer, data any) error
	unsubscribe string
}

// instance returns an instance of the text no render is using: one that
// went back, or a new clone.
func (p *parsedText) instance() (*textInstance, error) {
	if p.err != nil {
		return nil, p.err
	}
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		in := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return in, nil
	}
	p.mu.Unlock()
	return p.clone()
}

// clone makes a new instance of the text, whose unsubscribe_url returns
// the instance's link.
func (p *parsedText) clone() (*textInstance, error) {
	in := &textInstance{parsed: p}
	funcs := stdlib.TemplateFuncsWith(func() string { return in.unsubscribe })
	if p.html != nil {
		t, err := p.html.Clone()
		if err != nil {
			return nil, err
		}
		in.execute = t.Funcs(funcs).Execute
		return in, nil
	}
	t, err := p.text.Clone()
	if err != nil {
		return nil, err
	}
	in.execute = t.Funcs(funcs).Execute
	return in, nil
}

// release gives an instance back for the next render.
func (p *parsedText) release(in *textInstance) {
	in.unsubscribe = ""
	p.mu.Lock()
	p.free = append(p.free, in)
	p.mu.Unlock()
}
