package dispatch

// The delivery configuration: a TOML file naming sinks, routing action
// kinds to them, and setting the retry policy. docs/delivery.md documents
// it; an example:
//
//	[retry]
//	max_attempts = 10
//	base = "10s"
//	max = "1h"
//
//	[sinks.crm]
//	type = "webhook"
//	url = "https://crm.example.com/hooks/journey"
//	secret_env = "JOURNEY_WEBHOOK_SECRET"
//
//	[sinks.mail]
//	type = "smtp"
//	host = "smtp.example.com"
//	from = "Acme <hello@acme.example>"
//	username = "journey"
//	password_env = "SMTP_PASSWORD"
//	unsubscribe_mailto = "unsubscribe@acme.example"
//
//	[routes]
//	"send.email" = "mail"
//	webhook = "crm"
//	"*" = "log"
//
// Decoding is strict: a key the format does not have, or one that does not
// belong to its sink's type, is an error, so a typo cannot silently turn a
// setting off.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/wneessen/go-mail/smtp"

	"github.com/journeylang/journey/runtime/redact"
	"github.com/journeylang/journey/runtime/store"
)

// Config is a delivery configuration file.
type Config struct {
	Retry  Retry                  `toml:"retry"`
	Sinks  map[string]*SinkConfig `toml:"sinks"`  // by name
	Routes map[string]string      `toml:"routes"` // route key (see Dispatcher.Routes) → sink name
}

// Retry is the [retry] table: the dispatcher's settings.
type Retry struct {
	MaxAttempts int           `toml:"max_attempts"` // failed calls before a row is parked; 10 when 0
	Base        time.Duration `toml:"base"`         // the first retry's delay; 10s when 0
	Max         time.Duration `toml:"max"`          // the longest delay; 1h when 0
	Lease       time.Duration `toml:"lease"`        // how long a batch is held; 1m when 0
	Batch       int           `toml:"batch"`        // rows per lease; 100 when 0
	Parallel    int           `toml:"parallel"`     // calls at once; 8 when 0
	Poll        time.Duration `toml:"poll"`         // the pause when nothing is due; 1s when 0
}

// SinkConfig is a [sinks.NAME] table. Type says which of the other keys
// apply.
type SinkConfig struct {
	Type    string        `toml:"type"`    // log, webhook or smtp
	Unknown UnknownPolicy `toml:"unknown"` // park or redeliver; by default park for smtp, redeliver for the others
	Timeout time.Duration `toml:"timeout"` // a call's limit: webhook 10s, smtp 30s by default

	// log
	Path string `toml:"path"` // a file to append to; "-" or "" for standard output

	// webhook
	URL       string            `toml:"url"`        // for every action without its own
	URLs      map[string]string `toml:"urls"`       // by webhook name (or team, for notify)
	Secret    string            `toml:"secret"`     // the signing secret, whsec_… or plain text
	SecretEnv string            `toml:"secret_env"` // or the environment variable holding it
	Headers   map[string]string `toml:"headers"`    // added to every request

	// smtp
	Host        string `toml:"host"`
	Port        int    `toml:"port"`         // 587 for starttls, 465 for tls, 25 for none by default
	TLS         string `toml:"tls"`          // starttls (the default), tls or none
	From        string `toml:"from"`         // "Acme <hello@acme.example>"
	Username    string `toml:"username"`     // for AUTH PLAIN; none when ""
	Password    string `toml:"password"`     // the password,
	PasswordEnv string `toml:"password_env"` // or the environment variable holding it
	ToField     string `toml:"to_field"`     // the contact attribute with the address; "email" by default
	Hello       string `toml:"hello"`        // the name given in EHLO; "localhost" by default

	UnsubscribeMailto string `toml:"unsubscribe_mailto"` // the address in List-Unsubscribe's mailto: URI; none when ""
}

// The keys each sink type takes, besides type, unknown and timeout.
var sinkKeys = map[string][]string{
	"log":     {"path"},
	"webhook": {"url", "urls", "secret", "secret_env", "headers"},
	"smtp":    {"host", "port", "tls", "from", "username", "password", "password_env", "to_field", "hello", "unsubscribe_mailto"},
}

// The kinds of action a route may name.
var routeKinds = []string{"send", "notify", "task", "webhook"}

// DefaultConfig is the configuration without a file: every action as a
// line of JSON on standard output.
func DefaultConfig() *Config {
	c := &Config{}
	c.defaults()
	return c
}

// LoadConfig reads and checks a configuration file.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig decodes and checks a configuration.
func ParseConfig(data []byte) (*Config, error) {
	c := &Config{}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(c)
	if err != nil {
		return nil, err
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		return nil, fmt.Errorf("unknown setting %s", keys[0])
	}
	for _, k := range md.Keys() {
		if len(k) != 3 || k[0] != "sinks" || k[2] == "type" || k[2] == "unknown" || k[2] == "timeout" {
			continue
		}
		if s := c.Sinks[k[1]]; s != nil && sinkKeys[s.Type] != nil && !slices.Contains(sinkKeys[s.Type], k[2]) {
			return nil, fmt.Errorf("%s: a sink of type %s has no setting %q", k, s.Type, k[2])
		}
	}
	c.defaults()
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

// defaults adds the implicit sink "log" (standard output) unless one is
// configured, and routes "*" to it unless a route is.
func (c *Config) defaults() {
	if c.Sinks == nil {
		c.Sinks = map[string]*SinkConfig{}
	}
	if c.Sinks["log"] == nil {
		c.Sinks["log"] = &SinkConfig{Type: "log"}
	}
	if c.Routes == nil {
		c.Routes = map[string]string{}
	}
	if c.Routes["*"] == "" {
		c.Routes["*"] = "log"
	}
}

// check reports the first mistake in a configuration.
func (c *Config) check() error {
	r := c.Retry
	if r.MaxAttempts < 0 || r.Batch < 0 || r.Parallel < 0 || r.Base < 0 || r.Max < 0 || r.Lease < 0 || r.Poll < 0 {
		return fmt.Errorf("retry: settings cannot be negative")
	}
	if r.Base > 0 && r.Max > 0 && r.Max < r.Base {
		return fmt.Errorf("retry: max (%s) is less than base (%s)", r.Max, r.Base)
	}
	lease := r.Lease
	if lease == 0 {
		lease = time.Minute
	}
	for _, name := range slices.Sorted(maps.Keys(c.Sinks)) {
		s := c.Sinks[name]
		if sinkKeys[s.Type] == nil {
			return fmt.Errorf("sinks.%s: type %q is not log, webhook or smtp", name, s.Type)
		}
		if s.Unknown != "" && s.Unknown != Park && s.Unknown != Redeliver {
			return fmt.Errorf("sinks.%s: unknown = %q is not park or redeliver", name, s.Unknown)
		}
		if s.Timeout < 0 {
			return fmt.Errorf("sinks.%s: timeout cannot be negative", name)
		}
		// A call ends before its lease, less a tenth for the mark.
		if t := s.timeout(); t > lease-lease/10 {
			return fmt.Errorf("sinks.%s: the timeout (%s) must end within the lease (%s) less a tenth", name, t, lease)
		}
		switch s.Type {
		case "webhook":
			if s.URL == "" && len(s.URLs) == 0 {
				return fmt.Errorf("sinks.%s: a webhook sink needs url or urls", name)
			}
			if s.URL != "" {
				if err := checkURL(s.URL); err != nil {
					return fmt.Errorf("sinks.%s.url: %w", name, err)
				}
			}
			for _, target := range slices.Sorted(maps.Keys(s.URLs)) {
				if err := checkURL(s.URLs[target]); err != nil {
					return fmt.Errorf("sinks.%s.urls.%s: %w", name, target, err)
				}
			}
			if s.Secret != "" && s.SecretEnv != "" {
				return fmt.Errorf("sinks.%s: secret and secret_env both set", name)
			}
			if s.Secret != "" {
				if _, err := ParseSecret(s.Secret); err != nil {
					return fmt.Errorf("sinks.%s.secret: %w", name, err) // the error quotes no part of it
				}
			}
		case "smtp":
			if s.Host == "" || s.From == "" {
				return fmt.Errorf("sinks.%s: an smtp sink needs host and from", name)
			}
			if s.TLS != "" && s.TLS != SMTPStartTLS && s.TLS != SMTPTLS && s.TLS != SMTPNone {
				return fmt.Errorf("sinks.%s: tls = %q is not starttls, tls or none", name, s.TLS)
			}
			if s.Password != "" && s.PasswordEnv != "" {
				return fmt.Errorf("sinks.%s: password and password_env both set", name)
			}
			if s.UnsubscribeMailto != "" {
				if err := checkMailto(s.UnsubscribeMailto); err != nil {
					return fmt.Errorf("sinks.%s.unsubscribe_mailto: %w", name, err)
				}
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(c.Routes)) {
		kind, _, _ := strings.Cut(key, ".")
		if key != "*" && !slices.Contains(routeKinds, kind) {
			return fmt.Errorf("routes: %q: the kind is not one of %s, nor *", key, strings.Join(routeKinds, ", "))
		}
		if c.Sinks[c.Routes[key]] == nil {
			return fmt.Errorf("routes: %q goes to %q, which is no sink", key, c.Routes[key])
		}
	}
	return nil
}

// checkURL refuses a webhook URL that is not an absolute http or https
// URL with a host. Its error shows the URL redacted.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s: not a URL", redact.URL(raw))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%s: not an http:// or https:// URL with a host", redact.URL(raw))
	}
	return nil
}

// timeout is a sink's call limit.
func (s *SinkConfig) timeout() time.Duration {
	switch {
	case s.Timeout > 0:
		return s.Timeout
	case s.Type == "webhook":
		return 10 * time.Second
	case s.Type == "smtp":
		return 30 * time.Second
	}
	return 0
}

// Options are what a configuration needs from its host to make a
// Dispatcher.
type Options struct {
	Store     store.Store
	Worker    string              // the dispatcher's lease name
	Stdout    io.Writer           // where a log sink's "-" writes; os.Stdout when nil
	Templates Templates           // for smtp sinks: the running deployment's templates
	Getenv    func(string) string // os.Getenv when nil
}

// Dispatcher makes the dispatcher a configuration describes. Its Close
// closes the files the log sinks opened.
func (c *Config) Dispatcher(o *Options) (*Dispatcher, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	d := &Dispatcher{
		Store: o.Store, Worker: o.Worker, Routes: map[string]*Route{},
		Batch: c.Retry.Batch, Lease: c.Retry.Lease, Parallel: c.Retry.Parallel, MaxAttempts: c.Retry.MaxAttempts,
		Backoff: Backoff{Base: c.Retry.Base, Max: c.Retry.Max},
	}
	sinks := map[string]*Route{}
	for _, name := range slices.Sorted(maps.Keys(c.Sinks)) {
		r, err := c.Sinks[name].route(name, o, getenv, d)
		if err != nil {
			d.Close()
			return nil, err
		}
		sinks[name] = r
	}
	for key, name := range c.Routes {
		d.Routes[key] = sinks[name]
	}
	return d, nil
}

// route makes a sink.
func (s *SinkConfig) route(name string, o *Options, getenv func(string) string, d *Dispatcher) (*Route, error) {
	r := &Route{Name: name, Unknown: s.Unknown}
	if r.Unknown == "" {
		r.Unknown = Redeliver
		if s.Type == "smtp" {
			r.Unknown = Park
		}
	}
	switch s.Type {
	case "log":
		w := o.Stdout
		if w == nil {
			w = os.Stdout
		}
		if s.Path != "" && s.Path != "-" {
			f, err := os.OpenFile(s.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
			if err != nil {
				return nil, fmt.Errorf("sinks.%s.path: %w", name, err)
			}
			d.closers = append(d.closers, f.Close)
			w = f
		}
		r.Sink = NewLogSink(w)
	case "webhook":
		secret := s.Secret
		if s.SecretEnv != "" {
			if secret = getenv(s.SecretEnv); secret == "" {
				return nil, fmt.Errorf("sinks.%s.secret_env: $%s is not set, or empty", name, s.SecretEnv)
			}
		}
		w := &WebhookSink{URL: s.URL, URLs: s.URLs, Headers: s.Headers, Client: &http.Client{
			Timeout:       s.timeout(),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
		if secret != "" {
			key, err := ParseSecret(secret)
			if err != nil {
				what := "secret"
				if s.SecretEnv != "" {
					what = "secret_env: $" + s.SecretEnv
				}
				return nil, fmt.Errorf("sinks.%s.%s: %w", name, what, err)
			}
			w.Secret = key
		}
		r.Sink = &timeoutSink{Sink: w, timeout: s.timeout()}
	case "smtp":
		security := s.TLS
		if security == "" {
			security = SMTPStartTLS
		}
		port := s.Port
		if port == 0 {
			port = map[string]int{SMTPStartTLS: 587, SMTPTLS: 465, SMTPNone: 25}[security]
		}
		password := s.Password
		if s.PasswordEnv != "" {
			if password = getenv(s.PasswordEnv); password == "" {
				return nil, fmt.Errorf("sinks.%s.password_env: $%s is not set, or empty", name, s.PasswordEnv)
			}
		}
		m := &SMTPSink{
			Addr: net.JoinHostPort(s.Host, strconv.Itoa(port)), Security: security, Hello: s.Hello,
			From: s.From, ToField: s.ToField, UnsubscribeMailto: s.UnsubscribeMailto, Templates: o.Templates,
		}
		if s.Username != "" {
			// Only over TLS, or to a server on this host.
			m.Auth = smtp.PlainAuth("", s.Username, password, s.Host, false)
		}
		r.Sink = &timeoutSink{Sink: m, timeout: s.timeout()}
	}
	return r, nil
}

// timeoutSink limits each call of a sink.
type timeoutSink struct {
	Sink
	timeout time.Duration
}

func (t *timeoutSink) Deliver(ctx context.Context, d *Delivery) error {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	return t.Sink.Deliver(ctx, d)
}
