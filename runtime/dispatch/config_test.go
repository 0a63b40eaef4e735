package dispatch_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
)

// TestConfigEndToEnd builds a dispatcher from a configuration file with
// every sink, and delivers one action of each kind.
func TestConfigEndToEnd(t *testing.T) {
	mailSrv := newSMTPServer(t)
	mailSrv.user, mailSrv.pass = "journey", "s3cret"
	key := []byte("the crm's signing key")
	hooks := newReceiver(t, key)
	host, port, _ := strings.Cut(mailSrv.addr(), ":")

	cfg, err := dispatch.ParseConfig([]byte(fmt.Sprintf(`
[retry]
max_attempts = 5
base = "30s"
max = "2h"
lease = "2m"
batch = 50

[sinks.crm]
type = "webhook"
url = "http://127.0.0.1:1/unused"
secret_env = "CRM_SECRET"
unknown = "redeliver"
timeout = "5s"
[sinks.crm.urls]
crm_sync = "%s/crm"
[sinks.crm.headers]
Authorization = "Bearer t"

[sinks.mail]
type = "smtp"
host = "%s"
port = %s
tls = "none"
from = "Acme <hello@acme.example>"
username = "journey"
password_env = "SMTP_PASSWORD"
unsubscribe_mailto = "unsubscribe@acme.example"

[routes]
"send.email" = "mail"
webhook = "crm"
`, hooks.srv.URL, host, port)))
	noErr(t, err)

	s := memory.New()
	var out bytes.Buffer
	env := map[string]string{"CRM_SECRET": "whsec_" + base64.StdEncoding.EncodeToString(key), "SMTP_PASSWORD": "s3cret"}
	d, err := cfg.Dispatcher(&dispatch.Options{
		Store: s, Worker: "d", Stdout: &out, Templates: dispatch.TemplateList(testTemplates),
		Getenv: func(k string) string { return env[k] },
	})
	noErr(t, err)
	defer d.Close()
	if d.Batch != 50 || d.Lease != 2*time.Minute || d.MaxAttempts != 5 || d.Backoff.Base != 30*time.Second || d.Backoff.Max != 2*time.Hour {
		t.Errorf("retry settings: %+v", d)
	}
	if d.Routes["send.email"].Unknown != dispatch.Park || d.Routes["webhook"].Unknown != dispatch.Redeliver || d.Routes["*"].Unknown != dispatch.Redeliver {
		t.Errorf("unknown policies: mail %s, crm %s, log %s", d.Routes["send.email"].Unknown, d.Routes["webhook"].Unknown, d.Routes["*"].Unknown)
	}
	d.Clock = (&clock{t: t0}).Now

	email := action("ada", "send", "welcome", map[string]any{"template": "welcome", "channel": "email"})
	sms := action("ada", "send", "welcome", map[string]any{"template": "welcome", "channel": "sms"})
	sms.Key += "-sms"
	hook := action("ada", "webhook", "crm_sync", map[string]any{"stage": "Trial"})
	notify := action("ada", "notify", "sales", map[string]any{"text": "hot"})
	task := action("ada", "task", "Call Ada", nil)
	seed(t, s, map[string]map[string]any{"ada": {"email": "ada@example.com", "first_name": "Ada"}}, email, sms, hook, notify, task)

	n, err := d.Tick(context.Background())
	noErr(t, err)
	if n != 5 {
		t.Fatalf("leased %d, want 5", n)
	}
	for key, row := range list(t, s) {
		if row.Status != store.OutboxSent {
			t.Errorf("%s (%s): %s %s", key, row.Kind, row.Status, row.LastError)
		}
	}
	if msgs := mailSrv.messages(); len(msgs) != 1 || msgs[0].To != "ada@example.com" {
		t.Errorf("mail: %+v", msgs)
	} else if h := parseEmail(t, msgs[0].Data).header; h.Get("List-Unsubscribe") != "<mailto:unsubscribe@acme.example?subject=unsubscribe>" {
		t.Errorf("mail: List-Unsubscribe %q", h.Get("List-Unsubscribe"))
	}
	if hooks.count(hook.Key) != 1 {
		t.Errorf("webhook delivered %d times", hooks.count(hook.Key))
	}
	var logged []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		for _, a := range []runtime.Action{sms, notify, task} {
			if strings.Contains(line, `"key":"`+a.Key+`"`) {
				logged = append(logged, a.Kind)
			}
		}
	}
	slices.Sort(logged)
	if diff := cmp.Diff([]string{"notify", "send", "task"}, logged); diff != "" {
		t.Errorf("logged (-want +got):\n%s\n%s", diff, out.String())
	}
}

func TestDefaultConfig(t *testing.T) {
	var out bytes.Buffer
	d, err := dispatch.DefaultConfig().Dispatcher(&dispatch.Options{Store: memory.New(), Worker: "d", Stdout: &out})
	noErr(t, err)
	if len(d.Routes) != 1 || d.Routes["*"] == nil || d.Routes["*"].Name != "log" {
		t.Fatalf("routes %v", d.Routes)
	}
	noErr(t, d.Routes["*"].Sink.Deliver(context.Background(), &dispatch.Delivery{Action: action("c", "task", "x", nil), At: t0}))
	if !strings.Contains(out.String(), `"kind":"task"`) {
		t.Errorf("log: %q", out.String())
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ config, err string }{
		{`[retry]
max_attemps = 3`, "unknown setting retry.max_attemps"},
		{`[sinks.x]
type = "smtp"
host = "h"
from = "a@b"
url = "http://x"`, `sinks.x.url: a sink of type smtp has no setting "url"`},
		{`[sinks.x]
type = "webhook"
url = "http://x"
unsubscribe_mailto = "u@acme.example"`, `sinks.x.unsubscribe_mailto: a sink of type webhook has no setting "unsubscribe_mailto"`},
		{`[sinks.x]
type = "smtp"
host = "h"
from = "a@b"
unsubscribe_mailto = "Unsubscribe <u@acme.example>"`, `sinks.x.unsubscribe_mailto: "Unsubscribe <u@acme.example>" is not an email address (write it bare: unsubscribe@acme.example)`},
		{`[sinks.x]
type = "smtp"
host = "h"
from = "a@b"
unsubscribe_mailto = "https://acme.example/u"`, `sinks.x.unsubscribe_mailto: "https://acme.example/u" is not an email address`},
		{`[sinks.x]
type = "carrier-pigeon"`, `sinks.x: type "carrier-pigeon" is not log, webhook or smtp`},
		{`[sinks.x]
type = "webhook"`, "sinks.x: a webhook sink needs url or urls"},
		{`[sinks.x]
type = "smtp"
host = "h"`, "sinks.x: an smtp sink needs host and from"},
		{`[sinks.x]
type = "smtp"
host = "h"
from = "a@b"
tls = "maybe"`, `sinks.x: tls = "maybe" is not starttls, tls or none`},
		{`[sinks.x]
type = "webhook"
url = "https://bob:s3cret@hooks.example.com/j?token=t0ken"
secret = "whsec_not base64!"`, `sinks.x.secret: not base64 (after an optional whsec_): illegal base64 data at input byte 3`},
		{`[sinks.x]
type = "webhook"
url = "ftp://bob:s3cret@hooks.example.com/j?token=t0ken"`, `sinks.x.url: ftp://bob:xxxxx@hooks.example.com/j?token=xxxxx: not an http:// or https:// URL with a host`},
		{`[sinks.x]
type = "webhook"
urls = { crm = "https://bob:s3cret@hooks.example.com:port/j" }`, `sinks.x.urls.crm: https://xxxxx@hooks.example.com:port/j: not a URL`},
		{`[sinks.x]
type = "webhook"
url = "hooks.example.com/j"`, `sinks.x.url: hooks.example.com/j: not an http:// or https:// URL with a host`},
		{`[sinks.x]
type = "webhook"
url = "http://x"
unknown = "ignore"`, `sinks.x: unknown = "ignore" is not park or redeliver`},
		{`[sinks.x]
type = "webhook"
url = "http://x"
timeout = "1m"`, "sinks.x: the timeout (1m0s) must end within the lease (1m0s) less a tenth"},
		{`[retry]
base = "1h"
max = "1m"`, "retry: max (1m0s) is less than base (1h0m0s)"},
		{`[retry]
base = "soon"`, "soon"},
		{`[routes]
email = "log"`, `routes: "email": the kind is not one of send, notify, task, webhook, nor *`},
		{`[routes]
send = "mail"`, `routes: "send" goes to "mail", which is no sink`},
	} {
		_, err := dispatch.ParseConfig([]byte(tc.config))
		if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s:\nerror %v\nwant %q", tc.config, err, tc.err)
		}
	}

	// Secrets named by the environment must be there.
	cfg, err := dispatch.ParseConfig([]byte(`[sinks.x]
type = "webhook"
url = "http://x"
secret_env = "NOPE"`))
	noErr(t, err)
	_, err = cfg.Dispatcher(&dispatch.Options{Getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "sinks.x.secret_env: $NOPE is not set, or empty") {
		t.Errorf("missing secret: %v", err)
	}
}
