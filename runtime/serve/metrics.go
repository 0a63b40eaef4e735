package serve

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/journeylang/journey/runtime"
)

// metrics are the runner's Prometheus metrics. No label holds a contact.
type metrics struct {
	reg         *prometheus.Registry
	records     *prometheus.CounterVec // what the engine did, by record kind
	actions     *prometheus.CounterVec // actions written to the outbox, by kind
	batches     prometheus.Counter
	contacts    prometheus.Counter
	lost        prometheus.Counter
	batchTime   prometheus.Histogram
	deliveries  *prometheus.CounterVec
	outboxDepth prometheus.GaugeFunc
}

func newMetrics(outboxDepth func() float64) *metrics {
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
	}
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "journey_deliveries_total", Help: "Outbox deliveries by action kind and result: sent, failed, parked, unknown, lost.",
	}, []string{"kind", "result"})
	m.reg.MustRegister(m.records, m.actions, m.batches, m.contacts, m.lost, m.batchTime, m.deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if outboxDepth != nil {
		m.outboxDepth = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "journey_outbox_pending", Help: "Actions in the outbox not yet delivered.",
		}, outboxDepth)
		m.reg.MustRegister(m.outboxDepth)
	}
	return m
}

// observe counts a completed batch.
func (m *metrics) observe(b *runtime.BatchReport) {
	m.batches.Inc()
	m.batchTime.Observe(b.Elapsed.Seconds())
	m.contacts.Add(float64(b.Complete.Committed))
	m.lost.Add(float64(len(b.Complete.Lost)))
	lost := map[string]bool{}
	for _, id := range b.Complete.Lost {
		lost[id] = true
	}
	for _, r := range b.Results {
		if lost[r.Contact] {
			continue
		}
		for _, rec := range r.Outcome.Records {
			m.records.WithLabelValues(rec.Kind).Inc()
		}
		for _, a := range r.Outcome.Actions {
			m.actions.WithLabelValues(a.Kind).Inc()
		}
	}
}

// DeliveryMetrics counts the dispatcher's deliveries.
type DeliveryMetrics interface {
	Action(kind, result string)
}

type deliveryMetrics struct{ c *prometheus.CounterVec }

func (d deliveryMetrics) Action(kind, result string) { d.c.WithLabelValues(kind, result).Inc() }
