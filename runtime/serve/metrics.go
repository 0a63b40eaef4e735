package serve

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/journeylang/journey/internal/version"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/worker"
)

// metrics are the runner's Prometheus metrics. No label holds a contact.
type metrics struct {
	reg        *prometheus.Registry
	records    *prometheus.CounterVec // what the engine did, by record kind
	actions    *prometheus.CounterVec // actions written to the outbox, by kind
	batches    prometheus.Counter
	contacts   prometheus.Counter
	lost       prometheus.Counter
	batchTime  prometheus.Histogram
	fireLag    prometheus.Histogram
	leader     prometheus.Gauge
	deliveries *prometheus.CounterVec
	intake     *prometheus.CounterVec
	storeErrs  *prometheus.CounterVec // failed store calls, by part

	// The journey map's readings, as they happen: by journey, stage,
	// goal and exit reason, each a name from the bundle (a stage's, a
	// goal's, an exit step's reason), never a contact's.
	enrollments *prometheus.CounterVec // by journey
	entries     *prometheus.CounterVec // by journey and stage
	conversions *prometheus.CounterVec // by journey, goal and the stage it was reached in
	exits       *prometheus.CounterVec // by journey, stage and reason; not through a goal
}

// The parts of a runner whose failed store calls are counted, by their
// label in journey_store_errors_total.
const (
	partWorker     = "worker"
	partDispatcher = "dispatcher"
	partChores     = "chores"
	partFollower   = "follower"
	partAPI        = "api"
	partStats      = "stats"
)

func newMetrics(stats *statsCache) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "journey_transitions_total", Help: "What the engine did to contacts: enrolled, stage, sent, exited, … by kind.",
		}, []string{"kind"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "journey_actions_total", Help: "Actions written to the outbox, by kind (send, notify, task, webhook).",
		}, []string{"kind"}),
		batches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "journey_batches_total", Help: "Batches of contacts claimed and completed.",
		}),
		contacts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "journey_contacts_processed_total", Help: "Contact runs committed.",
		}),
		lost: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "journey_leases_lost_total", Help: "Contact runs not committed because another worker had taken the contact.",
		}),
		batchTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "journey_batch_seconds", Help: "Time to claim, run and complete one batch.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		fireLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "journey_fire_lag_seconds", Help: "How late a contact's run was committed: the batch's commit minus the wake-up it was due at.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 16),
		}),
		leader: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "journey_leader", Help: "1 while this runner leads the chores (retention) among the runners sharing the store, else 0.",
		}),
	}
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "journey_deliveries_total", Help: "Outbox deliveries by action kind and result: sent, failed, parked, unknown, lost.",
	}, []string{"kind", "result"})
	m.intake = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "journey_intake_total", Help: "What the HTTP intake did, by kind (event, contact) and result: accepted and duplicate per event or update, rejected per request refused (400, 413).",
	}, []string{"kind", "result"})
	for _, kr := range [][2]string{{"event", "accepted"}, {"event", "duplicate"}, {"event", "rejected"}, {"contact", "accepted"}, {"contact", "rejected"}} {
		m.intake.WithLabelValues(kr[0], kr[1])
	}
	m.storeErrs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "journey_store_errors_total", Help: "Failed store calls, by part of the runner: worker, dispatcher, chores, follower (the deployment in force), api (a request answered 503), stats (the gauges). Each is retried with backoff.",
	}, []string{"part"})
	for _, part := range []string{partWorker, partDispatcher, partChores, partFollower, partAPI, partStats} {
		m.storeErrs.WithLabelValues(part) // at 0 from the start, for alerts
	}
	for _, kind := range []string{runtime.RecHalted, runtime.RecReleased, runtime.RecOverBudget} {
		m.records.WithLabelValues(kind) // a runaway's signs, at 0 from the start so that alerts can watch them
	}
	m.enrollments = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "journey_enrollments_total", Help: "Contacts enrolled (each entry once), by journey.",
	}, []string{"journey"})
	m.entries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "journey_stage_entries_total", Help: "Contacts entering a stage, by journey and stage.",
	}, []string{"journey", "stage"})
	m.conversions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "journey_conversions_total", Help: "Goals reached, by journey, goal and the stage the contact was in.",
	}, []string{"journey", "goal", "stage"})
	m.exits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "journey_exits_total", Help: "Enrollments ended other than through a goal, by journey, the stage they ended in, and reason (exit, exit: REASON).",
	}, []string{"journey", "stage", "reason"})
	m.reg.MustRegister(m.enrollments, m.entries, m.conversions, m.exits, buildInfo(version.Get()))
	m.reg.MustRegister(m.records, m.actions, m.batches, m.contacts, m.lost, m.batchTime, m.fireLag, m.leader, m.deliveries, m.intake, m.storeErrs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if stats != nil {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "journey_outbox_pending", Help: "Actions in the outbox not yet delivered.",
			}, stats.gauge(func(st *store.Stats, _ time.Time) float64 { return float64(st.OutboxPending) })),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "journey_due_contacts", Help: "Contacts whose wake-up is due: the workers' backlog.",
			}, stats.gauge(func(st *store.Stats, _ time.Time) float64 { return float64(st.DueContacts) })),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "journey_oldest_due_age_seconds", Help: "How long the oldest due wake-up has waited; 0 when none is due.",
			}, stats.gauge(func(st *store.Stats, now time.Time) float64 { return ageSeconds(st.OldestDue, now) })),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "journey_outbox_oldest_pending_age_seconds", Help: "How long the oldest undelivered action has been due; 0 when none is pending.",
			}, stats.gauge(func(st *store.Stats, now time.Time) float64 { return ageSeconds(st.OldestPending, now) })),
		)
	}
	return m
}

// buildInfo is the gauge journey_build_info, always 1, whose labels tell
// which build runs: its version, commit and Go toolchain, as `journey
// version` prints them.
func buildInfo(i version.Info) prometheus.Collector {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "journey_build_info", Help: "Always 1; the labels tell the build that runs: version, commit (git revision) and goversion.",
	}, []string{"version", "commit", "goversion"})
	g.WithLabelValues(i.Version, i.Commit, i.GoVersion).Set(1)
	return g
}

// Reading the store's stats for the gauges: each read has statsTimeout,
// and its result (or failure) serves every scrape for statsTTL, so that a
// burst of scrapes costs one read.
const (
	statsTimeout = 2 * time.Second
	statsTTL     = time.Second
)

// statsCache reads the store's stats for the gauges, at most once per
// statsTTL.
type statsCache struct {
	read   func(ctx context.Context) (*store.Stats, error)
	clock  func() time.Time
	health *health.Monitor // notes a failed read

	mu      sync.Mutex
	readAt  time.Time    // when the cached result was read; zero for never
	stats   *store.Stats // nil when the last read failed
	stampAt time.Time    // the clock at that read, for the age gauge
}

func newStatsCache(read func(ctx context.Context) (*store.Stats, error), clock func() time.Time, health *health.Monitor) *statsCache {
	if read == nil {
		return nil
	}
	return &statsCache{read: read, clock: clock, health: health}
}

// get returns the stats and the clock when they were read: the cached
// ones if fresh, else a new read. It returns nil when the read failed.
func (c *statsCache) get() (*store.Stats, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := time.Now()
	if !c.readAt.IsZero() && wall.Sub(c.readAt) < statsTTL {
		return c.stats, c.stampAt
	}
	ctx, cancel := context.WithTimeout(context.Background(), statsTimeout)
	defer cancel()
	st, err := c.read(ctx)
	if err != nil {
		c.health.Note(partStats, err)
		st = nil
	} else {
		c.health.Clear(partStats)
	}
	c.readAt, c.stats, c.stampAt = wall, st, c.clock()
	return c.stats, c.stampAt
}

// gauge makes a GaugeFunc's function from the stats; NaN when they could
// not be read.
func (c *statsCache) gauge(f func(st *store.Stats, now time.Time) float64) func() float64 {
	return func() float64 {
		st, now := c.get()
		if st == nil {
			return math.NaN()
		}
		return f(st, now)
	}
}

// ageSeconds is how long before now t was, in seconds: 0 for a zero t or
// one in the future.
func ageSeconds(t, now time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return max(0, now.Sub(t).Seconds())
}

// observe counts a completed batch.
func (m *metrics) observe(b *worker.BatchReport) {
	m.batches.Inc()
	m.batchTime.Observe(b.Elapsed.Seconds())
	m.contacts.Add(float64(b.Complete.Committed))
	m.lost.Add(float64(len(b.Complete.Lost)))
	lost := map[string]bool{}
	for _, id := range b.Complete.Lost {
		lost[id] = true
	}
	// Due[i] is Results[i]'s wake-up: a contact's lag ends when its run
	// is committed, so a lost one has none.
	for i, due := range b.Due {
		if !due.IsZero() && i < len(b.Results) && !lost[b.Results[i].Contact] {
			m.fireLag.Observe(max(0, b.Committed.Sub(due).Seconds()))
		}
	}
	for _, r := range b.Results {
		if lost[r.Contact] {
			continue
		}
		for _, rec := range r.Outcome.Records {
			m.records.WithLabelValues(rec.Kind).Inc()
			m.journeyRecord(r.State, &rec)
		}
		for _, a := range r.Outcome.Actions {
			m.actions.WithLabelValues(a.Kind).Inc()
		}
	}
}

// journeyRecord counts a record in the journey map's metrics. The stage
// of a goal or an exit is the one the enrollment ended in, from the
// contact's new state.
func (m *metrics) journeyRecord(st *runtime.ContactState, rec *runtime.Record) {
	switch rec.Kind {
	case runtime.RecEnrolled:
		m.enrollments.WithLabelValues(rec.Journey).Inc()
	case runtime.RecStage:
		m.entries.WithLabelValues(rec.Journey, rec.Detail).Inc()
	case runtime.RecGoal:
		m.conversions.WithLabelValues(rec.Journey, rec.Detail, stageOf(st, rec)).Inc()
	case runtime.RecExited:
		if !strings.HasPrefix(rec.Detail, "goal ") { // the exit that follows a goal, counted as a conversion
			m.exits.WithLabelValues(rec.Journey, stageOf(st, rec), rec.Detail).Inc()
		}
	}
}

// stageOf is the stage of the enrollment a record is about, in a state;
// "" when the state does not hold it.
func stageOf(st *runtime.ContactState, rec *runtime.Record) string {
	if st == nil {
		return ""
	}
	for _, e := range st.Enrollments {
		if e.Journey == rec.Journey && e.Entry == rec.Entry {
			return e.Stage
		}
	}
	return ""
}

// countStoreError counts a failed store call of part: the hook of
// health.New.
func (m *metrics) countStoreError(part string) {
	m.storeErrs.WithLabelValues(part).Inc()
}

// countIntake counts what the HTTP intake did: the hook of api.Config.Intake.
func (m *metrics) countIntake(kind, result string, n int) {
	m.intake.WithLabelValues(kind, result).Add(float64(n))
}

// deliveryMetrics counts the dispatcher's deliveries: its
// dispatch.Metrics.
type deliveryMetrics struct{ c *prometheus.CounterVec }

func (d deliveryMetrics) Action(kind, result string) { d.c.WithLabelValues(kind, result).Inc() }
