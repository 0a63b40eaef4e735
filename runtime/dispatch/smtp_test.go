package dispatch_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
	"github.com/wneessen/go-mail/smtp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/store/memory"
)

// smtpServer is an SMTP server for the tests (github.com/emersion/go-smtp)
// that records each message it accepts.
type smtpServer struct {
	ln         net.Listener
	user, pass string            // AUTH PLAIN credentials, when required
	reject     map[string]string // recipient → the reply to RCPT, as "550 text"
	hangUp     map[string]bool   // recipients whose message is taken without a reply: the connection is closed

	mu   sync.Mutex
	msgs []smtpMessage
}

type smtpMessage struct {
	From, To string
	Data     []byte
}

func newSMTPServer(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	noErr(t, err)
	s := &smtpServer{ln: ln, reject: map[string]string{}, hangUp: map[string]bool{}}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &smtpSession{srv: s, conn: c}, nil
	}))
	srv.Domain = "test"
	srv.AllowInsecureAuth = true // no TLS in these tests
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return s
}

func (s *smtpServer) addr() string { return s.ln.Addr().String() }

func (s *smtpServer) messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.msgs...)
}

// smtpSession is one connection's conversation.
type smtpSession struct {
	srv      *smtpServer
	conn     *gosmtp.Conn
	authed   bool
	from, to string
}

var errAuthRequired = &gosmtp.SMTPError{Code: 530, EnhancedCode: gosmtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.srv.user || pass != s.srv.pass {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.srv.user != "" && !s.authed {
		return errAuthRequired
	}
	s.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if r := s.srv.reject[to]; r != "" {
		code, msg, _ := strings.Cut(r, " ")
		n := 0
		for _, c := range code {
			n = n*10 + int(c-'0')
		}
		return &gosmtp.SMTPError{Code: n, EnhancedCode: gosmtp.NoEnhancedCode, Message: msg}
	}
	s.to = to
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, smtpMessage{From: s.from, To: s.to, Data: data})
	s.srv.mu.Unlock()
	if s.srv.hangUp[s.to] {
		s.conn.Conn().Close()
		return errors.New("hung up")
	}
	return nil
}

func (s *smtpSession) Reset()        { s.from, s.to = "", "" }
func (s *smtpSession) Logout() error { return nil }

// email is a received message, parsed: its header and its two parts.
type email struct {
	header     mail.Header
	subject    string // decoded
	text, html string // the parts' content, decoded
}

// parseEmail parses a message as a mail reader would, and checks its
// structure: multipart/alternative with a text/plain part and then a
// text/html part, both UTF-8 and in a transfer encoding that is 7-bit
// safe.
func parseEmail(t *testing.T, data []byte) email {
	t.Helper()
	msg, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(data)))
	noErr(t, err)
	e := email{header: msg.Header}
	if e.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
	}
	if v := msg.Header.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version %q", v)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	noErr(t, err)
	if mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative", msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		noErr(t, err)
		pt, pp, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		noErr(t, err)
		if !strings.EqualFold(pp["charset"], "utf-8") {
			t.Errorf("%s part: charset %q", pt, pp["charset"])
		}
		var r io.Reader = p
		switch cte := strings.ToLower(p.Header.Get("Content-Transfer-Encoding")); cte {
		case "quoted-printable":
			r = quotedprintable.NewReader(p)
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, p)
		default:
			t.Errorf("%s part: Content-Transfer-Encoding %q", pt, cte)
		}
		b, err := io.ReadAll(r)
		noErr(t, err)
		types = append(types, pt)
		switch pt {
		case "text/plain":
			e.text = strings.ReplaceAll(string(b), "\r\n", "\n")
		case "text/html":
			e.html = strings.ReplaceAll(string(b), "\r\n", "\n")
		}
	}
	if strings.Join(types, " ") != "text/plain text/html" {
		t.Fatalf("parts %v, want text/plain then text/html", types)
	}
	return e
}

// checkIDs checks the Message-ID, X-Journey-Key and Date of a message.
func checkIDs(t *testing.T, e email, key string) {
	t.Helper()
	if got, want := e.header.Get("Message-ID"), "<"+key+"@acme.example>"; got != want {
		t.Errorf("Message-ID %q, want %q", got, want)
	}
	if got := e.header.Get("X-Journey-Key"); got != key {
		t.Errorf("X-Journey-Key %q, want %q", got, key)
	}
	if date, err := e.header.Date(); err != nil || !date.Equal(t0) {
		t.Errorf("Date %q (%v), want %s", e.header.Get("Date"), err, t0)
	}
}

// address is a header's address, parsed.
func address(t *testing.T, h mail.Header, name string) mail.Address {
	t.Helper()
	a, err := h.AddressList(name)
	if err != nil || len(a) != 1 {
		t.Fatalf("%s %q: %v", name, h.Get(name), err)
	}
	return *a[0]
}

var testTemplates = []compiler.Template{
	{Name: "welcome", File: "welcome.md", Content: []byte("subject: Welcome aboard, {{.company.name}}\nHi {{with .first_name}}{{.}}{{else}}there{{end}},\n\nThe **Acme** team\n")},
	{Name: "promo", File: "promo.html", Content: []byte("subject: Ça va, {{.first_name}} ?\n<p>Hi {{.first_name}}, €10 off.</p>\n")},
	{Name: "broken", File: "broken.md", Content: []byte("subject: Hi\n{{.first_name\n")},
}

// TestSMTPTemplate sends actions that carry no rendered message (written
// before the engine rendered messages): the sink renders their templates
// with the contacts' attributes, which it reads from the store.
func TestSMTPTemplate(t *testing.T) {
	srv := newSMTPServer(t)
	srv.user, srv.pass = "journey", "s3cret"
	srv.reject["gone@example.com"] = "550 no such user"
	srv.reject["busy@example.com"] = "451 try again later"

	s := memory.New()
	send := func(contact, template string) runtime.Action {
		return action(contact, "send", template, map[string]any{"template": template, "channel": "email"})
	}
	welcome, promo := send("ada", "welcome"), send("bob", "promo")
	noAddress, gone, busy := send("cy", "welcome"), send("gone", "welcome"), send("busy", "welcome")
	missing, broken := send("ada", "nope"), send("ada", "broken")
	seed(t, s, map[string]map[string]any{
		"ada":  {"email": "ada@example.com", "first_name": "Ada", "company": map[string]any{"name": "Analytical"}},
		"bob":  {"email": "Bob <bob@example.com>", "first_name": "<Bob>"},
		"cy":   {"first_name": "Cy"},
		"gone": {"email": "gone@example.com"},
		"busy": {"email": "busy@example.com"},
	}, welcome, promo, noAddress, gone, busy, missing, broken)

	sink := &dispatch.SMTPSink{
		Addr: srv.addr(), Security: dispatch.SMTPNone, Auth: smtp.PlainAuth("", "journey", "s3cret", "127.0.0.1", false),
		From: "Acme <hello@acme.example>", Templates: dispatch.TemplateList(testTemplates),
		UnsubscribeMailto: "unsubscribe@acme.example",
	}
	m := &counts{}
	d := &dispatch.Dispatcher{
		Store: s, Worker: "d", Clock: (&clock{t: t0}).Now, Metrics: m,
		Routes: map[string]*dispatch.Route{"send.email": {Name: "mail", Sink: sink, Unknown: dispatch.Park}},
	}
	n, err := d.Tick(context.Background())
	noErr(t, err)
	if n != 7 {
		t.Fatalf("leased %d, want 7", n)
	}

	rows := list(t, s)
	for _, tc := range []struct {
		a      runtime.Action
		status string
		err    string
	}{
		{welcome, "sent", ""},
		{promo, "sent", ""},
		{noAddress, "parked", "no address in email"},
		{gone, "parked", "no such user"},
		{busy, "pending", "try again later"},
		{missing, "parked", `no template "nope"`},
		{broken, "parked", "broken.md"},
	} {
		row := rows[tc.a.Key]
		if row.Status != tc.status || !strings.Contains(row.LastError, tc.err) || (tc.err == "") != (row.LastError == "") {
			t.Errorf("%s %s: %s %q; want %s %q", tc.a.Contact, tc.a.Target, row.Status, row.LastError, tc.status, tc.err)
		}
	}

	msgs := srv.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	byTo := map[string]smtpMessage{}
	for _, msg := range msgs {
		byTo[msg.To] = msg
		if msg.From != "hello@acme.example" {
			t.Errorf("envelope sender %q", msg.From)
		}
	}

	ada := parseEmail(t, byTo["ada@example.com"].Data)
	checkIDs(t, ada, welcome.Key)
	if from := address(t, ada.header, "From"); from != (mail.Address{Name: "Acme", Address: "hello@acme.example"}) {
		t.Errorf("ada's From %+v", from)
	}
	if to := address(t, ada.header, "To"); to != (mail.Address{Address: "ada@example.com"}) {
		t.Errorf("ada's To %+v", to)
	}
	if ada.subject != "Welcome aboard, Analytical" {
		t.Errorf("ada's subject %q", ada.subject)
	}
	// The Markdown source is the text; its rendering, the HTML.
	if want := "Hi Ada,\n\nThe **Acme** team\n"; ada.text != want {
		t.Errorf("ada's text %q, want %q", ada.text, want)
	}
	if want := "<p>Hi Ada,</p>\n<p>The <strong>Acme</strong> team</p>\n"; !strings.Contains(ada.html, want) {
		t.Errorf("ada's HTML %q, want it to hold %q", ada.html, want)
	}
	// A marketing send, with only the sink's mailto address known.
	if got, want := ada.header.Get("List-Unsubscribe"), "<mailto:unsubscribe@acme.example?subject=unsubscribe>"; got != want {
		t.Errorf("ada's List-Unsubscribe %q, want %q", got, want)
	}
	if got := ada.header.Get("List-Unsubscribe-Post"); got != "" {
		t.Errorf("ada's List-Unsubscribe-Post %q without an https URL", got)
	}

	bob := parseEmail(t, byTo["bob@example.com"].Data)
	checkIDs(t, bob, promo.Key)
	if to := address(t, bob.header, "To"); to != (mail.Address{Name: "Bob", Address: "bob@example.com"}) {
		t.Errorf("bob's To %+v", to)
	}
	if bob.subject != "Ça va, <Bob> ?" {
		t.Errorf("bob's subject %q", bob.subject)
	}
	if want := "<p>Hi &lt;Bob&gt;, €10 off.</p>\n"; bob.html != want {
		t.Errorf("bob's HTML %q, want %q", bob.html, want)
	}
	if want := "Hi <Bob>, €10 off.\n"; bob.text != want {
		t.Errorf("bob's text %q, want %q", bob.text, want)
	}
}

// TestSMTPRendered sends actions that carry their rendered message, as
// the engine writes them: the sink sends exactly that, with the
// unsubscribe headers on marketing mail only. It has no templates, and
// the contacts' stored addresses are not the payloads'.
func TestSMTPRendered(t *testing.T) {
	const unsub = "https://journey.acme.example/u/tok3n"
	srv := newSMTPServer(t)
	s := memory.New()
	send := func(contact, template string, p map[string]any) runtime.Action {
		p["template"], p["channel"] = template, "email"
		return action(contact, "send", template, p)
	}
	md := send("ada", "news", map[string]any{
		"subject": "News for Ada", "text": "# Hello Ada\n\nSee [the changes](https://acme.example/changes).\n",
		"to": "ada@example.com", "unsubscribe": unsub,
	})
	html := send("bob", "promo", map[string]any{
		"subject": "Ça va, <Bob> ?", "text": "ignored",
		"html": "<html><head><style>p{}</style></head><body><h1>Hi &lt;Bob&gt;</h1><p>€10 off <a href=\"https://acme.example/shop\">in the shop</a>.<br>Until Friday.</p><ul><li>one</li><li>two</li></ul></body></html>",
		"to":   "Bob <bob@example.com>", "unsubscribe": unsub,
	})
	receipt := send("cy", "receipt", map[string]any{
		"subject": "Your receipt", "text": "Paid: 10 €\n", "to": "cy@example.com", "transactional": true,
	})
	noURL := send("dee", "news", map[string]any{"subject": "News", "text": "Hello\n", "to": "dee@example.com"})
	fromStore := send("eve", "news", map[string]any{"subject": "News", "text": "Hello\n"})
	badURL := send("fay", "news", map[string]any{"subject": "News", "text": "Hello\n", "to": "fay@example.com", "unsubscribe": "http://journey.acme.example/u/secret-token"})
	seed(t, s, map[string]map[string]any{
		"ada": {"email": "old-ada@example.com"}, "bob": {}, "cy": {}, "dee": {},
		"eve": {"email": "eve@example.com"}, "fay": {},
	}, md, html, receipt, noURL, fromStore, badURL)

	sink := &dispatch.SMTPSink{Addr: srv.addr(), Security: dispatch.SMTPNone, From: "Acme <hello@acme.example>"}
	d := &dispatch.Dispatcher{
		Store: s, Worker: "d", Clock: (&clock{t: t0}).Now,
		Routes: map[string]*dispatch.Route{"*": {Name: "mail", Sink: sink, Unknown: dispatch.Park}},
	}
	_, err := d.Tick(context.Background())
	noErr(t, err)
	rows := list(t, s)
	for _, a := range []runtime.Action{md, html, receipt, noURL, fromStore} {
		if row := rows[a.Key]; row.Status != "sent" {
			t.Errorf("%s: %s %q", a.Contact, row.Status, row.LastError)
		}
	}
	if row := rows[badURL.Key]; row.Status != "parked" || !strings.Contains(row.LastError, "not an https URL") || strings.Contains(row.LastError, "secret-token") {
		t.Errorf("fay: %s %q", row.Status, row.LastError)
	}

	byTo := map[string]email{}
	for _, msg := range srv.messages() {
		byTo[msg.To] = parseEmail(t, msg.Data)
	}
	if len(byTo) != 5 {
		t.Fatalf("messages to %v, want 5", keys(byTo))
	}

	ada := byTo["ada@example.com"]
	checkIDs(t, ada, md.Key)
	if ada.subject != "News for Ada" || ada.text != "# Hello Ada\n\nSee [the changes](https://acme.example/changes).\n" {
		t.Errorf("ada's subject %q, text %q", ada.subject, ada.text)
	}
	if want := "<h1>Hello Ada</h1>\n<p>See <a href=\"https://acme.example/changes\">the changes</a>.</p>\n"; !strings.Contains(ada.html, want) {
		t.Errorf("ada's HTML %q, want it to hold %q", ada.html, want)
	}
	if got, want := ada.header.Get("List-Unsubscribe"), "<"+unsub+">"; got != want {
		t.Errorf("ada's List-Unsubscribe %q, want %q", got, want)
	}
	if got := ada.header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("ada's List-Unsubscribe-Post %q", got)
	}

	bob := byTo["bob@example.com"]
	checkIDs(t, bob, html.Key)
	if to := address(t, bob.header, "To"); to != (mail.Address{Name: "Bob", Address: "bob@example.com"}) {
		t.Errorf("bob's To %+v", to)
	}
	if bob.subject != "Ça va, <Bob> ?" {
		t.Errorf("bob's subject %q", bob.subject)
	}
	if !strings.HasPrefix(bob.html, "<html><head><style>") {
		t.Errorf("bob's HTML %q: not the payload's", bob.html)
	}
	if want := "Hi <Bob>\n\n€10 off in the shop (https://acme.example/shop).\nUntil Friday.\n\n- one\n- two\n"; bob.text != want {
		t.Errorf("bob's text %q, want %q", bob.text, want)
	}
	if bob.header.Get("List-Unsubscribe") != "<"+unsub+">" || bob.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("bob's unsubscribe headers %q, %q", bob.header.Get("List-Unsubscribe"), bob.header.Get("List-Unsubscribe-Post"))
	}

	cy := byTo["cy@example.com"]
	checkIDs(t, cy, receipt.Key)
	if cy.text != "Paid: 10 €\n" || !strings.Contains(cy.html, "<p>Paid: 10 €</p>") {
		t.Errorf("cy's text %q, HTML %q", cy.text, cy.html)
	}
	for _, who := range []string{"cy@example.com", "dee@example.com", "eve@example.com"} {
		// A transactional send, and marketing sends with no unsubscribe
		// address known.
		if h := byTo[who].header; h.Get("List-Unsubscribe") != "" || h.Get("List-Unsubscribe-Post") != "" {
			t.Errorf("%s: List-Unsubscribe %q, List-Unsubscribe-Post %q", who, h.Get("List-Unsubscribe"), h.Get("List-Unsubscribe-Post"))
		}
	}
}

// TestSMTPTransactionalMailto: a transactional send has no
// List-Unsubscribe even when the sink has an unsubscribe address; a
// marketing send has both URIs.
func TestSMTPTransactionalMailto(t *testing.T) {
	srv := newSMTPServer(t)
	s := memory.New()
	receipt := action("cy", "send", "receipt", map[string]any{"template": "receipt", "subject": "Receipt", "text": "Paid\n", "to": "cy@example.com", "transactional": true})
	news := action("dee", "send", "news", map[string]any{"template": "news", "subject": "News", "text": "Hello\n", "to": "dee@example.com", "unsubscribe": "https://acme.example/u/t"})
	seed(t, s, map[string]map[string]any{"cy": {}, "dee": {}}, receipt, news)
	sink := &dispatch.SMTPSink{Addr: srv.addr(), Security: dispatch.SMTPNone, From: "hello@acme.example", UnsubscribeMailto: "unsubscribe@acme.example"}
	d := &dispatch.Dispatcher{Store: s, Worker: "d", Clock: (&clock{t: t0}).Now, Routes: map[string]*dispatch.Route{"*": {Sink: sink}}}
	_, err := d.Tick(context.Background())
	noErr(t, err)
	byTo := map[string]email{}
	for _, msg := range srv.messages() {
		byTo[msg.To] = parseEmail(t, msg.Data)
	}
	if h := byTo["cy@example.com"].header; h == nil || h.Get("List-Unsubscribe") != "" || h.Get("List-Unsubscribe-Post") != "" {
		t.Errorf("the receipt: %v", h)
	}
	h := byTo["dee@example.com"].header
	if got, want := h.Get("List-Unsubscribe"), "<https://acme.example/u/t>, <mailto:unsubscribe@acme.example?subject=unsubscribe>"; got != want {
		t.Errorf("the news' List-Unsubscribe %q, want %q", got, want)
	}
	if got := h.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("the news' List-Unsubscribe-Post %q", got)
	}
}

// TestSMTPReplyLost: the server takes the message and closes the
// connection without its reply: the email may have been accepted, so the
// row is unknown (and, under Park, stays so).
func TestSMTPReplyLost(t *testing.T) {
	srv := newSMTPServer(t)
	srv.hangUp["ada@example.com"] = true
	s := memory.New()
	a := action("ada", "send", "news", map[string]any{"template": "news", "subject": "News", "text": "Hello\n", "to": "ada@example.com"})
	seed(t, s, map[string]map[string]any{"ada": {}}, a)
	m := &counts{}
	d := &dispatch.Dispatcher{
		Store: s, Worker: "d", Clock: (&clock{t: t0}).Now, Metrics: m,
		Routes: map[string]*dispatch.Route{"*": {Sink: &dispatch.SMTPSink{Addr: srv.addr(), Security: dispatch.SMTPNone, From: "hello@acme.example"}, Unknown: dispatch.Park}},
	}
	_, err := d.Tick(context.Background())
	noErr(t, err)
	if row := list(t, s)[a.Key]; row.Status != "unknown" || row.LastError == "" {
		t.Errorf("row %s %q, want unknown", row.Status, row.LastError)
	}
	if n := len(srv.messages()); n != 1 {
		t.Errorf("the server took %d messages, want 1", n)
	}
	if got := m.get()["send unknown"]; got != 1 {
		t.Errorf("metrics %v", m.get())
	}
}

// TestSMTPStartTLSRequired: by default the sink insists on STARTTLS.
func TestSMTPStartTLSRequired(t *testing.T) {
	srv := newSMTPServer(t)
	s := memory.New()
	a := action("ada", "send", "welcome", map[string]any{"template": "welcome"})
	seed(t, s, map[string]map[string]any{"ada": {"email": "ada@example.com"}}, a)
	d := &dispatch.Dispatcher{
		Store: s, Worker: "d", Clock: (&clock{t: t0}).Now,
		Routes: map[string]*dispatch.Route{"*": {Sink: &dispatch.SMTPSink{Addr: srv.addr(), From: "a@acme.example", Templates: dispatch.TemplateList(testTemplates)}}},
	}
	_, err := d.Tick(context.Background())
	noErr(t, err)
	if row := list(t, s)[a.Key]; row.Status != "parked" || !strings.Contains(row.LastError, "STARTTLS") {
		t.Errorf("row %+v", row)
	}
	if n := len(srv.messages()); n != 0 {
		t.Errorf("%d messages sent in clear", n)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
