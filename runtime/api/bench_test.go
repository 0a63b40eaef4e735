package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/worker"
)

// BenchmarkAPIPostgres measures intake through the HTTP API on a real
// Postgres, then the workers behind it:
//
//	(a) 4 clients POST N signed_up events, each for a contact of its own,
//	    in batches of 100, to the API served by httptest on a Postgres
//	    store: events/s accepted;
//	(b) two workers (batches of 500) then process every contact made due
//	    by those events (each is enrolled and sent "welcome"): transitions/s.
//
// N comes from JOURNEY_BENCH_EVENTS (default 20000). The server is
// $JOURNEY_TEST_POSTGRES or a local one with trust authentication; each
// run gets a schema of its own (pgSchema). Without a server it skips,
// except under CI. Figures are in docs/performance.md; run it with
//
//	go test ./runtime/api -run XXX -bench APIPostgres -benchtime 1x -count 3
func BenchmarkAPIPostgres(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("JOURNEY_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	const (
		clients   = 4
		batchSize = 100
		workers   = 2
		workBatch = 500
	)
	ctx := context.Background()
	d := benchDeployment(b)
	var events, transitions float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dsn := pgSchema(b)
		store, err := postgres.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(api.New(api.Config{
			Store: store, Deployment: func() *runtime.Deployment { return d },
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}).Handler())
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}

		// The bodies are made before timing: clients take batches in turn.
		var bodies [][]byte
		run := strconv.Itoa(i)
		for from := 0; from < n; from += batchSize {
			var batch struct {
				Events []map[string]any `json:"events"`
			}
			for c := from; c < min(from+batchSize, n); c++ {
				id := "c" + strconv.Itoa(c)
				batch.Events = append(batch.Events, map[string]any{"id": "e" + run + "-" + id, "contact": id, "name": "signed_up"})
			}
			body, err := json.Marshal(batch)
			if err != nil {
				b.Fatal(err)
			}
			bodies = append(bodies, body)
		}

		b.StartTimer()
		began := time.Now()
		var next, accepted atomic.Int64
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for {
					k := int(next.Add(1)) - 1
					if k >= len(bodies) {
						return
					}
					res, err := client.Post(srv.URL+"/v1/events", "application/json", bytes.NewReader(bodies[k]))
					if err != nil {
						b.Error(err)
						return
					}
					raw, err := io.ReadAll(res.Body)
					res.Body.Close()
					if err != nil || res.StatusCode != http.StatusAccepted {
						b.Errorf("POST /v1/events: %d %s (%v)", res.StatusCode, raw, err)
						return
					}
					var out api.EventsResult
					if err := json.Unmarshal(raw, &out); err != nil {
						b.Error(err)
						return
					}
					accepted.Add(int64(out.Accepted))
				}
			})
		}
		wg.Wait()
		intake := time.Since(began)
		if b.Failed() {
			b.FailNow()
		}
		if got := accepted.Load(); got != int64(n) {
			b.Fatalf("%d events accepted, want %d", got, n)
		}

		began = time.Now()
		var committed atomic.Int64
		for k := range workers {
			w := &worker.Worker{Store: store, Engine: &runtime.Engine{Deployment: d}, ID: fmt.Sprintf("bench-%d", k), Batch: workBatch, Lease: time.Minute}
			wg.Go(func() {
				for {
					done, err := w.Tick(ctx, time.Now())
					if err != nil {
						b.Error(err)
						return
					}
					if done == 0 {
						return
					}
					committed.Add(int64(done))
				}
			})
		}
		wg.Wait()
		work := time.Since(began)
		b.StopTimer()
		if got := committed.Load(); got != int64(n) {
			b.Fatalf("%d contacts processed, want %d", got, n)
		}
		events += float64(n) / intake.Seconds()
		transitions += float64(n) / work.Seconds()
		srv.Close()
		client.CloseIdleConnections()
		store.Close()
	}
	b.ReportMetric(events/float64(b.N), "events/s")
	b.ReportMetric(transitions/float64(b.N), "transitions/s")
}

const benchSchemaSource = `contact {
  email: string?
}

event signed_up
`

const benchJourney = `journey welcome

entry on signed_up

stage Welcome {
  send "welcome"
}
`

func benchDeployment(b *testing.B) *runtime.Deployment {
	prog, diags := compiler.Compile(compiler.NewWorkspace(
		map[string][]byte{"welcome.journey": []byte(benchJourney), "schema.journey": []byte(benchSchemaSource)},
		map[string][]byte{"welcome.md": []byte("subject: Welcome\n")}))
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		b.Fatal(err)
	}
	return d
}
