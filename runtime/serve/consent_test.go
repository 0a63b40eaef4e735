package serve_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/consent"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/serve"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/sqlite"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestOneClickUnsubscribe runs a runner on SQLite with one-click links: a
// contact's first marketing email carries its link; a real HTTP POST of
// the link, as a mail client makes it (a form, no API token), unsubscribes
// the contact, which cancels that email while it waits in the outbox; the
// contact's next marketing email is recorded unsubscribed while the
// transactional one goes.
func TestOneClickUnsubscribe(t *testing.T) {
	d := storetest.Deploy(t, map[string][]byte{
		"schema.journey": []byte("contact {\n  email: string?\n}\n\nevent signed_up\n"),
		"j.journey":      []byte("journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"tips\"\n  after 3s send \"news\"\n  after 3s send \"receipt\"\n}\n"),
	}, map[string][]byte{
		"tips.md":    []byte("subject: Tips\nTips\n"),
		"news.md":    []byte("subject: News\nNews\n"),
		"receipt.md": []byte("subject: Your receipt\ntransactional: true\n\nPaid\n"),
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "journey.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	secret := []byte("0123456789abcdef0123456789abcdef")
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Config{
			Deployment: d, Store: st, Listener: ln, Poll: 10 * time.Millisecond,
			Unsubscribe: func(contact, channel string) string { return consent.URL(base, secret, contact, channel) },
			API: func(metrics http.Handler, intake func(kind, result string, n int), h *health.Monitor) http.Handler {
				return api.New(api.Config{Store: st, Deployment: func() *runtime.Deployment { return d }, Token: "s3cret",
					UnsubscribeSecret: secret, Metrics: metrics, Intake: intake, Health: h}).Handler()
			},
		})
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("waited in vain for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if _, err := st.AddEvent(ctx, &store.AddEventParams{Contact: "c1", ID: "e1", Name: "signed_up", At: time.Now()}); err != nil {
		t.Fatal(err)
	}

	var link string
	waitFor("the first send", func() bool {
		rows, err := st.ListOutbox(ctx, &store.ListOutboxParams{})
		if err != nil || len(rows) == 0 {
			return false
		}
		var p struct{ Unsubscribe string }
		if err := json.Unmarshal(rows[0].Payload, &p); err != nil {
			t.Fatal(err)
		}
		link = p.Unsubscribe
		return true
	})
	if want := consent.URL(base, secret, "c1", "email"); link != want {
		t.Fatalf("the send's link is %q, want %q", link, want)
	}

	req, err := http.NewRequest("POST", link, strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://mail.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click POST: %s", resp.Status)
	}

	kinds := func() []string {
		recs, err := st.History(ctx, &store.HistoryParams{Contact: "c1"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r.Kind+" "+r.Detail)
		}
		return out
	}
	waitFor("the later sends", func() bool { return slices.Contains(kinds(), "sent receipt") })
	want := []string{"enrolled 1", "stage Welcome", "sent tips", "withdrawn tips", "unsubscribed news", "sent receipt"}
	if got := kinds(); !slices.Equal(got, want) {
		t.Errorf("history %q, want %q", got, want)
	}
	rows, err := st.ListOutbox(ctx, &store.ListOutboxParams{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Target+" "+r.Status)
	}
	if want := []string{"tips cancelled", "receipt pending"}; !slices.Equal(got, want) {
		t.Errorf("outbox %q, want %q", got, want)
	}
	var p map[string]any
	if err := json.Unmarshal(rows[len(rows)-1].Payload, &p); err != nil || p["unsubscribe"] != nil || p["transactional"] != true {
		t.Errorf("the transactional send's payload: %s", rows[len(rows)-1].Payload)
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
