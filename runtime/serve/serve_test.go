package serve_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/internal/version"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/serve"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
)

// TestRun starts a runner on a free port, feeds it an event through the
// API, sees the contact move and the metrics count it, then stops it.
func TestRun(t *testing.T) {
	d := welcomeDeployment(t, "journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n}\n")
	st := memory.New()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Config{
			Deployment: d, Store: st, Listen: "127.0.0.1:0", Poll: 10 * time.Millisecond,
			Ready: func(a string) { addr <- a },
			Stats: func(ctx context.Context) (*store.Stats, error) {
				return st.Stats(ctx, &store.StatsParams{Now: time.Now()})
			},
			API: func(metrics http.Handler, intake func(kind, result string, n int), h *health.Monitor) http.Handler {
				return api.New(api.Config{Store: st, Deployment: func() *runtime.Deployment { return d }, Metrics: metrics, Intake: intake, Health: h}).Handler()
			},
		})
	}()
	base := "http://" + <-addr
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := get("/healthz"); !strings.Contains(got, `"ok"`) {
		t.Fatalf("healthz: %s", got)
	}
	resp, err := http.Post(base+"/v1/events", "application/json", strings.NewReader(`{"id":"e1","contact":"c1","name":"signed_up"}`))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("post: %v %v", err, resp)
	}
	resp.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(get("/v1/contacts/c1"), `"stage":"Welcome"`) {
		if time.Now().After(deadline) {
			t.Fatalf("the contact did not move: %s", get("/v1/contacts/c1"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	metrics := get("/metrics")
	for _, want := range []string{`journey_transitions_total{kind="enrolled"} 1`, `journey_actions_total{kind="send"} 1`, "journey_due_contacts 0", "journey_leader 1", "journey_fire_lag_seconds_count 1", `journey_enrollments_total{journey="j"} 1`, `journey_stage_entries_total{journey="j",stage="Welcome"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	build := version.Get()
	if want := fmt.Sprintf("journey_build_info{commit=%q,goversion=%q,version=%q} 1", build.Commit, build.GoVersion, build.Version); !strings.Contains(metrics, want) {
		t.Errorf("metrics lack %q", want)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
}
