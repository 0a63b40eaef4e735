package dispatch_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/store/memory"
)

// smtpServer is a tiny SMTP server for the tests: it accepts what it is
// sent and records each message.
type smtpServer struct {
	ln         net.Listener
	user, pass string            // AUTH PLAIN credentials, when required
	reject     map[string]string // recipient → the reply to RCPT

	mu   sync.Mutex
	msgs []smtpMessage
	wg   sync.WaitGroup
}

type smtpMessage struct {
	From, To string
	Data     []byte
}

func newSMTPServer(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	noErr(t, err)
	s := &smtpServer{ln: ln, reject: map[string]string{}}
	s.wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.serve(conn) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *smtpServer) addr() string { return s.ln.Addr().String() }

func (s *smtpServer) messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.msgs...)
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(conn)
	reply := func(lines ...string) { tp.PrintfLine("%s", strings.Join(lines, "\r\n")) }
	reply("220 test ESMTP")
	var from, to string
	authed := s.user == ""
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-test", "250-8BITMIME", "250 AUTH PLAIN")
		case "HELO", "NOOP", "RSET":
			reply("250 ok")
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, _ := base64.StdEncoding.DecodeString(resp)
			if mech == "PLAIN" && string(b) == "\x00"+s.user+"\x00"+s.pass {
				authed = true
				reply("235 2.7.0 authenticated")
			} else {
				reply("535 5.7.8 bad credentials")
			}
		case "MAIL":
			if !authed {
				reply("530 5.7.0 authentication required")
				continue
			}
			from, _, _ = strings.Cut(strings.TrimPrefix(strings.TrimPrefix(arg, "FROM:"), "<"), ">")
			reply("250 ok")
		case "RCPT":
			to, _, _ = strings.Cut(strings.TrimPrefix(strings.TrimPrefix(arg, "TO:"), "<"), ">")
			if r := s.reject[to]; r != "" {
				reply(r)
				continue
			}
			reply("250 ok")
		case "DATA":
			reply("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, smtpMessage{From: from, To: to, Data: data})
			s.mu.Unlock()
			reply("250 2.0.0 queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 5.5.2 not implemented")
		}
	}
}

var testTemplates = []compiler.Template{
	{Name: "welcome", File: "welcome.md", Content: []byte("subject: Welcome aboard, {{.company.name}}\nHi {{with .first_name}}{{.}}{{else}}there{{end}},\n\nThe Acme team\n")},
	{Name: "promo", File: "promo.html", Content: []byte("subject: Ça va, {{.first_name}} ?\n<p>Hi {{.first_name}}, €10 off.</p>\n")},
	{Name: "broken", File: "broken.md", Content: []byte("subject: Hi\n{{.first_name\n")},
}

// TestSMTP sends rendered templates to the test server through a
// dispatcher, which reads the contacts' attributes from the store.
func TestSMTP(t *testing.T) {
	srv := newSMTPServer(t)
	srv.user, srv.pass = "journey", "s3cret"
	srv.reject["gone@example.com"] = "550 5.1.1 no such user"
	srv.reject["busy@example.com"] = "451 4.3.0 try again later"

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
		Addr: srv.addr(), Security: dispatch.SMTPNone, Auth: smtp.PlainAuth("", "journey", "s3cret", "127.0.0.1"),
		From: "Acme <hello@acme.example>", Templates: dispatch.TemplateList(testTemplates),
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

	ada := readMessage(t, byTo["ada@example.com"].Data)
	for k, want := range map[string]string{
		"From": `"Acme" <hello@acme.example>`, "To": "<ada@example.com>", "Subject": "Welcome aboard, Analytical",
		"Message-Id": "<" + welcome.Key + "@acme.example>", "X-Journey-Key": welcome.Key,
		"Content-Type": `text/plain; charset="utf-8"`,
	} {
		if got := ada.header.Get(k); got != want {
			t.Errorf("ada's %s: %q, want %q", k, got, want)
		}
	}
	// (The server's ReadDotBytes turned CRLF into LF.)
	if want := "Hi Ada,\n\nThe Acme team\n"; ada.body != want {
		t.Errorf("ada's body %q, want %q", ada.body, want)
	}

	bob := readMessage(t, byTo["bob@example.com"].Data)
	subject, err := new(mime.WordDecoder).DecodeHeader(bob.header.Get("Subject"))
	noErr(t, err)
	if subject != "Ça va, <Bob> ?" || bob.header.Get("Content-Type") != `text/html; charset="utf-8"` || bob.header.Get("To") != `"Bob" <bob@example.com>` {
		t.Errorf("bob's headers: %v (subject %q)", bob.header, subject)
	}
	if want := "<p>Hi &lt;Bob&gt;, €10 off.</p>\n"; bob.body != want {
		t.Errorf("bob's body %q, want %q", bob.body, want)
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

type parsedMessage struct {
	header mail.Header
	body   string
}

func readMessage(t *testing.T, data []byte) parsedMessage {
	t.Helper()
	msg, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(string(data))))
	noErr(t, err)
	if msg.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Fatalf("encoding %q", msg.Header.Get("Content-Transfer-Encoding"))
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	noErr(t, err)
	return parsedMessage{msg.Header, string(body)}
}
