package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/consent"
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/reload"
	"github.com/journeylang/journey/runtime/serve"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
)

// runCmd is `journey run (PATH… | --bundle FILE) [--db DSN] [--listen ADDR]`.
type runCmd struct {
	Bundle  string   `placeholder:"FILE" help:"Run a compiled bundle instead of source."`
	Verify  string   `placeholder:"PUBKEY" help:"Require the bundle to be signed by this ed25519 public key (PEM)."`
	DB      string   `placeholder:"DSN" help:"The store: postgres://… for Postgres (at most 10 connections; pool_max_conns=N in the DSN to change it), else a SQLite file's path, made if need be." default:"journey.db"`
	Listen  string   `placeholder:"ADDR" help:"The HTTP address of the intake API, /metrics and /healthz." default:"127.0.0.1:8080"`
	Token   string   `name:"api-token" env:"JOURNEY_API_TOKEN" placeholder:"TOKEN" help:"The bearer token the API requires (or $JOURNEY_API_TOKEN); none: only loopback clients are served."`
	Workers int      `default:"2" help:"Worker goroutines claiming due contacts."`
	Batch   int      `default:"1000" placeholder:"N" help:"Contacts a worker claims, runs and commits at a time (1 to 10000): larger batches make fewer commits (docs/performance.md)."`
	Seed    string   `placeholder:"FILE" help:"Import these JSON lines of contacts and events (as journey import does) before running."`
	Sinks   string   `placeholder:"FILE" help:"The delivery configuration (TOML, docs/delivery.md); none: every action is logged as a JSON line on standard output."`
	NoWatch bool     `name:"no-watch" help:"Run the sources or bundle as they are at start; by default an edit is compiled and, if it compiles, deployed."`
	Follow  bool     `help:"Run the deployment the store has in force without deploying these sources or bundle (used only while the store has none)."`
	Dedupe  duration `name:"dedupe-window" default:"30d" help:"How long an event's id is kept, from when it was received, so that a repeat of the event is ignored; an event stamped (at) further back is refused. s, m, h, d or w: 30d, 2w, 720h."`
	Paths   []string `arg:"" optional:"" name:"path" help:"The workspace to compile and run (its folder, or files in it)."`

	RetainOutbox  keep `name:"retain-outbox" default:"7d" help:"How long an outbox row done with is kept (a sent one from when it was sent, a cancelled one from when it was due); older ones are deleted, and a report's deliveries with them. 0 keeps them forever. s, m, h, d or w: 7d, 2w."`
	RetainHistory keep `name:"retain-history" default:"400d" help:"How long the history (each stage, send and split arm, which reports count) is kept; older records are deleted, the enrollments kept. 0 keeps it forever. s, m, h, d or w: 400d, 60w."`

	PublicURL         string `name:"public-url" placeholder:"URL" help:"The URL the API is reached at from outside (https://journeys.example.com): marketing sends carry their one-click unsubscribe link under it. Needs --unsubscribe-secret-env."`
	UnsubscribeSecret string `name:"unsubscribe-secret-env" placeholder:"VAR" help:"The environment variable holding the secret (at least 16 bytes) that signs and checks one-click unsubscribe links."`
}

// maxBatch bounds --batch: a batch is one transaction, its contacts held
// for its lease, and a worker holds its states in memory.
const maxBatch = 10000

// unsubscribe reads the one-click links' secret and checks the public
// URL: the secret (nil when none is configured) and the function that
// makes a link (nil when the runner makes none). The secret is never
// printed.
func (c *runCmd) unsubscribe(e *env) ([]byte, func(contact, channel string) string, bool) {
	if c.UnsubscribeSecret == "" {
		if c.PublicURL != "" {
			e.errorf("run: --public-url needs --unsubscribe-secret-env: the links it makes are signed")
			return nil, nil, false
		}
		return nil, nil, true
	}
	secret := []byte(os.Getenv(c.UnsubscribeSecret))
	if len(secret) < consent.MinSecret {
		e.errorf("run: --unsubscribe-secret-env: $%s must hold a secret of at least %d bytes; it holds %d", c.UnsubscribeSecret, consent.MinSecret, len(secret))
		return nil, nil, false
	}
	if c.PublicURL == "" {
		return secret, nil, true
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		e.errorf("run: --public-url %q: want an http or https URL with a host, and no query, fragment or user", c.PublicURL)
		return nil, nil, false
	}
	base := c.PublicURL
	return secret, func(contact, channel string) string { return consent.URL(base, secret, contact, channel) }, true
}

// watcher watches what the runner runs — the workspace's folder, or the
// bundle file's. A reload builds the deployment as the start does; its
// diagnostics go to the log.
func (c *runCmd) watcher(logger *slog.Logger) *reload.Watcher {
	w := &reload.Watcher{Logger: logger, Load: func() (*runtime.Deployment, error) {
		var b bytes.Buffer
		d, ok := c.deployment(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &b}, "run")
		if !ok {
			return nil, errors.New(strings.TrimSpace(b.String()))
		}
		return d, nil
	}}
	if c.Bundle != "" {
		bundle := filepath.Clean(c.Bundle)
		w.Dirs = []string{filepath.Dir(bundle)}
		w.Match = func(path string) bool { return filepath.Clean(path) == bundle }
	} else if len(c.Paths) > 0 { // none: the load reports it
		dir := c.Paths[0]
		if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
			dir = filepath.Dir(dir)
		}
		w.Dirs, w.Match = []string{dir}, reload.Workspace(dir)
	}
	return w
}

// run checks everything it can before it changes anything: the workspace
// or bundle (and its signature), the bundle key, the DSN's form, the seed
// file's lines, the delivery configuration (with the secrets it names) and
// the listen address, which it binds. Only then does it open the store
// (making it if need be), import the seed, and start serving, which
// deploys. A mistake found on the way exits 2 (1 for a rejected seed
// line) with one line naming it, and leaves the store as it was.
func (c *runCmd) run(e *env) {
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	watch := c.watcher(logger)
	hash := watch.Digest() // before the load: an edit made during it is seen
	d, ok := c.deployment(e, "run")
	if !ok {
		return
	}
	watch.Seed(d, hash)
	verify, ok := readOptions(e, "run", c.Verify)
	if !ok {
		return
	}
	if c.Batch < 1 || c.Batch > maxBatch {
		e.errorf("run: --batch %d: want 1 to %d contacts", c.Batch, maxBatch)
		return
	}
	if _, err := postgresDSN(c.DB); err != nil {
		e.errorf("run: %v", err)
		return
	}
	if c.Seed != "" && !c.checkSeed(e, d.Program.Schema) {
		return
	}
	secret, links, ok := c.unsubscribe(e)
	if !ok {
		return
	}
	inForce := new(atomic.Pointer[runtime.Deployment]) // serve.Run fills it
	disp, poll, ok := c.dispatcher(e, inForce)
	if !ok {
		return
	}
	defer disp.Close()
	var ln net.Listener
	if c.Listen != "" {
		var err error
		if ln, err = net.Listen("tcp", c.Listen); err != nil {
			e.errorf("run: --listen %s: %s", c.Listen, listenError(err))
			return
		}
		defer ln.Close()
	}

	ctx, stop := stopOnSignal(logger)
	defer stop()
	db, err := openStore(ctx, c.DB)
	if err != nil {
		e.errorf("run: %v", err)
		return
	}
	defer db.Close()
	if pg, ok := db.(*postgres.Store); ok {
		// On Citus, the runners share the shards through leases (on
		// plain Postgres this does nothing).
		stopSharing, err := pg.Share(ctx, serve.DefaultName(), postgres.DefaultShareLease)
		if err != nil {
			e.errorf("run: %v", err)
			return
		}
		defer stopSharing()
	}
	if c.Seed != "" {
		f, err := os.Open(c.Seed)
		if err != nil {
			e.reportPath(err)
			return
		}
		rejected := importLines(ctx, e, db, d.Program.Schema, f, time.Duration(c.Dedupe))
		f.Close()
		if rejected > 0 {
			e.fail(exitFindings)
			return
		}
	}
	stats := func(ctx context.Context) (*store.Stats, error) {
		return store.Tallies(ctx, db, &store.StatsParams{Now: time.Now()})
	}
	cfg := serve.Config{
		Name: serve.DefaultName(), Deployment: d, Current: watch.Current, Follow: c.Follow, Verify: verify, InForce: inForce,
		Store: db, Workers: c.Workers, Batch: c.Batch, Listener: ln, Logger: logger, Stats: stats,
		DedupeWindow: time.Duration(c.Dedupe), Unsubscribe: links,
		RetainOutbox: time.Duration(c.RetainOutbox), RetainHistory: time.Duration(c.RetainHistory),
	}
	if !c.NoWatch {
		cfg.Background = append(cfg.Background, watch.Run)
	}
	disp.Store = db
	cfg.Delivery = func(m dispatch.Metrics, h *health.Part) (func(context.Context) error, error) {
		disp.Metrics, disp.Health = m, h
		return func(ctx context.Context) error { return disp.Run(ctx, poll) }, nil
	}
	cfg.API = func(metrics http.Handler, intake func(kind, result string, n int), h *health.Monitor) http.Handler {
		return api.New(api.Config{
			Store: db, Deployment: inForce.Load, ReloadError: watch.Failure,
			Token: c.Token, Logger: logger, Metrics: metrics, Intake: intake, DedupeWindow: time.Duration(c.Dedupe), Health: h,
			UnsubscribeSecret: secret,
			Counts: func(ctx context.Context) (map[string]map[string]int, error) {
				st, err := stats(ctx)
				if err != nil {
					return nil, err
				}
				return st.Active, nil
			},
		}).Handler()
	}
	if err := serve.Run(ctx, cfg); err != nil {
		e.errorf("run: %v", err)
	}
}

// dispatcher reads the delivery configuration (--sinks, or the default)
// and makes the outbox dispatcher, without its store: the secrets the file
// names are read and checked, and the log files opened, before the store
// is. It returns the dispatcher's pause when nothing is due too.
func (c *runCmd) dispatcher(e *env, inForce *atomic.Pointer[runtime.Deployment]) (*dispatch.Dispatcher, time.Duration, bool) {
	delivery := dispatch.DefaultConfig()
	if c.Sinks != "" {
		var err error
		if delivery, err = dispatch.LoadConfig(c.Sinks); err != nil {
			e.errorf("run: %s", pathError(err))
			return nil, 0, false
		}
	}
	disp, err := delivery.Dispatcher(&dispatch.Options{Worker: "dispatch@" + serve.DefaultName(), Stdout: e.stdout, Templates: currentTemplates(inForce)})
	if err != nil {
		if c.Sinks != "" {
			e.errorf("run: %s: %v", c.Sinks, err)
		} else {
			e.errorf("run: %v", err)
		}
		return nil, 0, false
	}
	return disp, delivery.Retry.Poll, true
}

// checkSeed checks every line of the --seed file before anything is
// imported: a file with a bad line imports nothing.
func (c *runCmd) checkSeed(e *env, schema *compiler.Schema) bool {
	f, err := os.Open(c.Seed)
	if err != nil {
		e.reportPath(err)
		return false
	}
	defer f.Close()
	var reasons bytes.Buffer // after the line that says what they are
	check := &env{stdin: e.stdin, stdout: e.stdout, stderr: &reasons}
	rejected := importLines(context.Background(), check, nil, schema, f, time.Duration(c.Dedupe))
	if rejected > 0 {
		fmt.Fprintf(e.stderr, "journey: run: --seed %s: %d lines rejected; nothing imported\n", c.Seed, rejected)
		e.fail(exitFindings)
	}
	io.Copy(e.stderr, &reasons)
	e.fail(check.code)
	return rejected == 0 && check.code == 0
}

// listenError is the part of a listen error that says what is wrong.
func listenError(err error) string {
	var addr *net.AddrError
	if errors.As(err, &addr) {
		return addr.Err
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Err.Error()
	}
	return err.Error()
}

// signalEcho is how soon after a stopping signal a second one is taken for
// the same one again.
const signalEcho = 250 * time.Millisecond

// stopOnSignal returns a context that ends at the first SIGINT or SIGTERM:
// the runner stops gracefully. A second signal exits at once; one within
// signalEcho of the first is taken for the same signal delivered twice
// (`timeout` sends it to the process and to its group).
func stopOnSignal(logger *slog.Logger) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		first := time.Now()
		logger.Info("stopping: a second signal stops at once")
		cancel()
		for range sigs {
			if time.Since(first) > signalEcho {
				logger.Warn("stopped at once")
				os.Exit(exitUsage)
			}
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(sigs)
		cancel()
	}
}

// deployment compiles the workspace or loads the bundle, for the command
// cmd.
func (c *runCmd) deployment(e *env, cmd string) (*runtime.Deployment, bool) {
	var prog *compiler.Program
	var manifest compiler.Manifest // a bundle's; none for a workspace
	var bundle []byte
	switch {
	case c.Bundle != "" && len(c.Paths) > 0:
		e.errorf(cmd + ": give a workspace or --bundle, not both")
		return nil, false
	case c.Bundle != "":
		b, data, ok := readBundleData(e, cmd, c.Bundle, c.Verify)
		if !ok {
			return nil, false
		}
		prog, manifest, bundle = b.Program, b.Manifest, data
	case len(c.Paths) == 0:
		e.errorf(cmd + ": give a workspace, or --bundle FILE")
		return nil, false
	default:
		var ok bool
		if prog, ok = compileWorkspace(e, cmd, c.Paths); !ok {
			return nil, false
		}
		var err error
		if bundle, err = compiler.WriteBundle(prog, nil); err != nil {
			e.errorf(cmd+": %v", err)
			return nil, false
		}
	}
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		e.errorf(cmd+": %v", err)
		return nil, false
	}
	d.Manifest, d.Bundle = manifest, bundle
	return d, true
}

// currentTemplates looks a template up in the deployment in force, so a
// reloaded template is the one sent.
func currentTemplates(inForce *atomic.Pointer[runtime.Deployment]) dispatch.Templates {
	return func(name string) (compiler.Template, bool) {
		for _, t := range inForce.Load().Program.Templates {
			if t.Name == name {
				return *t, true
			}
		}
		return compiler.Template{}, false
	}
}

// keep is a retention flag's value: a positive duration, or 0 for
// forever, which it holds as a negative duration (serve.Config's forever).
type keep time.Duration

// UnmarshalText reads the flag's value (kong calls it).
func (k *keep) UnmarshalText(b []byte) error {
	if string(b) == "0" {
		*k = keep(-1)
		return nil
	}
	var d duration
	if err := d.UnmarshalText(b); err != nil {
		return fmt.Errorf("%q is neither 0 (forever) nor a positive duration such as 7d, 2w or 400d", b)
	}
	*k = keep(d)
	return nil
}
