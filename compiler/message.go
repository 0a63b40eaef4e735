package compiler

// A message template's parts. A template file of the templates/ folder
// starts with a header of `key: value` lines, then its body:
//
//	subject: Welcome{{with .first_name}}, {{.}}{{end}}
//	transactional: true
//	Hi {{.first_name | default "there"}},
//	…
//
// The header is the leading lines of the form `key: value` (a key of
// letters, `_` and `-`); it ends at the first other line, and a blank
// line that ends it is dropped. Its keys are `subject` (a one-line
// template) and `transactional` (true or false). A file whose first line
// is no `key: value` line has no header: all of it is the body.
//
// The checker checks the parts (template.go); the runtime renders them
// when it writes a send (runtime/render.go): the subject as a
// text/template, the body as an html/template for a .html file and a
// text/template otherwise.

import (
	"path/filepath"
	"strings"
)

// HeaderLine is one `key: value` line of a template's header. Offsets
// are bytes from the start of the template's content.
type HeaderLine struct {
	Key      string
	KeyAt    int
	Value    string // without the spaces around it
	ValueAt  int
	Line     int // 1-based
	Original string
}

// Message is a template split into its header and body.
type Message struct {
	Header        []HeaderLine
	Subject       string // the subject's template text; "" when there is none
	SubjectAt     int    // the subject's offset in the content
	Body          string
	BodyAt        int  // the body's offset in the content
	Transactional bool // `transactional: true`
	HTML          bool // a .html template: its body is an html/template
}

// Header keys.
const (
	HeaderSubject       = "subject"
	HeaderTransactional = "transactional"
)

// HeaderKeys are the keys a template header may hold.
var HeaderKeys = []string{HeaderSubject, HeaderTransactional}

// Split splits a template into its header and body. It never fails:
// unknown keys and bad values are left for the checker to report.
func (t *Template) Split() *Message {
	m := &Message{HTML: strings.EqualFold(filepath.Ext(t.File), ".html")}
	text := string(t.Content)
	off, line := 0, 1
	for off < len(text) {
		end := strings.IndexByte(text[off:], '\n')
		next := len(text)
		if end >= 0 {
			next = off + end + 1
		} else {
			end = len(text) - off
		}
		raw := strings.TrimSuffix(text[off:off+end], "\r")
		if raw == "" && len(m.Header) > 0 {
			off = next // the blank line that ends a header
			break
		}
		key, ok := headerKey(raw)
		if !ok {
			break
		}
		v := raw[len(key)+1:]
		lead := len(v) - len(strings.TrimLeft(v, " \t"))
		h := HeaderLine{Key: key, KeyAt: off, Value: strings.TrimSpace(v), ValueAt: off + len(key) + 1 + lead, Line: line, Original: raw}
		m.Header = append(m.Header, h)
		switch strings.ToLower(key) {
		case HeaderSubject:
			if m.Subject == "" {
				m.Subject, m.SubjectAt = h.Value, h.ValueAt
			}
		case HeaderTransactional:
			m.Transactional = h.Value == "true"
		}
		off, line = next, line+1
	}
	m.Body, m.BodyAt = text[off:], off
	return m
}

// headerKey returns the key of a `key: value` line.
func headerKey(line string) (string, bool) {
	k, _, ok := strings.Cut(line, ":")
	if !ok || k == "" {
		return "", false
	}
	for i, r := range k {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || r != '_' && r != '-') {
			return "", false
		}
	}
	return k, true
}
