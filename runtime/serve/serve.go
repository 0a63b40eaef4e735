// Package serve runs Journey as a service: `journey run`. It puts together
// the parts of the runtime — workers that claim due contacts and run the
// engine, the HTTP intake, the outbox dispatcher, metrics — and stops them
// gracefully: on a signal, the HTTP server stops taking requests, each
// worker finishes the batch in hand, and nothing is left half done (a
// batch is one transaction; its leases expire if the process dies
// instead).
//
// A runner outlives its store's failures: every part that calls the store
// (the workers, the dispatcher, the chores, the follower) retries a
// failed call with backoff until it succeeds, and the runner's health
// (package health) logs each outage, counts its failures in
// journey_store_errors_total{part}, and has /healthz answer 503
// "degraded" while it lasts. Nothing is lost or done twice meanwhile: a
// claim, a commit, a lease of the outbox and its marks are each one
// transaction of the store.
package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// Config is what a runner runs.
type Config struct {
	Deployment *runtime.Deployment
	// Current, when set, gives the runner's own deployment, which hot
	// reload may swap; Deployment is then the one the runner started with.
	// When nil, Deployment is the runner's own throughout. The runner
	// deploys its own to the store (see follow), and runs what the store
	// has in force.
	Current func() *runtime.Deployment
	// Follow makes the runner run the store's deployment in force without
	// deploying its own, except when the store has none.
	Follow bool
	// Verify is how a bundle deployed by another runner is read (its
	// signature); the runner keeps its deployment when one is refused.
	Verify compiler.ReadOptions
	// InForce, when set, receives the deployment in force each time it
	// changes (the API and the dispatcher read it); Deployment until the
	// runner has read the store's.
	InForce *atomic.Pointer[runtime.Deployment]
	Store   store.Store
	Workers int           // worker goroutines; 2 when 0
	Batch   int           // contacts per claim; 100 when 0
	Poll    time.Duration // how often an idle worker looks for due work; 1s when 0
	Listen  string        // HTTP address; "" serves no HTTP
	Logger  *slog.Logger
	Clock   func() time.Time // time.Now when nil
	Name    string           // unique among the runners sharing the store: it names the workers' leases and the lead of the chores; DefaultName() when ""
	// DedupeWindow is how long event identities are kept for recognising
	// repeats, from when each event was received;
	// runtime.DefaultDedupeWindow when 0. The runner that leads the
	// chores prunes the identities received before it, at most once an
	// hour. The intake must refuse events stamped further back (pass the
	// same window as api.Config.DedupeWindow).
	DedupeWindow time.Duration
	// RetainOutbox is how long outbox rows done with are kept: a sent
	// row from when it was sent, a cancelled one from its last attempt's
	// due time; store.DefaultRetainOutbox when 0, and forever when
	// negative. RetainHistory is the same for history records, from
	// their time; store.DefaultRetainHistory when 0. The runner that
	// leads the chores deletes the older ones a batch at a time
	// (Store.Retain).
	RetainOutbox, RetainHistory time.Duration
	// Unsubscribe, when set, makes a contact's one-click unsubscribe link
	// on a channel, which the engine puts in marketing sends' payloads
	// (runtime.Engine.Unsubscribe); consent.URL under the runner's public
	// URL and secret.
	Unsubscribe func(contact, channel string) string

	// API builds the HTTP handler of the intake: metrics serves /metrics,
	// intake counts journey_intake_total{kind,result} (pass it as
	// api.Config.Intake), and health is the runner's health, which the
	// API's failed store calls are noted in and /healthz reports (pass it
	// as api.Config.Health). Nil: only /healthz and /metrics are served.
	API func(metrics http.Handler, intake func(kind, result string, n int), health *health.Monitor) http.Handler
	// Background runs beside the workers until the context ends: the
	// outbox dispatcher, reloaders.
	Background []func(ctx context.Context) error
	// Delivery, when set, makes the outbox dispatcher, given the metrics it
	// reports deliveries to and the part of the runner's health its store
	// calls are recorded in (dispatch.Dispatcher's Metrics and Health); it
	// runs beside the workers.
	Delivery func(m dispatch.Metrics, h *health.Part) (func(ctx context.Context) error, error)
	// Stats, when set, summarises the store for the gauges
	// journey_outbox_pending, journey_due_contacts and
	// journey_oldest_due_age_seconds (measured on Clock). It is read at
	// most once a second, with a short timeout.
	Stats func(ctx context.Context) (*store.Stats, error)
	// Ready, when set, is called with the HTTP server's address once it
	// listens.
	Ready func(addr string)
	// Listener, when set, is the HTTP server's socket, already bound (by
	// a caller that checks all it can before it opens the store); Listen
	// is then not used. Run closes it.
	Listener net.Listener
}

// The HTTP server's timeouts (docs/runtime.md, "HTTP"): a client that
// sends slowly, reads slowly or holds an idle connection cannot keep a
// connection, and the goroutine serving it, for long.
const (
	ReadHeaderTimeout = 10 * time.Second  // to read a request's headers
	ReadTimeout       = 30 * time.Second  // to read a whole request, body included (at most 1 MiB)
	WriteTimeout      = 60 * time.Second  // from the end of the headers to the end of the answer: a batch of 1,000 events is stored within it
	IdleTimeout       = 120 * time.Second // a kept-alive connection waiting for its next request
)

// shutdownGrace is how long a stopping runner lets HTTP requests in
// progress finish.
const shutdownGrace = 2 * time.Second

// Run runs until ctx ends, then stops gracefully: each worker finishes the
// batch in hand (a run is bounded: MaxSteps, the cost limit), the
// dispatcher's calls in progress are cancelled, HTTP requests in progress
// have shutdownGrace to finish, and the backlog is left in the store.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Name == "" {
		cfg.Name = DefaultName()
	}
	if cfg.Current == nil {
		d := cfg.Deployment
		cfg.Current = func() *runtime.Deployment { return d }
	}
	if cfg.InForce == nil {
		cfg.InForce = new(atomic.Pointer[runtime.Deployment])
	}
	cfg.InForce.CompareAndSwap(nil, cfg.Deployment) // never nil for its readers
	ln := cfg.Listener
	if ln == nil && cfg.Listen != "" {
		// Before the deploy: a runner that cannot listen changes nothing.
		var err error
		if ln, err = net.Listen("tcp", cfg.Listen); err != nil {
			return err
		}
	}
	if ln != nil {
		defer ln.Close()
	}
	var m *metrics
	mon := health.New(cfg.Logger, func(part string) { m.countStoreError(part) })
	m = newMetrics(newStatsCache(cfg.Stats, cfg.Clock, mon))
	metricsHandler := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	background := cfg.Background
	if cfg.Delivery != nil {
		// Before the deploy too: a delivery that cannot be set up stops
		// the runner having changed nothing.
		run, err := cfg.Delivery(deliveryMetrics{m.deliveries}, mon.Part(partDispatcher))
		if err != nil {
			return err
		}
		background = append(background, run)
	}
	f := &follower{cfg: &cfg, health: mon.Part(partFollower)}
	f.step(ctx) // so that the workers start on the deployment in force

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, cfg.Workers+len(background)+1)
	var wg sync.WaitGroup

	var srv *http.Server
	if ln != nil {
		mux := http.NewServeMux()
		switch {
		case cfg.API != nil:
			mux.Handle("/", cfg.API(metricsHandler, m.countIntake, mon))
		default:
			mux.Handle("/metrics", metricsHandler)
			mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
				rep := mon.Report()
				w.Header().Set("Content-Type", "application/json")
				if rep.Status != health.StatusOK {
					w.WriteHeader(http.StatusServiceUnavailable)
				}
				_ = json.NewEncoder(w).Encode(rep)
			})
		}
		srv = &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: ReadHeaderTimeout,
			ReadTimeout:       ReadTimeout,
			WriteTimeout:      WriteTimeout,
			IdleTimeout:       IdleTimeout,
		}
		cfg.Logger.Info("listening", "addr", ln.Addr().String())
		if cfg.Ready != nil {
			cfg.Ready(ln.Addr().String())
		}
		wg.Go(func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- err
			}
		})
	}
	for i := range cfg.Workers {
		w := &worker.Worker{
			Store: cfg.Store, Engine: &runtime.Engine{Deployment: cfg.Deployment, Unsubscribe: cfg.Unsubscribe},
			ID: fmt.Sprintf("%s/%d", cfg.Name, i), Batch: cfg.Batch, Observe: m.observe, Current: cfg.InForce.Load,
			Health: mon.Part(partWorker),
		}
		wg.Go(func() {
			if err := w.Run(ctx, cfg.Clock, cfg.Poll); err != nil {
				errs <- fmt.Errorf("worker %s: %w", w.ID, err)
			}
		})
	}
	chores := newChores(&cfg, m.leader, mon.Part(partChores))
	wg.Go(func() { chores.run(ctx) })
	wg.Go(func() { f.run(ctx) })
	for _, bg := range background {
		wg.Go(func() {
			if err := bg(ctx); err != nil && ctx.Err() == nil {
				errs <- err
			}
		})
	}
	cfg.Logger.Info("running", "journeys", len(cfg.Deployment.Journeys()), "workers", cfg.Workers)

	var first error
	select {
	case <-ctx.Done():
	case first = <-errs:
		cfg.Logger.Error("stopping", "error", first)
	}
	cancel()
	if srv != nil {
		// Requests in progress get a moment to finish; then the
		// connections close.
		shut, done := context.WithTimeout(context.Background(), shutdownGrace)
		defer done()
		if srv.Shutdown(shut) != nil {
			_ = srv.Close()
		}
	}
	wg.Wait()
	cfg.Logger.Info("stopped")
	return first
}

// DefaultName names a runner by its host and process: unique among the
// runners sharing a store, as lease and lead names must be.
func DefaultName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "journey"
	}
	return fmt.Sprintf("%s/%d", h, os.Getpid())
}
