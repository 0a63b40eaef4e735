package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/postgres/pgtest"
)

// TestRunnersShareOnePostgres starts two `journey run` processes on one
// Postgres schema, posts contacts' events to both runners' HTTP APIs, and
// checks that every action is delivered exactly once between them, then
// stops both with SIGTERM.
func TestRunnersShareOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	runnersShare(t, pgTestSchema(t), 300)
}

// runnersShare is TestRunnersShareOnePostgres on the store in dsn's
// schema, with the given number of contacts: their events go in batches
// to POST /v1/events, alternately to each runner, with an API token.
func runnersShare(t *testing.T, dsn string, contacts int) {
	_, ws, bin := runnerWorkspace(t,
		"contact {\n  email: string?\n}\n\nevent signed_up\n\nteam sales\n",
		"journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n  notify sales \"new\"\n}\n")
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const token = "runners-share-token"
	var outs [2]bytes.Buffer
	var logs [2]syncBuffer
	var addrs [2]string
	var cmds [2]*exec.Cmd
	for i := range cmds {
		addrs[i] = freeAddr(t)
		cmds[i] = exec.Command(bin, "run", ws, "--db", dsn, "--listen", addrs[i], "--workers", "2")
		cmds[i].Env = append(os.Environ(), "JOURNEY_API_TOKEN="+token)
		cmds[i].Stdout = &outs[i]
		cmds[i].Stderr = &logs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
		defer cmds[i].Process.Kill()
	}
	for i := range addrs {
		waitHealthy(t, addrs[i], &logs[i])
	}
	const perBatch = 200
	var posted [2]int
	for b := 0; b*perBatch < contacts; b++ {
		runner := b % 2
		var events []map[string]any
		for i := b * perBatch; i < min((b+1)*perBatch, contacts); i++ {
			events = append(events, map[string]any{"id": fmt.Sprintf("ec%d", i), "contact": fmt.Sprintf("c%d", i), "name": "signed_up"})
		}
		posted[runner] += postEvents(t, addrs[runner], token, events)
	}
	if posted[0] == 0 || posted[1] == 0 || posted[0]+posted[1] != contacts {
		t.Fatalf("runners accepted %d and %d events, want %d over both", posted[0], posted[1], contacts)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := db.Stats(ctx, &store.StatsParams{Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		sent, err := db.ListOutbox(ctx, &store.ListOutboxParams{Status: store.OutboxSent})
		if err != nil {
			t.Fatal(err)
		}
		if st.DueContacts == 0 && st.OutboxPending == 0 && len(sent) == 2*contacts {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not done after a minute: %+v, %d sent", st, len(sent))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, c := range cmds {
		c.Process.Signal(syscall.SIGTERM)
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("runner %d: %v", i, err)
		}
	}
	keys := map[string]int{}
	perRunner := [2]int{}
	for i := range outs {
		for _, line := range strings.Split(strings.TrimSpace(outs[i].String()), "\n") {
			if line == "" {
				continue
			}
			var a struct{ Key string }
			if err := json.Unmarshal([]byte(line), &a); err != nil {
				t.Fatalf("runner %d wrote %q: %v", i, line, err)
			}
			keys[a.Key]++
			perRunner[i]++
		}
	}
	for k, n := range keys {
		if n != 1 {
			t.Errorf("action %s delivered %d times", k, n)
		}
	}
	if len(keys) != 2*contacts {
		t.Errorf("%d actions delivered, want %d", len(keys), 2*contacts)
	}
	t.Logf("two runners took %d and %d contacts' events through their APIs and delivered %d and %d actions; %d in all, each once", posted[0], posted[1], perRunner[0], perRunner[1], len(keys))
}

// postEvents posts events as one batch to POST /v1/events of the runner
// at addr with the bearer token, and returns how many it accepted: all
// of them, or the test fails.
func postEvents(t *testing.T, addr, token string, events []map[string]any) int {
	t.Helper()
	body, err := json.Marshal(map[string]any{"events": events})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/events", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST %s/v1/events: %s %s", addr, resp.Status, answer)
	}
	var got struct{ Accepted, Duplicates int }
	if err := json.Unmarshal(answer, &got); err != nil {
		t.Fatalf("POST %s/v1/events answered %s: %v", addr, answer, err)
	}
	if got.Accepted != len(events) || got.Duplicates != 0 {
		t.Fatalf("POST %s/v1/events: %d accepted and %d duplicates of %d events", addr, got.Accepted, got.Duplicates, len(events))
	}
	return got.Accepted
}

// runnerWorkspace writes a workspace of a schema, journey j and the
// template "welcome" into a temporary folder, and links the test binary
// there as journey: it runs as `journey` when called by that name. It
// returns the folder, the workspace's folder in it, and the binary.
func runnerWorkspace(t *testing.T, schema, journey string) (dir, ws, bin string) {
	t.Helper()
	dir = t.TempDir()
	ws = filepath.Join(dir, "ws")
	if err := os.MkdirAll(filepath.Join(ws, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"schema.journey": schema, "j.journey": journey, "templates/welcome.md": "subject: Hi\n"} {
		if err := os.WriteFile(filepath.Join(ws, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin = filepath.Join(dir, "journey")
	if err := os.Symlink(os.Args[0], bin); err != nil {
		t.Fatal(err)
	}
	return dir, ws, bin
}

// stopWithin sends sig to cmd and waits for it to exit, failing the test
// when it has not within d; it returns cmd's exit error.
func stopWithin(t *testing.T, cmd *exec.Cmd, sig os.Signal, d time.Duration) error {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("%s did not stop within %s of %v", cmd.Path, d, sig)
		return nil
	}
}

// pgTestSchema makes a fresh schema on the test Postgres, dropped after
// the test, and returns a DSN whose search_path is that schema.
func pgTestSchema(t *testing.T) string {
	_, dsn := pgtest.Schema(t)
	return dsn
}
