package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/sqlite"
)

// TestWebhookCredentialsRedacted runs `journey run` with a webhook sink
// whose URL carries a user and password and a token parameter, to a local
// receiver that fails. The row's last error, the runner's log and `journey
// outbox list` show the URL with neither. Then `journey outbox retry`
// revives the parked row, and says why it does not revive it twice.
func TestWebhookCredentialsRedacted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		http.Error(w, "no such hook", http.StatusNotFound) // parks the row at once
	}))
	defer receiver.Close()
	dir, ws, bin := runnerWorkspace(t,
		"contact {\n  email: string?\n}\n\nevent signed_up\n",
		"journey j\n\nentry on signed_up\n\nstage Welcome {\n  webhook crm\n}\n")
	hook := strings.Replace(receiver.URL, "http://", "http://bob:s3cret@", 1) + "/hook?team=a&token=t0ken"
	sinks := filepath.Join(dir, "sinks.toml")
	if err := os.WriteFile(sinks, []byte(fmt.Sprintf("[retry]\npoll = \"50ms\"\n\n[sinks.hooks]\ntype = \"webhook\"\nurl = %q\n\n[routes]\n\"*\" = \"hooks\"\n", hook)), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "j.db")
	addr := freeAddr(t)
	cmd := exec.Command(bin, "run", ws, "--db", db, "--listen", addr, "--sinks", sinks)
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitHealthy(t, addr, &log)
	resp, err := http.Post("http://"+addr+"/v1/events", "application/json", strings.NewReader(`{"events": [{"id": "e1", "contact": "ada", "name": "signed_up"}]}`))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("posting an event: %v %v", err, resp)
	}
	resp.Body.Close()

	ctx := context.Background()
	st, err := sqlite.OpenExisting(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var row store.OutboxRow
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		rows, err := st.ListOutbox(ctx, &store.ListOutboxParams{Status: store.OutboxParked})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 1 {
			row = rows[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no row parked after 20s; the runner's log:\n%s", log.String())
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("runner: %v", err)
	}
	secret := func(what, text string) {
		t.Helper()
		if strings.Contains(text, "s3cret") || strings.Contains(text, "t0ken") {
			t.Errorf("%s shows a secret:\n%s", what, text)
		}
	}
	if !strings.Contains(row.LastError, "bob:xxxxx@") || !strings.Contains(row.LastError, "404") {
		t.Errorf("last error %q, want the URL redacted and the status", row.LastError)
	}
	secret("the last error", row.LastError)
	secret("the runner's log", log.String())

	journey := func(want int, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if code := run(args, strings.NewReader(""), &out, &out); code != want {
			t.Errorf("journey %s: exit %d, want %d:\n%s", strings.Join(args, " "), code, want, out.String())
		}
		return out.String()
	}
	out := journey(0, "outbox", "list", "--db", db)
	if !strings.Contains(out, row.Key) || !strings.Contains(out, "bob:xxxxx@") {
		t.Errorf("journey outbox list:\n%s\nwant the row with its URL redacted", out)
	}
	secret("journey outbox list", out)

	if out := journey(0, "outbox", "retry", row.Key, "--db", db); out != "1 rows pending again\n" {
		t.Errorf("journey outbox retry: %q", out)
	}
	if out, want := journey(1, "outbox", "retry", row.Key, "--db", db), fmt.Sprintf("journey: outbox retry: outbox row %s is pending: only a parked or unknown row is retried\n", row.Key); out != want {
		t.Errorf("journey outbox retry again: %q, want %q", out, want)
	}
}
