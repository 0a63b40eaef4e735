package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
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

// TestRunaway runs `journey run` for a minute on a contact in two journeys
// that run away: one sends and goes back to its own stage every second,
// the other loops within one instant through a stage trigger (which the
// check cannot see). The sends stop at the send budget and the rest are
// recorded over_budget; the looping journey is halted, shown in the
// contact's answer, and `journey contacts release` takes it up again (it
// halts again); SIGTERM stops the runner within 5 s, mid-loop.
func TestRunaway(t *testing.T) {
	if testing.Short() {
		t.Skip("runs `journey run` for a minute")
	}
	dir, ws, bin := runnerWorkspace(t,
		"contact {\n  email: string?\n  tags:  list<string>\n}\n\nevent signed_up\n",
		"journey j\n\nentry on signed_up\n\nstage Hot {\n  send \"welcome\"\n  after 1s goto Hot\n}\n")
	loop := "journey spin\n\nentry on signed_up\n\nstage Cold {\n  tag \"hot\"\n}\n\nstage Warm when has_tag(\"hot\") {\n  untag \"hot\"\n  goto Cold\n}\n"
	if err := os.WriteFile(filepath.Join(ws, "spin.journey"), []byte(loop), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "journey.db")
	addr := freeAddr(t)
	var stdout, stderr syncBuffer
	cmd := exec.Command(bin, "run", ws, "--db", db, "--listen", addr)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitHealthy(t, addr, &stderr)
	resp, err := http.Post("http://"+addr+"/v1/events", "application/json",
		strings.NewReader(`{"events": [{"id": "e1", "contact": "ada", "name": "signed_up"}]}`))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("event: %v %v", err, resp)
	}
	resp.Body.Close()

	time.Sleep(30 * time.Second)
	c := getContact(t, addr, "ada")
	if len(c.Halted) != 1 || c.Halted[0].Journey != "spin" || !strings.Contains(c.Halted[0].Reason, "steps in one run") {
		t.Fatalf("halted: %+v", c.Halted)
	}
	release := exec.Command(bin, "contacts", "release", "ada", "--db", db, "--journey", "spin")
	if out, err := release.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("released")) {
		t.Fatalf("journey contacts release: %v\n%s", err, out)
	}
	time.Sleep(30 * time.Second)

	if c = getContact(t, addr, "ada"); len(c.Halted) != 1 {
		t.Errorf("halted after the release: %+v", c.Halted)
	}

	stopped := time.Now()
	if err := stopWithin(t, cmd, syscall.SIGTERM, 5*time.Second); err != nil {
		t.Errorf("runner: %v\n%s", err, stderr.String())
	}
	took := time.Since(stopped)
	sends := 0
	for _, line := range strings.Split(stdout.String(), "\n") {
		if strings.Contains(line, `"kind":"send"`) {
			sends++
		}
	}
	if sends != 20 {
		t.Errorf("%d sends delivered in a minute, want the budget's 20", sends)
	}

	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.History(context.Background(), &store.HistoryParams{Contact: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range recs {
		kinds[r.Journey+" "+r.Kind]++
	}
	if kinds["j sent"] != 20 || kinds["j over_budget"] < 30 || kinds["spin halted"] != 2 || kinds["spin released"] != 1 {
		t.Errorf("history: %v", kinds)
	}
	t.Logf("a minute of runaways: %d sends delivered, %d over budget, %d halts; stopped %v after SIGTERM",
		sends, kinds["j over_budget"], kinds["spin halted"], took.Round(time.Millisecond))
}

// contactAnswer is what the test reads of GET /v1/contacts/{id}.
type contactAnswer struct {
	Halted []struct {
		Journey, Reason string
	}
	History []struct {
		Journey, Kind string
	}
}

func getContact(t *testing.T, addr, id string) *contactAnswer {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/v1/contacts/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c contactAnswer
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/contacts/%s: %d %v", id, resp.StatusCode, err)
	}
	return &c
}
