package dispatch

// The webhook sink posts each action as JSON, signed as Standard Webhooks
// v1 says (https://www.standardwebhooks.com):
//
//	webhook-id:        the action's idempotency key, the same on every retry
//	webhook-timestamp: seconds since the Unix epoch, when the call is made
//	webhook-signature: v1,BASE64(HMAC-SHA256(secret, id "." timestamp "." body))
//
// and with Idempotency-Key: the key again, for receivers (Stripe-like
// APIs) that deduplicate on it. A 2xx response is delivered; 408, 429 and
// 5xx are retried (after Retry-After, when given), as is a connection
// that could not be made; a request that went out and got no answer is
// unknown, for the route's policy; any other status fails for good and
// the row is parked.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/redact"
)

// WebhookSink posts actions to HTTP endpoints.
type WebhookSink struct {
	URL     string            // for every action without a URL of its own; "" for none
	URLs    map[string]string // by the action's target: the webhook's name, the team, …
	Secret  []byte            // the signing key (see ParseSecret); nil to send unsigned
	Headers map[string]string // added to every request (Authorization, …)
	Client  *http.Client      // nil: a client with a 10s timeout that follows no redirects
}

// webhookBody is what a webhook posts: the Standard Webhooks envelope
// around the action.
type webhookBody struct {
	Type      string         `json:"type"` // journey.send, journey.webhook, …
	Timestamp time.Time      `json:"timestamp"`
	Data      runtime.Action `json:"data"`
}

// ParseSecret reads a signing secret as Standard Webhooks writes it: the
// key in base64, after an optional "whsec_" prefix (the reference
// libraries take it with or without, and so does a receiver's).
func ParseSecret(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
	if err != nil {
		return nil, fmt.Errorf("not base64 (after an optional whsec_): %w", err)
	}
	if len(key) == 0 {
		return nil, errors.New("the secret is empty")
	}
	return key, nil
}

// Sign returns the webhook-signature header's value for a message.
func Sign(key []byte, id string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, timestamp)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

var defaultWebhookClient = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Deliver implements Sink.
func (s *WebhookSink) Deliver(ctx context.Context, d *Delivery) error {
	endpoint := s.URLs[d.Target]
	if endpoint == "" {
		endpoint = s.URL
	}
	if endpoint == "" {
		return Permanent(fmt.Errorf("no URL for %s %q", d.Kind, d.Target))
	}
	body, err := json.Marshal(&webhookBody{Type: "journey." + d.Kind, Timestamp: d.At.UTC(), Data: d.Action})
	if err != nil {
		return Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return Permanent(redactURL(err))
	}
	for k, v := range s.Headers {
		req.Header.Set(k, v)
	}
	ts := d.At.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "journey")
	req.Header.Set("webhook-id", d.Key)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	if s.Secret != nil {
		req.Header.Set("webhook-signature", Sign(s.Secret, d.Key, ts, body))
	}
	req.Header.Set("Idempotency-Key", d.Key)

	client := s.Client
	if client == nil {
		client = defaultWebhookClient
	}
	resp, err := client.Do(req)
	if err != nil {
		err = redactURL(err)
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return err // not sent: retried
		}
		return Unknown(err) // sent, perhaps: the policy decides
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection is reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("POST %s: %s", redact.URL(endpoint), resp.Status)
	if text := strings.TrimSpace(string(snippet)); text != "" {
		err = fmt.Errorf("%w: %s", err, text)
	}
	switch c := resp.StatusCode; {
	case c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500:
		return RetryAfter(err, retryAfter(resp.Header.Get("Retry-After"), d.At))
	default:
		return Permanent(err)
	}
}

// redactURL masks the secrets of the URL an error of net/http quotes: the
// error is stored as the outbox row's last error, and shown.
func redactURL(err error) error {
	var bad *url.Error
	if errors.As(err, &bad) {
		bad.URL = redact.URL(bad.URL)
	}
	return err
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date; 0 when
// absent or unreadable.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
