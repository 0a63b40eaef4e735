package dispatch

// The smtp sink sends a send action's email through an SMTP server.
//
// The engine renders the message when it writes the action: the payload
// carries the subject, the text (for a Markdown template, its rendered
// source) or the HTML (for an HTML template), the address and the
// unsubscribe URL, and the sink sends exactly that (mail.go composes the
// email). An action written before the engine rendered messages carries
// only its template's name: the sink renders the template itself with
// the contact's attributes, which it reads from the store.
//
// A template (compiler.Template) starts with a line `subject: …`; the rest
// is the body. Both are Go templates over the contact's attributes
// ({{.first_name}}, {{.company.name}}): the subject a text/template, the
// body an html/template for a .html file and a text/template otherwise.
// The recipient is the payload's address, or the contact's email
// attribute (ToField).
//
// The message's Message-ID carries the action's key, and so does an
// X-Journey-Key header; but SMTP servers do not deduplicate, so a call
// whose outcome was lost may have sent the email: the smtp sink's
// unknown policy is Park unless configured otherwise.
//
// The conversation uses go-mail's SMTP client one command at a time,
// rather than its Client's send, so that each failure is classified by
// the step it happened at: a 5xx reply fails for good (the row is
// parked), as do a missing template, a contact without an address and a
// template that does not render; a 4xx reply or a broken connection is
// retried; a message whose final reply was lost is unknown. The
// conversation ends with the call's context.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net"
	"net/mail"
	"net/textproto"
	"path"
	"strings"
	"sync"
	"text/template"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime/store"
)

// Templates finds a template by name: in the running deployment's
// Program.Templates. See TemplateList.
type Templates func(name string) (compiler.Template, bool)

// TemplateList looks templates up in a list.
func TemplateList(ts []compiler.Template) Templates {
	byName := make(map[string]compiler.Template, len(ts))
	for _, t := range ts {
		byName[t.Name] = t
	}
	return func(name string) (compiler.Template, bool) {
		t, ok := byName[name]
		return t, ok
	}
}

// SMTP security modes.
const (
	SMTPStartTLS = "starttls" // upgrade with STARTTLS, which the server must offer
	SMTPTLS      = "tls"      // TLS from the start (port 465)
	SMTPNone     = "none"     // no TLS: for a relay on the same host
)

// SMTPSink sends send actions' emails through an SMTP server.
type SMTPSink struct {
	Addr              string      // host:port
	Security          string      // SMTPStartTLS (when ""), SMTPTLS or SMTPNone
	TLSConfig         *tls.Config // nil: verify the server as Addr's host
	Auth              smtp.Auth   // nil: no authentication
	Hello             string      // the name to greet the server with; "localhost" when ""
	From              string      // the sender, as in a From header: "Acme <hello@acme.example>"
	ToField           string      // the contact attribute holding the address; "email" when ""
	UnsubscribeMailto string      // the address for List-Unsubscribe's mailto: URI; none when ""
	Templates         Templates   // for actions that carry no rendered message; nil: none

	mu     sync.Mutex
	parsed map[string]*parsedTemplate // by name
}

// parsedTemplate is a template ready to execute, with the content it was
// parsed from.
type parsedTemplate struct {
	content string
	html    bool
	subject *template.Template
	text    *template.Template     // when !html
	markup  *htmltemplate.Template // when html
}

// Deliver implements Sink.
func (s *SMTPSink) Deliver(ctx context.Context, d *Delivery) error {
	msg, e, err := s.message(ctx, d)
	if err != nil {
		return err
	}
	return s.send(ctx, e.from.Address, e.to.Address, msg)
}

// message composes the action's email: from the payload's rendered
// message or, for an action that carries none, from its template and the
// contact.
func (s *SMTPSink) message(ctx context.Context, d *Delivery) (*gomail.Msg, *envelope, error) {
	p, err := parsePayload(d.Payload)
	if err != nil {
		return nil, nil, Permanent(err)
	}
	sender, err := mail.ParseAddress(s.From)
	if err != nil {
		return nil, nil, Permanent(fmt.Errorf("smtp: from %q: %v", s.From, err))
	}
	e := &envelope{
		key: d.Key, at: d.At, from: sender, transactional: p.Transactional,
		unsubscribe: p.Unsubscribe, mailto: s.UnsubscribeMailto,
	}
	var c content
	switch {
	case p.rendered() && p.HTML != nil:
		c = htmlContent(*p.Subject, *p.HTML)
	case p.rendered():
		if c, err = markdownContent(*p.Subject, *p.Text); err != nil {
			return nil, nil, Permanent(err)
		}
	}
	// The payload's address is the contact's email attribute: with
	// another ToField, the contact is read.
	addr := p.To
	if render := !p.rendered(); render || addr == "" || s.toField() != "email" {
		var rc content
		if addr, rc, err = s.fromContact(ctx, d, render); err != nil {
			return nil, nil, err
		}
		if render {
			c = rc
		}
	}
	if e.to, err = mail.ParseAddress(addr); err != nil {
		return nil, nil, Permanent(fmt.Errorf("smtp: contact %s: no address in %s (%q): %v", d.Action.Contact, s.toField(), addr, err))
	}
	m, err := compose(e, c)
	if err != nil {
		return nil, nil, Permanent(err)
	}
	return m, e, nil
}

// toField is the contact attribute holding the address.
func (s *SMTPSink) toField() string {
	if s.ToField == "" {
		return "email"
	}
	return s.ToField
}

// fromContact reads the action's contact for its address and, when
// render is set, renders the action's template with its attributes.
func (s *SMTPSink) fromContact(ctx context.Context, d *Delivery, render bool) (addr string, c content, err error) {
	var p *parsedTemplate
	var tpl compiler.Template
	if render {
		if s.Templates == nil {
			return "", c, Permanent(errors.New("smtp: no templates"))
		}
		var ok bool
		if tpl, ok = s.Templates(d.Target); !ok {
			return "", c, Permanent(fmt.Errorf("smtp: no template %q", d.Target))
		}
		if p, err = s.parse(tpl); err != nil {
			return "", c, Permanent(err)
		}
	}
	contact, err := d.ReadContact(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return "", c, Permanent(fmt.Errorf("smtp: contact %s: %w", d.Action.Contact, err))
	}
	if err != nil {
		return "", c, err
	}
	addr, _ = contact.Attrs[s.toField()].(string)
	if !render {
		return addr, c, nil
	}
	subject, body, err := p.render(contact.Attrs)
	if err != nil {
		return "", c, Permanent(fmt.Errorf("smtp: template %s: %v", tpl.File, err))
	}
	if p.html {
		return addr, htmlContent(subject, body), nil
	}
	if c, err = markdownContent(subject, body); err != nil {
		return "", c, Permanent(err)
	}
	return addr, c, nil
}

// parse returns a template parsed, from the cache while its content is
// unchanged.
func (s *SMTPSink) parse(t compiler.Template) (*parsedTemplate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.parsed[t.Name]; p != nil && p.content == string(t.Content) {
		return p, nil
	}
	text := strings.ReplaceAll(string(t.Content), "\r\n", "\n")
	first, body, _ := strings.Cut(text, "\n")
	subject := ""
	if k, v, ok := strings.Cut(first, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "subject") {
		subject = strings.TrimSpace(v)
	} else {
		body = text
	}
	p := &parsedTemplate{content: string(t.Content), html: strings.EqualFold(path.Ext(t.File), ".html")}
	var err error
	if p.subject, err = template.New(t.Name + " subject").Parse(subject); err != nil {
		return nil, fmt.Errorf("smtp: template %s: subject: %v", t.File, err)
	}
	if p.html {
		p.markup, err = htmltemplate.New(t.Name).Parse(body)
	} else {
		p.text, err = template.New(t.Name).Parse(body)
	}
	if err != nil {
		return nil, fmt.Errorf("smtp: template %s: %v", t.File, err)
	}
	if s.parsed == nil {
		s.parsed = map[string]*parsedTemplate{}
	}
	s.parsed[t.Name] = p
	return p, nil
}

// render executes a template over a contact's attributes.
func (p *parsedTemplate) render(attrs map[string]any) (subject, body string, err error) {
	var sb, bb strings.Builder
	if err := p.subject.Execute(&sb, attrs); err != nil {
		return "", "", err
	}
	if p.html {
		err = p.markup.Execute(&bb, attrs)
	} else {
		err = p.text.Execute(&bb, attrs)
	}
	// A subject is one line.
	return strings.Join(strings.Fields(sb.String()), " "), bb.String(), err
}

// send hands a message to the server.
func (s *SMTPSink) send(ctx context.Context, from, to string, msg *gomail.Msg) error {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return Permanent(fmt.Errorf("smtp: address %q: %v", s.Addr, err))
	}
	tlsConfig := s.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host}
	}
	var conn net.Conn
	if s.Security == SMTPTLS {
		conn, err = (&tls.Dialer{Config: tlsConfig}).DialContext(ctx, "tcp", s.Addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	// The conversation ends with ctx.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return smtpError(err)
	}
	defer c.Close()
	hello := s.Hello
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		return smtpError(err)
	}
	if s.Security == SMTPStartTLS || s.Security == "" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return Permanent(fmt.Errorf("smtp: %s does not offer STARTTLS (set tls = \"none\" for a local relay)", s.Addr))
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return smtpError(err)
		}
	}
	if s.Auth != nil {
		if err := c.Auth(s.Auth); err != nil {
			return smtpError(err)
		}
	}
	if err := c.Mail(from); err != nil {
		return smtpError(err)
	}
	if err := c.Rcpt(to); err != nil {
		return smtpError(err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpError(err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		return smtpError(err)
	}
	if err := w.Close(); err != nil { // the server's reply to the message
		var te *textproto.Error
		if !errors.As(err, &te) {
			// The message went, the reply did not come: it may have
			// been accepted.
			return Unknown(fmt.Errorf("smtp: %w", err))
		}
		return smtpError(err)
	}
	c.Quit() // the message is accepted: a failed goodbye changes nothing
	return nil
}

// smtpError classifies a failure: a 5xx reply is permanent, anything else
// is retried.
func smtpError(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(fmt.Errorf("smtp: %w", err))
	}
	return fmt.Errorf("smtp: %w", err)
}
