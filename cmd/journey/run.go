package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
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
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/reload"
	"github.com/journeylang/journey/runtime/serve"
)

// runCmd is `journey run (PATH… | --bundle FILE) [--db DSN] [--listen ADDR]`.
type runCmd struct {
	Bundle  string   `placeholder:"FILE" help:"Run a compiled bundle instead of source."`
	Verify  string   `placeholder:"PUBKEY" help:"Require the bundle to be signed by this ed25519 public key (PEM)."`
	DB      string   `placeholder:"DSN" help:"The store: postgres://… for Postgres (at most 10 connections; pool_max_conns=N in the DSN to change it), else a SQLite file." default:"journey.db"`
	Listen  string   `placeholder:"ADDR" help:"The HTTP address of the intake API, /metrics and /healthz." default:"127.0.0.1:8080"`
	Token   string   `name:"api-token" env:"JOURNEY_API_TOKEN" placeholder:"TOKEN" help:"The bearer token the API requires (or $JOURNEY_API_TOKEN); none: only loopback clients are served."`
	Workers int      `default:"2" help:"Worker goroutines claiming due contacts."`
	Seed    string   `placeholder:"FILE" help:"Import these JSON lines of contacts and events (as journey import does) before running."`
	Sinks   string   `placeholder:"FILE" help:"The delivery configuration (TOML, docs/delivery.md); none: every action is logged as a JSON line on standard output."`
	NoWatch bool     `name:"no-watch" help:"Run the sources or bundle as they are at start; by default an edit is compiled and, if it compiles, deployed."`
	Follow  bool     `help:"Run the deployment the store has in force without deploying these sources or bundle (used only while the store has none)."`
	Paths   []string `arg:"" optional:"" name:"path" help:"The workspace to compile and run (its folder, or files in it)."`
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

func (c *runCmd) run(e *env) {
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	watch := c.watcher(logger)
	hash := watch.Digest() // before the load: an edit made during it is seen
	d, ok := c.deployment(e, "run")
	if !ok {
		return
	}
	watch.Seed(d, hash)
	ctx, stop := stopOnSignal(logger)
	defer stop()
	store, err := openStore(ctx, c.DB)
	if err != nil {
		e.errorf("run: %v", err)
		return
	}
	defer store.Close()
	if c.Seed != "" {
		f, err := os.Open(c.Seed)
		if err != nil {
			e.reportPath(err)
			return
		}
		rejected := importLines(ctx, e, store, d.Program.Schema, f)
		f.Close()
		if rejected > 0 {
			e.fail(exitFindings)
			return
		}
	}
	stats := func(ctx context.Context) (*runtime.Stats, error) {
		return store.Stats(ctx, &runtime.StatsParams{Now: time.Now()})
	}
	verify, ok := readOptions(e, "run", c.Verify)
	if !ok {
		return
	}
	inForce := new(atomic.Pointer[runtime.Deployment]) // serve.Run fills it
	cfg := serve.Config{
		Name: serve.DefaultName(), Deployment: d, Current: watch.Current, Follow: c.Follow, Verify: verify, InForce: inForce,
		Store: store, Workers: c.Workers, Listen: c.Listen, Logger: logger, Stats: stats,
	}
	if !c.NoWatch {
		cfg.Background = append(cfg.Background, watch.Run)
	}
	delivery := dispatch.DefaultConfig()
	if c.Sinks != "" {
		if delivery, err = dispatch.LoadConfig(c.Sinks); err != nil {
			e.errorf("run: %v", err)
			return
		}
	}
	cfg.Delivery = func(m dispatch.Metrics, h *health.Part) (func(context.Context) error, error) {
		disp, err := delivery.Dispatcher(&dispatch.Options{Store: store, Worker: "dispatch@" + cfg.Name, Stdout: e.stdout, Templates: currentTemplates(inForce)})
		if err != nil {
			return nil, err
		}
		disp.Metrics, disp.Health = m, h
		return func(ctx context.Context) error {
			defer disp.Close()
			return disp.Run(ctx, delivery.Retry.Poll)
		}, nil
	}
	cfg.API = func(metrics http.Handler, intake func(kind, result string, n int), h *health.Monitor) http.Handler {
		return api.New(api.Config{
			Store: store, Deployment: inForce.Load, ReloadError: watch.Failure,
			Token: c.Token, Logger: logger, Metrics: metrics, Intake: intake, Health: h,
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

// stopOnSignal returns a context that ends at the first SIGINT or SIGTERM:
// the runner stops gracefully. A second signal exits at once.
func stopOnSignal(logger *slog.Logger) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		logger.Info("stopping: a second signal stops at once")
		cancel()
		if _, ok := <-sigs; ok {
			logger.Warn("stopped at once")
			os.Exit(exitUsage)
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

// openStore opens Postgres for a postgres:// DSN, else the SQLite file.
func openStore(ctx context.Context, dsn string) (runtime.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return runtime.OpenPostgres(ctx, dsn)
	}
	return runtime.OpenSQLite(ctx, dsn)
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
