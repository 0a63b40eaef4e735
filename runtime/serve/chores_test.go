package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/serve"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/store/sqlite"
	"github.com/journeylang/journey/runtime/worker"
)

// logBuffer is a log that runners write to while the test reads it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDedupeAcrossLeaders: with a dedupe window of 60 days, an event
// stamped 20 days before a runner received it is taken and processed; the
// runner stops, and 25 days on another takes the lead of the chores and
// prunes at once. It forgets an identity received 65 days before, keeps
// one received 35 days before, and keeps the event's, received 25 days
// ago (though stamped 45 days ago): sent again, the event is a duplicate,
// and the contact has had it once, its welcome sent once.
func TestDedupeAcrossLeaders(t *testing.T) {
	d := welcomeDeployment(t, "journey j\n\nentry on signed_up\nreenter after 1d\n\nstage Welcome {\n  send \"welcome\"\n  exit \"done\"\n}\n")
	const window = 60 * 24 * time.Hour
	day := 24 * time.Hour
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for name, open := range map[string]func(t *testing.T) store.Store{
		"memory": func(*testing.T) store.Store { return memory.New() },
		"sqlite": func(t *testing.T) store.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := open(t)
			defer db.Close()
			var now atomic.Pointer[time.Time]
			now.Store(&t0)
			clock := func() time.Time { return *now.Load() }
			logs := &logBuffer{}
			intake := api.New(api.Config{
				Store: db, Deployment: func() *runtime.Deployment { return d }, Clock: clock, DedupeWindow: window,
				Logger: slog.New(slog.NewTextHandler(logs, nil)),
			}).Handler()
			post := func(body string) map[string]any {
				t.Helper()
				req := httptest.NewRequest("POST", "http://127.0.0.1:8080/v1/events", strings.NewReader(body))
				req.RemoteAddr = "127.0.0.1:40000"
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				intake.ServeHTTP(rec, req)
				if rec.Code != http.StatusAccepted {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				var res map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
					t.Fatal(err)
				}
				return res
			}
			// runner runs a runner named name until stop returns true, then
			// stops it.
			runner := func(name string, stop func() bool) {
				t.Helper()
				ctx, cancel := context.WithCancel(ctx)
				done := make(chan error, 1)
				go func() {
					done <- serve.Run(ctx, serve.Config{
						Name: name, Deployment: d, Store: db, Poll: 10 * time.Millisecond,
						Clock: clock, DedupeWindow: window, Logger: slog.New(slog.NewTextHandler(logs, nil)),
					})
				}()
				deadline := time.Now().Add(5 * time.Second)
				for !stop() {
					if time.Now().After(deadline) {
						cancel()
						t.Fatalf("%s: timed out; the log:\n%s", name, logs)
					}
					time.Sleep(10 * time.Millisecond)
				}
				cancel()
				if err := <-done; err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			outbox := func() int {
				t.Helper()
				rows, err := db.Outbox(ctx, &store.OutboxParams{Contact: "c1"})
				if err != nil {
					t.Fatal(err)
				}
				return len(rows)
			}
			event := `{"id": "e1", "contact": "c1", "name": "signed_up", "at": "2026-02-10T09:00:00Z"}`

			if res := post(event); res["accepted"] != 1.0 {
				t.Fatalf("answer %v", res)
			}
			runner("r1", func() bool { return outbox() == 1 })

			ancient := &store.AddEventParams{Contact: "c2", ID: "ancient", Name: "signed_up", At: t0.Add(-40 * day), Received: t0.Add(-40 * day)}
			middle := &store.AddEventParams{Contact: "c2", ID: "middle", Name: "signed_up", At: t0.Add(-10 * day), Received: t0.Add(-10 * day)}
			for _, e := range []*store.AddEventParams{ancient, middle} {
				if added, err := db.AddEvent(ctx, e); err != nil || !added {
					t.Fatalf("%s: %v %v", e.ID, added, err)
				}
			}
			later := t0.Add(25 * day)
			now.Store(&later)
			runner("r2", func() bool { return strings.Contains(logs.String(), `msg="pruned event identities" count=1`) })
			if res := post(event); res["accepted"] != 0.0 || res["duplicates"] != 1.0 {
				t.Errorf("answer to the repeat %v", res)
			}

			if added, err := db.AddEvent(ctx, ancient); err != nil || !added {
				t.Errorf("the identity received 65 days ago was not forgotten: %v %v", added, err)
			}
			if added, err := db.AddEvent(ctx, middle); err != nil || added {
				t.Errorf("the identity received 35 days ago was forgotten (the window is 60 days): %v %v", added, err)
			}
			// Whatever was taken is processed: the contact has had one event.
			if err := worker.NewSim(d, db, later).Advance(ctx, later.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			st, err := db.Contact(ctx, "c1")
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Events) != 1 || len(st.Enrollments) != 1 || outbox() != 1 {
				t.Errorf("c1 has %d events and %d enrollments, and the outbox %d actions; want 1, 1 and 1", len(st.Events), len(st.Enrollments), outbox())
			}
		})
	}
}
