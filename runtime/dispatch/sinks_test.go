package dispatch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/dispatch"
)

func TestLogSink(t *testing.T) {
	var buf bytes.Buffer
	a := action("c1", "notify", "sales", map[string]any{"text": "hot lead"})
	err := dispatch.NewLogSink(&buf).Deliver(context.Background(), &dispatch.Delivery{Action: a, Attempt: 2, At: t0})
	noErr(t, err)
	var got map[string]any
	noErr(t, json.Unmarshal(buf.Bytes(), &got))
	want := map[string]any{
		"at": "2026-01-05T09:00:00Z", "key": a.Key, "contact": "c1", "journey": "onboard", "version": "v1",
		"step": a.Step, "kind": "notify", "target": "sales", "payload": map[string]any{"contact": "c1", "text": "hot lead"},
		"due": "2026-01-05T09:00:00Z", "attempt": 2.0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("line (-want +got):\n%s", diff)
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("}\n")) || bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
		t.Errorf("not one line: %q", buf.String())
	}
}

// The published Standard Webhooks test vector.
func TestSignVector(t *testing.T) {
	key, err := dispatch.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	noErr(t, err)
	got := dispatch.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
	bare, err := dispatch.ParseSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil || !bytes.Equal(bare, key) {
		t.Errorf("without the prefix: %x, %v", bare, err)
	}
	if _, err := dispatch.ParseSecret("not base64!"); err == nil {
		t.Error("a secret that is not base64 is taken")
	}
}

// TestWebhookRequest checks the request a webhook sink makes.
func TestWebhookRequest(t *testing.T) {
	var req *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req = r
		body, _ = readAll(r)
	}))
	defer srv.Close()
	key := []byte("key")
	sink := &dispatch.WebhookSink{
		URL: "http://127.0.0.1:1/never", URLs: map[string]string{"crm_sync": srv.URL + "/crm"},
		Secret: key, Headers: map[string]string{"Authorization": "Bearer t"},
	}
	a := action("c1", "webhook", "crm_sync", map[string]any{"stage": "Trial"})
	at := t0.Add(3 * time.Second)
	noErr(t, sink.Deliver(context.Background(), &dispatch.Delivery{Action: a, Attempt: 1, At: at}))

	if req.Method != "POST" || req.URL.Path != "/crm" {
		t.Errorf("%s %s", req.Method, req.URL)
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	for k, want := range map[string]string{
		"Content-Type": "application/json", "Authorization": "Bearer t", "Idempotency-Key": a.Key,
		"webhook-id": a.Key, "webhook-timestamp": ts, "webhook-signature": dispatch.Sign(key, a.Key, at.Unix(), body),
	} {
		if got := req.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	noErr(t, verify(key, a.Key, ts, req.Header.Get("webhook-signature"), body))
	var env struct {
		Type      string         `json:"type"`
		Timestamp time.Time      `json:"timestamp"`
		Data      runtime.Action `json:"data"`
	}
	noErr(t, json.Unmarshal(body, &env))
	if env.Type != "journey.webhook" || !env.Timestamp.Equal(at) || env.Data.Key != a.Key || env.Data.Target != "crm_sync" ||
		string(env.Data.Payload) != string(a.Payload) {
		t.Errorf("body %s", body)
	}
}

func readAll(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

// TestWebhookStatus: what each answer makes of a call.
func TestWebhookStatus(t *testing.T) {
	for _, tc := range []struct {
		status     int
		retryAfter string
		want       string // ok, retry, permanent
		after      time.Duration
	}{
		{200, "", "ok", 0},
		{204, "", "ok", 0},
		{301, "", "permanent", 0},
		{400, "", "permanent", 0},
		{401, "", "permanent", 0},
		{404, "", "permanent", 0},
		{408, "", "retry", 0},
		{422, "", "permanent", 0},
		{429, "30", "retry", 30 * time.Second},
		{429, t0.Add(time.Minute).Format(http.TimeFormat), "retry", time.Minute},
		{500, "", "retry", 0},
		{503, "5", "retry", 5 * time.Second},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tc.retryAfter != "" {
				w.Header().Set("Retry-After", tc.retryAfter)
			}
			if tc.status == 301 {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(tc.status)
		}))
		err := (&dispatch.WebhookSink{URL: srv.URL}).Deliver(context.Background(), &dispatch.Delivery{Action: action("c1", "webhook", "x", nil), At: t0})
		srv.Close()
		got, after := classify(err)
		if got != tc.want || after != tc.after {
			t.Errorf("%d %q: %s after %s (%v); want %s after %s", tc.status, tc.retryAfter, got, after, err, tc.want, tc.after)
		}
	}

	// No server: not sent, retried. A server that takes the request and
	// never answers: perhaps sent, unknown.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	noErr(t, err)
	addr := ln.Addr().String()
	ln.Close()
	err = (&dispatch.WebhookSink{URL: "http://" + addr}).Deliver(context.Background(), &dispatch.Delivery{Action: action("c1", "webhook", "x", nil), At: t0})
	if got, _ := classify(err); got != "retry" {
		t.Errorf("connection refused: %s (%v), want retry", got, err)
	}
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		readAll(r) // then the server notices the client leave
		<-r.Context().Done()
	}))
	defer hang.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = (&dispatch.WebhookSink{URL: hang.URL}).Deliver(ctx, &dispatch.Delivery{Action: action("c1", "webhook", "x", nil), At: t0})
	if got, _ := classify(err); got != "unknown" {
		t.Errorf("no answer: %s (%v), want unknown", got, err)
	}
}

// classify says what the dispatcher makes of a sink's error.
func classify(err error) (string, time.Duration) {
	var e *dispatch.Error
	switch {
	case err == nil:
		return "ok", 0
	case errors.As(err, &e) && e.Permanent:
		return "permanent", 0
	case errors.As(err, &e) && e.Unknown:
		return "unknown", 0
	case errors.As(err, &e):
		return "retry", e.RetryAfter
	}
	return "retry", 0
}

// TestWebhookErrorsRedacted: a webhook URL's password and secret query
// parameters appear in no error the dispatcher stores as a row's last
// error — not a receiver's failing status, not a connection refused, not
// a call that got no answer, not a URL that does not parse.
func TestWebhookErrorsRedacted(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			}))
			defer failing.Close()
			hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				readAll(r)
				<-r.Context().Done()
			}))
			defer hanging.Close()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			noErr(t, err)
			refused := ln.Addr().String()
			ln.Close()
			withCreds := func(base string) string {
				return strings.Replace(base, "http://", "http://bob:s3cret@", 1) + "/hook?team=a&access_token=t0ken"
			}
			urls := map[string]string{
				"failing": withCreds(failing.URL),
				"refused": withCreds("http://" + refused),
				"hanging": withCreds(hanging.URL),
				"broken":  "http://bob:s3cret@exa mple.com/hook?sig=t0ken",
			}
			var actions []runtime.Action
			for target := range urls {
				actions = append(actions, action("c1", "webhook", target, nil))
			}
			seed(t, s, map[string]map[string]any{"c1": {}}, actions...)
			d := &dispatch.Dispatcher{
				Store: s, Worker: "d", Lease: time.Minute, Clock: func() time.Time { return t0 },
				Routes: map[string]*dispatch.Route{"*": {Name: "hook", Unknown: dispatch.Redeliver, Sink: &dispatch.WebhookSink{
					URLs: urls, Client: &http.Client{Timeout: 200 * time.Millisecond},
				}}},
			}
			if _, err := d.Tick(context.Background()); err != nil {
				t.Fatal(err)
			}
			rows := list(t, s)
			for _, a := range actions {
				row := rows[a.Key]
				if row.LastError == "" || strings.Contains(row.LastError, "s3cret") || strings.Contains(row.LastError, "t0ken") {
					t.Errorf("%s: last error %q, want one without the secrets", a.Target, row.LastError)
				}
			}
		})
	}
}
