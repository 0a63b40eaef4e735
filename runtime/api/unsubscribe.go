package api

// Consent (docs/semantics.md rule 12): an operator's or a system's change of a
// contact's subscription — POST /v1/contacts/{id}/unsubscribe and
// /resubscribe, behind the API's guard like every contact route — and the
// one-click link a marketing message carries (RFC 8058), which needs no
// API token: POST /v1/unsubscribe/{token}, where the token, an HMAC of
// the contact and the channel under the runner's secret (package
// consent), is the proof. A mail client posts `List-Unsubscribe=One-Click`
// as a form from anywhere, so that route takes any body (within the
// limit, unread) from any address, origin and content type; a token that
// does not verify is refused and changes nothing. GET on the same path
// answers a page whose button posts, so that a link scanner fetching the
// link unsubscribes no one.

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/consent"
	"github.com/journeylang/journey/runtime/store"
)

// ConsentResult is the answer to POST /v1/contacts/{id}/unsubscribe and
// /resubscribe.
type ConsentResult struct {
	ID      string `json:"id"`
	Channel string `json:"channel,omitempty"` // the channel changed; absent for every one
	State   string `json:"state"`             // the consent state queued
}

// subscription returns the handler of POST /v1/contacts/{id}/unsubscribe
// (subscribe false: {"channel": C, "state": S}, the state unsubscribed by
// default, or bounced or complained) or /resubscribe (subscribe true:
// {"channel": C}); without a channel, every channel. The change is queued
// as an input of the contact, which its next run takes up.
func (s *Server) subscription(subscribe bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := s.decode(w, r)
		if !ok {
			return
		}
		id := r.PathValue("id")
		if e := ValidateContactID(id, "id"); e != nil {
			s.answer(w, r, http.StatusBadRequest, &errorBody{FieldError: e})
			return
		}
		fields := []string{"channel", "state"}
		shape := `{"channel": "email"|"sms", "state": "unsubscribed"|"bounced"|"complained"}, each optional`
		states := []string{runtime.ConsentUnsubscribed, runtime.ConsentBounced, runtime.ConsentComplained}
		p := &store.ConsentParams{Contact: id, State: runtime.ConsentUnsubscribed, At: s.cfg.Clock()}
		if subscribe {
			fields, shape, p.State = []string{"channel"}, `{"channel": "email"|"sms"}, or {} for every channel`, runtime.ConsentSubscribed
		}
		v := &validator{}
		obj, isObject := body.(map[string]any)
		if !isObject {
			v.fail("", CodeWrongType, fmt.Sprintf("the body must be a JSON object: %s; got %s", shape, jsonKind(body)), "")
		}
		for _, k := range sortedKeys(obj) {
			if !slices.Contains(fields, k) {
				v.fail(k, CodeUnknownField, fmt.Sprintf("%s: unknown field %q; the body is %s", k, k, shape), diag.Suggest(k, fields))
			}
		}
		if raw, given := obj["channel"]; given {
			p.Channel = v.oneOf("channel", "a channel", raw, runtime.Channels)
		}
		if raw, given := obj["state"]; given && !subscribe {
			p.State = v.oneOf("state", "a consent state", raw, states)
		}
		if !v.ok() {
			body := &errorBody{FieldError: v.errs[0]}
			if len(v.errs) > 1 {
				body.Errors = v.errs
			}
			s.answer(w, r, http.StatusBadRequest, body)
			return
		}
		if !s.consent(w, r, p, "id") {
			return
		}
		writeJSON(w, http.StatusAccepted, &ConsentResult{ID: id, Channel: p.Channel, State: p.State})
	}
}

// oneOf checks that a value is one of the strings allowed, and returns it
// ("" when it is not).
func (v *validator) oneOf(field, what string, raw any, allowed []string) string {
	str, isString := raw.(string)
	switch {
	case !isString:
		v.wrongType(field, what, raw)
	case !slices.Contains(allowed, str):
		v.fail(field, CodeBadValue, fmt.Sprintf("%s: %q is not %s; use %s", field, str, what, strings.Join(allowed, ", ")), diag.Suggest(str, allowed))
	default:
		return str
	}
	return ""
}

// consent queues a change of consent, or answers 404 (field names the
// contact's field) or 503 and returns false.
func (s *Server) consent(w http.ResponseWriter, r *http.Request, p *store.ConsentParams, field string) bool {
	err := s.cfg.Store.Consent(r.Context(), p)
	if errors.Is(err, store.ErrNotFound) {
		s.stored()
		s.fail(w, r, http.StatusNotFound, &FieldError{Field: field, Code: CodeNotFound, Message: fmt.Sprintf("no contact %q", p.Contact)})
		return false
	}
	if err != nil {
		s.unavailable(w, r, fmt.Errorf("changing the consent of contact %q: %w", p.Contact, err))
		return false
	}
	s.stored()
	return true
}

// oneClickToken verifies the token of a one-click path, or answers 404
// (the runner makes no links) or 400 and returns false.
func (s *Server) oneClickToken(w http.ResponseWriter, r *http.Request) (contact, channel string, ok bool) {
	if len(s.cfg.UnsubscribeSecret) == 0 {
		s.fail(w, r, http.StatusNotFound, &FieldError{Code: CodeNotFound, Message: "this runner makes no unsubscribe links (no unsubscribe secret is configured)"})
		return "", "", false
	}
	contact, channel, err := consent.Verify(s.cfg.UnsubscribeSecret, r.PathValue("token"))
	if err == nil && slices.Contains(runtime.Channels, channel) && ValidateContactID(contact, "token") == nil {
		return contact, channel, true
	}
	s.fail(w, r, http.StatusBadRequest, &FieldError{Field: "token", Code: CodeBadValue, Message: "token: not a valid unsubscribe link; it may have been cut or altered"})
	return "", "", false
}

// oneClick answers POST /v1/unsubscribe/{token}: it unsubscribes the
// token's contact from the token's channel, and answers a page saying so.
func (s *Server) oneClick(w http.ResponseWriter, r *http.Request) {
	// The body (List-Unsubscribe=One-Click) says nothing the path does
	// not: it is read within the limit and dropped.
	if _, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.answer(w, r, http.StatusRequestEntityTooLarge, &errorBody{Limit: tooLarge.Limit, FieldError: &FieldError{Code: CodeBodyTooLarge,
				Message: fmt.Sprintf("the body is larger than the limit of %d bytes", tooLarge.Limit)}})
			return
		}
		s.fail(w, r, http.StatusBadRequest, &FieldError{Code: CodeMalformedJSON, Message: "the body could not be read: " + err.Error()})
		return
	}
	contact, channel, ok := s.oneClickToken(w, r)
	if !ok {
		return
	}
	if !s.consent(w, r, &store.ConsentParams{Contact: contact, Channel: channel, State: runtime.ConsentUnsubscribed, At: s.cfg.Clock()}, "token") {
		return
	}
	writePage(w, http.StatusOK, pageData{Title: "Unsubscribed", Text: fmt.Sprintf("You will receive no more marketing %s from us.", channelNoun(channel))})
}

// oneClickPage answers GET /v1/unsubscribe/{token}: a page whose button
// posts to the same path. It changes nothing.
func (s *Server) oneClickPage(w http.ResponseWriter, r *http.Request) {
	_, channel, ok := s.oneClickToken(w, r)
	if !ok {
		return
	}
	writePage(w, http.StatusOK, pageData{Title: "Unsubscribe", Text: fmt.Sprintf("Stop receiving marketing %s from us?", channelNoun(channel)), Button: "Unsubscribe"})
}

func channelNoun(channel string) string {
	if channel == "sms" {
		return "text messages"
	}
	return "email"
}

type pageData struct {
	Title, Text string
	Button      string // a button that posts the form to the page's own URL; none when ""
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1rem}</style></head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Text}}</p>
{{- if .Button}}
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">{{.Button}}</button></form>
{{- end}}
</body>
</html>
`))

// writePage answers a small HTML page that loads nothing and may post a
// form only to this server.
func writePage(w http.ResponseWriter, status int, d pageData) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_ = page.Execute(w, d)
}
