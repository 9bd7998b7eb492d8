package sink

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Snapshot is the agent's state at one scrape, gathered by whoever
// assembles the agent (from the pipeline and the sensor).
type Snapshot struct {
	Events  map[string]uint64 // attributed events by kind
	Alerts  map[string]uint64 // alerts by rule
	Dropped map[string]uint64 // lost events by reason ("ring_buffer", "queue")
	Limited map[string]uint64 // rate-limited events by container id
	Killed  uint64            // kills done in the kernel
	// RingPending and RingSize are the ring buffer's unread bytes and size.
	RingPending, RingSize int
	Programs              []Program
	// Latencies are the detection latencies since the last snapshot.
	Latencies []time.Duration
	// Models are the behaviour models' counters (nil: no models).
	Models *ModelCounts
}

// ModelCounts are the behaviour models' counters.
type ModelCounts struct {
	Seeded, SeedFailed uint64 // images read to seed a model
	Seeding            int    // images being read or waiting to be
	Models, Unseeded   int    // models in memory; those not seeded yet
	Deviations         uint64 // acts outside an active model
}

// Program is one eBPF program's accounting.
type Program struct {
	Name  string
	Runs  uint64
	Total time.Duration
}

// Metrics is a prometheus.Collector over snapshots.
type Metrics struct {
	snap func() Snapshot

	mu      sync.Mutex
	latency prometheus.Histogram

	events, alerts, dropped, limited, killed, ring, ringSize, runs, runtime *prometheus.Desc
	seeds, seeding, models, unseeded, deviations                            *prometheus.Desc
}

var _ prometheus.Collector = (*Metrics)(nil)

// NewMetrics collects from snap at each scrape.
func NewMetrics(snap func() Snapshot) *Metrics {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("bulwark_defend_"+name, help, labels, nil)
	}
	return &Metrics{
		snap: snap,
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "bulwark_defend_detection_latency_seconds",
			Help:    "Time from the kernel seeing an act to its alert line written by every sink.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .0075, .01, .015, .025, .05, .1, .5},
		}),
		events:     d("events_total", "Events attributed to containers, by kind.", "kind"),
		alerts:     d("alerts_total", "Alerts, by rule.", "rule"),
		dropped:    d("events_dropped_total", "Events lost, by where.", "reason"),
		limited:    d("events_rate_limited_total", "Events over a container's rate limit (counted, not judged).", "container"),
		killed:     d("kernel_kills_total", "Processes killed from the eBPF programs."),
		ring:       d("ringbuf_pending_bytes", "Bytes waiting in the ring buffer."),
		ringSize:   d("ringbuf_size_bytes", "Size of the ring buffer."),
		runs:       d("program_runs_total", "eBPF program runs.", "program"),
		runtime:    d("program_run_seconds_total", "eBPF program run time.", "program"),
		seeds:      d("model_seeds_total", "Images read to seed a behaviour model, by result.", "result"),
		seeding:    d("model_seeds_pending", "Images being read, or waiting to be, to seed a behaviour model."),
		models:     d("models", "Behaviour models held in memory (one per image the agent saw run)."),
		unseeded:   d("models_unseeded", "Behaviour models not yet seeded from their image (nor failed to be)."),
		deviations: d("model_deviations_total", "Acts outside an active behaviour model."),
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.events, m.alerts, m.dropped, m.limited, m.killed, m.ring, m.ringSize, m.runs, m.runtime, m.seeds, m.seeding, m.models, m.unseeded, m.deviations} {
		ch <- d
	}
	m.latency.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	s := m.snap()
	counters := func(d *prometheus.Desc, v map[string]uint64) {
		for k, n := range v {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(n), k)
		}
	}
	counters(m.events, s.Events)
	counters(m.alerts, s.Alerts)
	counters(m.dropped, s.Dropped)
	counters(m.limited, s.Limited)
	ch <- prometheus.MustNewConstMetric(m.killed, prometheus.CounterValue, float64(s.Killed))
	ch <- prometheus.MustNewConstMetric(m.ring, prometheus.GaugeValue, float64(s.RingPending))
	ch <- prometheus.MustNewConstMetric(m.ringSize, prometheus.GaugeValue, float64(s.RingSize))
	for _, p := range s.Programs {
		ch <- prometheus.MustNewConstMetric(m.runs, prometheus.CounterValue, float64(p.Runs), p.Name)
		ch <- prometheus.MustNewConstMetric(m.runtime, prometheus.CounterValue, p.Total.Seconds(), p.Name)
	}
	if mc := s.Models; mc != nil {
		ch <- prometheus.MustNewConstMetric(m.seeds, prometheus.CounterValue, float64(mc.Seeded), "ok")
		ch <- prometheus.MustNewConstMetric(m.seeds, prometheus.CounterValue, float64(mc.SeedFailed), "failed")
		ch <- prometheus.MustNewConstMetric(m.seeding, prometheus.GaugeValue, float64(mc.Seeding))
		ch <- prometheus.MustNewConstMetric(m.models, prometheus.GaugeValue, float64(mc.Models))
		ch <- prometheus.MustNewConstMetric(m.unseeded, prometheus.GaugeValue, float64(mc.Unseeded))
		ch <- prometheus.MustNewConstMetric(m.deviations, prometheus.CounterValue, float64(mc.Deviations))
	}
	m.mu.Lock()
	for _, l := range s.Latencies {
		m.latency.Observe(l.Seconds())
	}
	m.mu.Unlock()
	m.latency.Collect(ch)
}
