package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestEndToEnd runs two `journey run` processes on one Postgres, pushes
// contacts' events through their HTTP APIs, and delivers the actions to a
// local webhook receiver; one runner is killed with SIGKILL midway and the
// other finishes the work. Every expected action arrives, none twice by
// idempotency key.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dsn := pgTestSchema(t)
	var mu sync.Mutex
	got := map[string]int{} // webhook-id → deliveries
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		id := r.Header.Get("webhook-id")
		if id == "" || r.Header.Get("Idempotency-Key") != id || r.Header.Get("webhook-signature") == "" {
			http.Error(w, "unsigned", http.StatusBadRequest)
			return
		}
		mu.Lock()
		got[id]++
		mu.Unlock()
	}))
	defer receiver.Close()

	dir, ws, bin := runnerWorkspace(t,
		"contact {\n  email: string?\n}\n\nevent signed_up { plan: string }\n\nteam sales\n",
		"journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n  after 2s notify sales \"new sign-up\"\n  after 4s task \"Call\" for owner\n}\n")
	sinks := filepath.Join(dir, "sinks.toml")
	os.WriteFile(sinks, []byte(fmt.Sprintf("[retry]\nbase = \"100ms\"\nmax = \"1s\"\nlease = \"3s\"\n\n[sinks.hook]\ntype = \"webhook\"\nurl = %q\ntimeout = \"2s\"\nsecret_env = \"JOURNEY_E2E_SECRET\"\n\n[routes]\n\"*\" = \"hook\"\n", receiver.URL)), 0o644)

	var addrs [2]string
	var cmds [2]*exec.Cmd
	var logs [2]syncBuffer
	for i := range cmds {
		addrs[i] = freeAddr(t)
		cmds[i] = exec.Command(bin, "run", ws, "--db", dsn, "--listen", addrs[i], "--sinks", sinks)
		cmds[i].Env = append(os.Environ(), "JOURNEY_E2E_SECRET=whsec_dGVzdA==")
		cmds[i].Stderr = &logs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
		defer cmds[i].Process.Kill()
		waitHealthy(t, addrs[i], &logs[i])
	}
	const contacts, perBatch = 2000, 100
	killed := false
	for b := 0; b < contacts/perBatch; b++ {
		runner := b % 2
		if killed {
			runner = 1
		}
		var events []map[string]any
		for i := b * perBatch; i < (b+1)*perBatch; i++ {
			events = append(events, map[string]any{"id": fmt.Sprintf("e%d", i), "contact": fmt.Sprintf("c%d", i), "name": "signed_up", "payload": map[string]any{"plan": "free"}})
		}
		body, _ := json.Marshal(map[string]any{"events": events})
		resp, err := http.Post("http://"+addrs[runner]+"/v1/events", "application/json", bytes.NewReader(body))
		if err != nil || resp.StatusCode != http.StatusAccepted {
			t.Fatalf("batch %d to runner %d: %v %v", b, runner, err, resp)
		}
		resp.Body.Close()
		if b == contacts/perBatch/2 {
			cmds[0].Process.Signal(syscall.SIGKILL)
			cmds[0].Wait()
			killed = true
		}
	}
	want := 3 * contacts
	deadline := time.Now().Add(120 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d actions arrived after two minutes", n, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
	cmds[1].Process.Signal(syscall.SIGTERM)
	if err := cmds[1].Wait(); err != nil {
		t.Errorf("runner 1: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	repeats := 0
	for _, n := range got {
		repeats += n - 1
	}
	if len(got) != want {
		t.Errorf("%d distinct actions arrived, want %d", len(got), want)
	}
	t.Logf("%d contacts through the API of two runners, one killed with SIGKILL midway: %d distinct actions arrived (want %d); %d repeated deliveries of an action with the same key, which the key makes harmless", contacts, len(got), want, repeats)
}

// freeAddr returns a loopback address with a free port.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a bytes.Buffer a process may write while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitHealthy waits for a runner's /healthz.
func waitHealthy(t *testing.T, addr string, log *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("runner at %s never became healthy:\n%s", addr, log)
}
