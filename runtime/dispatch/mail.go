package dispatch

// The email the smtp sink sends, composed from a send action's payload.
//
// Every message is multipart/alternative with two parts, a text/plain
// part first and a text/html part second, both UTF-8 and
// quoted-printable; a reader shows the last part it can. Where they come
// from depends on the template's kind:
//
//   - a Markdown (or any other non-HTML) template: the text part is the
//     rendered source as written, and the HTML part is that source
//     rendered from Markdown (CommonMark, raw HTML left out);
//   - an HTML template: the HTML part is the rendered HTML, and the text
//     part a plain-text version of it (htmltext.go).
//
// The headers: From (the sink's sender), To, Subject (encoded as RFC 2047
// words when it is not ASCII), Date (the dispatcher's clock at the
// call), Message-ID (the action's key at the sender's domain, the same on
// every retry), X-Journey-Key (the key), MIME-Version. A marketing send
// (one whose payload is not "transactional") carries List-Unsubscribe
// when an unsubscribe address is known: the payload's https URL, the
// sink's mailto address, or both; with the https URL it also carries
// List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058). A
// transactional send has neither.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/yuin/goldmark"
)

// sendPayload is what a send action's payload says about its email. The
// engine renders the message when it writes the action; actions written
// before it did carry only the template and channel.
type sendPayload struct {
	Template      string  `json:"template"`
	Subject       *string `json:"subject"`       // rendered; nil in an older action
	Text          *string `json:"text"`          // rendered; for a .md template, the Markdown source
	HTML          *string `json:"html"`          // rendered; only for a .html template
	Transactional bool    `json:"transactional"` // false: a marketing send
	To            string  `json:"to"`            // the contact's email; "" when it has none
	Unsubscribe   string  `json:"unsubscribe"`   // the one-click unsubscribe URL (https); "" when none
}

// rendered reports whether the payload carries the message itself.
func (p *sendPayload) rendered() bool {
	return p.Subject != nil && (p.Text != nil || p.HTML != nil)
}

// parsePayload decodes a send action's payload.
func parsePayload(raw []byte) (*sendPayload, error) {
	p := &sendPayload{}
	if len(raw) == 0 {
		return p, nil
	}
	if err := json.Unmarshal(raw, p); err != nil {
		return nil, fmt.Errorf("smtp: payload: %v", err)
	}
	return p, nil
}

// content is a message's rendered content, before it is made an email.
type content struct {
	subject string
	text    string // the text/plain part
	html    string // the text/html part
}

// markdownContent makes the content of a Markdown message: the source is
// the text part, and its rendering the HTML part.
func markdownContent(subject, source string) (content, error) {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n")
	if err := goldmark.Convert([]byte(source), &b); err != nil {
		return content{}, fmt.Errorf("smtp: markdown: %v", err)
	}
	b.WriteString("</body></html>\n")
	return content{subject: subject, text: source, html: b.String()}, nil
}

// htmlContent makes the content of an HTML message: the HTML is the HTML
// part, and a plain-text version of it the text part.
func htmlContent(subject, html string) content {
	return content{subject: subject, text: htmlText(html), html: html}
}

// envelope is what the message needs besides its content.
type envelope struct {
	key           string        // the action's key
	at            time.Time     // the Date
	from          *mail.Address // the sender
	to            *mail.Address // the recipient
	transactional bool
	unsubscribe   string // the one-click https URL; "" when none
	mailto        string // the unsubscribe address; "" when none
}

// compose builds the email.
func compose(e *envelope, c content) (*gomail.Msg, error) {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(e.from)
	m.SetAddrHeaderFromMailAddress(gomail.HeaderTo, e.to)
	// A subject is one line.
	m.Subject(strings.Join(strings.Fields(c.subject), " "))
	m.SetDateWithValue(e.at)
	m.SetMessageIDWithValue(e.key + "@" + domain(e.from.Address))
	m.SetGenHeader(gomail.Header("X-Journey-Key"), e.key)
	m.SetBodyString(gomail.TypeTextPlain, c.text)
	m.AddAlternativeString(gomail.TypeTextHTML, c.html)
	if e.transactional {
		return m, nil
	}
	var mailto []string
	if e.mailto != "" {
		mailto = []string{"mailto:" + e.mailto + "?subject=unsubscribe"}
	}
	switch {
	case e.unsubscribe != "":
		if err := m.SetListUnsubscribeOneClick(e.unsubscribe, mailto...); err != nil {
			// The URL holds the contact's token: it is not quoted.
			return nil, errors.New("smtp: the payload's unsubscribe URL is not an https URL with a host")
		}
	case mailto != nil:
		m.SetListUnsubscribe(mailto...) // no one-click without an https URL
	}
	return m, nil
}

// checkMailto refuses an unsubscribe address that is not a bare address.
func checkMailto(addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr {
		return fmt.Errorf("%q is not an email address (write it bare: unsubscribe@acme.example)", addr)
	}
	if _, err := url.Parse("mailto:" + addr); err != nil {
		return fmt.Errorf("%q does not make a mailto: URI", addr)
	}
	return nil
}

// domain is the part of an address after the @.
func domain(addr string) string {
	if _, d, ok := strings.Cut(addr, "@"); ok {
		return d
	}
	return "journey"
}
