package serve_test

// A runner outlives its store: a Postgres server stopped for 10 s, and a
// SQLite file on a disk that fills up. A client keeps sending events
// through the API before, during and after, as a client should (sending
// again, after Retry-After, what was answered 503); afterwards every event
// accepted has been processed and every action delivered exactly once,
// and the runner never stopped.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/serve"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/sqlite"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// recordingSink records every delivery's key.
type recordingSink struct {
	mu   sync.Mutex
	keys map[string]int
}

func (s *recordingSink) Deliver(_ context.Context, d *dispatch.Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[d.Key]++
	return nil
}

func (s *recordingSink) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.keys))
	for k, n := range s.keys {
		out[k] = n
	}
	return out
}

// syncBuffer is a buffer the runner logs to from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// outageRunner is a runner under test — workers, API, a dispatcher to a
// recording sink — and a client feeding it events.
type outageRunner struct {
	t      *testing.T
	store  store.Store
	base   string
	sink   *recordingSink
	logs   *syncBuffer
	done   chan error
	cancel context.CancelFunc
	client *http.Client

	mu        sync.Mutex
	accepted  []string // contacts whose event was answered 202
	refused   int      // 503 answers, each with Retry-After
	lastError error    // an answer that was neither 202 nor 503 with Retry-After
	feeding   chan struct{}
	fed       chan struct{}
}

// startRunner starts a runner on store, one contact per event: each event
// enrolls its contact, which is sent "welcome" at once and "followup" a
// second later (a timer).
func startRunner(t *testing.T, db store.Store) *outageRunner {
	t.Helper()
	d := storetest.Deploy(t, map[string][]byte{
		"schema.journey": []byte("contact {\n  email: string?\n}\n\nevent signed_up\n"),
		"j.journey":      []byte("journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n  after 1s send \"followup\"\n}\n"),
	}, map[string][]byte{"welcome.md": []byte("subject: Hi\n"), "followup.md": []byte("subject: Still there?\n")})
	r := &outageRunner{
		t: t, store: db, sink: &recordingSink{keys: map[string]int{}}, logs: &syncBuffer{},
		done: make(chan error, 1), client: &http.Client{Timeout: 30 * time.Second},
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	addr := make(chan string, 1)
	go func() {
		r.done <- serve.Run(ctx, serve.Config{
			Deployment: d, Store: db, Listen: "127.0.0.1:0", Poll: 20 * time.Millisecond, Name: "outage",
			Logger: slog.New(slog.NewTextHandler(r.logs, nil)),
			Ready:  func(a string) { addr <- a },
			API: func(metrics http.Handler, intake func(kind, result string, n int), h *health.Monitor) http.Handler {
				return api.New(api.Config{
					Store: db, Deployment: func() *runtime.Deployment { return d }, Metrics: metrics, Intake: intake, Health: h,
					Logger: slog.New(slog.NewTextHandler(r.logs, nil)),
				}).Handler()
			},
			Delivery: func(m dispatch.Metrics, h *health.Part) (func(ctx context.Context) error, error) {
				disp := &dispatch.Dispatcher{
					Store: db, Worker: "dispatch@outage", Metrics: m, Health: h,
					Routes: map[string]*dispatch.Route{"*": {Name: "recording", Sink: r.sink}},
				}
				return func(ctx context.Context) error { return disp.Run(ctx, 20*time.Millisecond) }, nil
			},
		})
	}()
	select {
	case a := <-addr:
		r.base = "http://" + a
	case err := <-r.done:
		t.Fatalf("the runner did not start: %v\n%s", err, r.logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("the runner did not start\n%s", r.logs)
	}
	t.Cleanup(func() {
		r.stopFeeding()
		cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("the runner did not stop")
		}
		if t.Failed() {
			t.Logf("the runner's log:\n%s", r.logs)
		}
	})
	return r
}

// get fetches a path: its status, Retry-After and body.
func (r *outageRunner) get(path string) (int, string, string) {
	r.t.Helper()
	resp, err := r.client.Get(r.base + path)
	if err != nil {
		r.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
}

// post sends one event for contact c, once: the status, or an error.
func (r *outageRunner) post(c string) (int, error) {
	body := fmt.Sprintf(`{"id":"e-%s","contact":%q,"name":"signed_up"}`, c, c)
	resp, err := r.client.Post(r.base+"/v1/events", "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	switch {
	case resp.StatusCode == http.StatusAccepted:
	case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" && strings.Contains(string(b), `"code":"store_unavailable"`):
	default:
		return resp.StatusCode, fmt.Errorf("POST /v1/events: %d %s", resp.StatusCode, b)
	}
	return resp.StatusCode, nil
}

// feed sends events, one contact each, one after another until
// stopFeeding, each until it is accepted: an event answered 503 is sent
// again (after 100 ms, for the test's sake, rather than Retry-After).
func (r *outageRunner) feed() {
	r.feeding, r.fed = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(r.fed)
		for n := 0; ; n++ {
			c := "c" + strconv.Itoa(n)
			for {
				select {
				case <-r.feeding:
					return
				default:
				}
				status, err := r.post(c)
				r.mu.Lock()
				switch {
				case err != nil:
					r.lastError = err
				case status == http.StatusAccepted:
					r.accepted = append(r.accepted, c)
				default:
					r.refused++
				}
				r.mu.Unlock()
				if status == http.StatusAccepted {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
}

// stopFeeding stops the client; an event being retried stays unaccepted.
func (r *outageRunner) stopFeeding() {
	if r.feeding == nil {
		return
	}
	select {
	case <-r.feeding:
	default:
		close(r.feeding)
	}
	<-r.fed
}

// counts returns how many events were accepted and refused so far, and
// the last unexpected answer.
func (r *outageRunner) counts() (accepted, refused int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.accepted), r.refused, r.lastError
}

// waitAccepted waits until n more events are accepted.
func (r *outageRunner) waitAccepted(n int) {
	r.t.Helper()
	from, _, _ := r.counts()
	r.waitFor(fmt.Sprintf("%d more events accepted", n), 60*time.Second, func() bool {
		got, _, err := r.counts()
		if err != nil {
			r.t.Fatal(err)
		}
		return got >= from+n
	})
}

// waitFor polls cond until it holds, failing after limit: for "did not
// hang", not for speed.
func (r *outageRunner) waitFor(what string, limit time.Duration, cond func() bool) {
	r.t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			r.t.Fatalf("not within %v: %s", limit, what)
		}
		select {
		case err := <-r.done:
			r.t.Fatalf("the runner stopped: %v", err)
		default:
		}
	}
}

// healthz reads /healthz.
func (r *outageRunner) healthz() (int, *health.Report) {
	r.t.Helper()
	status, _, body := r.get("/healthz")
	var rep health.Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		r.t.Fatalf("healthz: %v: %s", err, body)
	}
	return status, &rep
}

// waitDegraded waits until /healthz answers 503 degraded, naming a part
// and since when.
func (r *outageRunner) waitDegraded(limit time.Duration) *health.Report {
	r.t.Helper()
	var rep *health.Report
	r.waitFor("/healthz degraded", limit, func() bool {
		var status int
		status, rep = r.healthz()
		return status == http.StatusServiceUnavailable
	})
	if rep.Status != health.StatusDegraded || len(rep.Failing) == 0 {
		r.t.Fatalf("healthz 503: %+v", rep)
	}
	for _, f := range rep.Failing {
		if f.Part == "" || f.Since.IsZero() || f.Failures == 0 {
			r.t.Fatalf("healthz names a part badly: %+v", rep)
		}
	}
	return rep
}

// storeErrors reads journey_store_errors_total from /metrics, by part.
func (r *outageRunner) storeErrors() map[string]float64 {
	r.t.Helper()
	_, _, body := r.get("/metrics")
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), `journey_store_errors_total{part="`)
		if !ok {
			continue
		}
		part, value, _ := strings.Cut(line, `"} `)
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			r.t.Fatalf("metrics: %q", sc.Text())
		}
		out[part] = v
	}
	return out
}

// actionsPerContact is how many actions each contact's journey makes.
const actionsPerContact = 2

// checkExactlyOnce waits until every accepted event's actions are
// delivered, then checks each was delivered once: actionsPerContact
// outbox rows per contact, sent, and the sink given each key once.
func (r *outageRunner) checkExactlyOnce() {
	r.t.Helper()
	ctx := context.Background()
	r.mu.Lock()
	accepted := append([]string(nil), r.accepted...)
	r.mu.Unlock()
	var rows []store.OutboxRow
	r.waitFor(fmt.Sprintf("the actions of %d contacts delivered", len(accepted)), 90*time.Second, func() bool {
		var err error
		if rows, err = r.store.ListOutbox(ctx, &store.ListOutboxParams{}); err != nil {
			return false
		}
		sent := 0
		for _, row := range rows {
			if row.Status == store.OutboxSent {
				sent++
			}
		}
		return sent >= actionsPerContact*len(accepted)
	})
	byContact := map[string][]string{}
	for _, row := range rows {
		if row.Status != store.OutboxSent {
			r.t.Errorf("outbox row %s: %s (%s)", row.Key, row.Status, row.LastError)
		}
		byContact[row.Contact] = append(byContact[row.Contact], row.Key)
	}
	delivered := r.sink.snapshot()
	for _, c := range accepted {
		keys := byContact[c]
		if len(keys) != actionsPerContact {
			r.t.Errorf("contact %s: %d outbox rows, want %d", c, len(keys), actionsPerContact)
		}
		for _, k := range keys {
			if n := delivered[k]; n != 1 {
				r.t.Errorf("contact %s: action %s delivered %d times, want 1", c, k, n)
			}
		}
	}
	if len(delivered) != len(rows) {
		r.t.Errorf("%d keys delivered, %d outbox rows", len(delivered), len(rows))
	}
	st, err := r.store.Stats(ctx, &store.StatsParams{Now: time.Now()})
	if err != nil {
		r.t.Fatal(err)
	}
	if st.OutboxPending != 0 || st.DueContacts != 0 {
		r.t.Errorf("left over: %d actions pending, %d contacts due", st.OutboxPending, st.DueContacts)
	}
}

// checkAlive checks that the runner has not stopped.
func (r *outageRunner) checkAlive() {
	r.t.Helper()
	select {
	case err := <-r.done:
		r.t.Fatalf("the runner stopped: %v", err)
	default:
	}
}

// checkLogs checks that the outage was logged, and not line by line of
// its failures: each part announces it once, and its end once.
func (r *outageRunner) checkLogs() {
	r.t.Helper()
	logs := r.logs.String()
	if !strings.Contains(logs, "the store fails") {
		r.t.Errorf("the outage is not logged")
	}
	// Six parts, each logging its outage and its end, well within a
	// minute: a failure per line would be hundreds.
	if n := strings.Count(logs, "the store"); n > 12 {
		r.t.Errorf("%d lines about the store for one outage", n)
	}
}

// outage is how long the Postgres server is down.
const outage = 10 * time.Second

// TestPostgresOutage stops the runner's Postgres server for 10 s while a
// client sends events. During the outage the API answers 503 with
// Retry-After and /healthz is degraded; afterwards the runner, which never
// stopped, has processed every event accepted and delivered every action
// once.
func TestPostgresOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("long: stops a Postgres server for 10 s")
	}
	pg := newPGCluster(t)
	db, err := postgres.Open(context.Background(), pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := startRunner(t, db)
	r.feed()
	r.waitAccepted(20)
	if status, rep := r.healthz(); status != http.StatusOK || rep.Status != health.StatusOK {
		t.Fatalf("healthz before the outage: %d %+v", status, rep)
	}

	pg.stop()
	down := time.Now()
	rep := r.waitDegraded(outage / 2)
	t.Logf("healthz during the outage: %+v", rep)
	if status, retry, body := r.get("/v1/contacts/c0"); status != http.StatusServiceUnavailable || retry == "" || !strings.Contains(body, `"code":"store_unavailable"`) {
		t.Errorf("GET a contact during the outage: %d, Retry-After %q: %s", status, retry, body)
	}
	r.waitFor("an event answered 503", outage/2, func() bool { _, refused, _ := r.counts(); return refused > 0 })
	accepted, _, _ := r.counts()
	time.Sleep(time.Until(down.Add(outage)))
	r.checkAlive()
	if now, _, _ := r.counts(); now != accepted {
		t.Errorf("%d events accepted while the store was down", now-accepted)
	}
	pg.start()

	r.waitAccepted(20)
	r.waitFor("/healthz ok again", 60*time.Second, func() bool { status, _ := r.healthz(); return status == http.StatusOK })
	r.stopFeeding()
	r.checkExactlyOnce()
	r.checkAlive()
	errs := r.storeErrors()
	for _, part := range []string{"worker", "dispatcher", "api"} {
		if errs[part] == 0 {
			t.Errorf("journey_store_errors_total{part=%q} is 0", part)
		}
	}
	r.checkLogs()
	n, refused, err := r.counts()
	if err != nil {
		t.Error(err)
	}
	t.Logf("%d events accepted, %d answers 503; store errors %v", n, refused, errs)
}

// TestFullDisk fills the disk of the runner's SQLite file while a client
// sends events. While writes fail the API answers 503 with Retry-After
// and /healthz is degraded; once space is freed, the runner, which never
// stopped, has processed every event accepted and delivered every action
// once.
func TestFullDisk(t *testing.T) {
	dir := smallDisk(t, "16m") // room for the WAL, which grows to 4 MB between checkpoints
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "journey.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := startRunner(t, db)
	r.feed()
	r.waitAccepted(20)

	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	// SQLite reuses the space of its WAL: a write may still succeed, until
	// one needs more room. The client sends its event again and again; the
	// workers fail to commit the followups falling due.
	r.waitFor("10 answers 503", 30*time.Second, func() bool { _, refused, _ := r.counts(); return refused >= 10 })
	r.waitFor("the workers failing", 30*time.Second, func() bool {
		_, rep := r.healthz()
		return slices.ContainsFunc(rep.Failing, func(f health.Fault) bool { return f.Part == "worker" })
	})
	rep := r.waitDegraded(5 * time.Second)
	t.Logf("healthz with the disk full: %+v", rep)
	r.checkAlive()
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}

	r.waitAccepted(20)
	r.waitFor("/healthz ok again", 60*time.Second, func() bool { status, _ := r.healthz(); return status == http.StatusOK })
	r.stopFeeding()
	r.checkExactlyOnce()
	r.checkAlive()
	errs := r.storeErrors()
	for _, part := range []string{"worker", "api"} {
		if errs[part] == 0 {
			t.Errorf("journey_store_errors_total{part=%q} is 0", part)
		}
	}
	r.checkLogs()
	n, refused, err := r.counts()
	if err != nil {
		t.Error(err)
	}
	t.Logf("%d events accepted, %d answers 503; store errors %v", n, refused, errs)
}

// smallDisk mounts a tmpfs of size (mount's size=) on a folder of
// t.TempDir(), unmounted when the test ends, or skips the test saying why
// it cannot: mounting needs root, or CAP_SYS_ADMIN.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("mounts a file system")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small file system to fill (needs root): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes to the file at path until the disk is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 16<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			return
		}
	}
}
