// Package api is Journey's HTTP API: event intake, contact updates and
// lookups, the loaded journeys, reports, health and metrics. docs/api.md describes
// it for clients, docs/openapi.yaml for tools.
//
// Every request is checked whole before anything is stored: a batch of
// events with one bad event, or an update with one bad attribute, is
// answered 400 with the path of the field at fault, and stores nothing.
//
// A request whose store call fails, or takes longer than the store
// deadline, is answered 503 store_unavailable with Retry-After: every
// request may be sent again as it was (events are deduplicated by id, an
// update sets the same attributes again), and none waits on the store
// for longer than the deadline.
package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/health"
	"github.com/journeylang/journey/runtime/store"
)

// Limits and defaults.
const (
	DefaultMaxBody = 1 << 20 // bytes of a request body, when Config.MaxBody is 0
	MaxBatch       = 1000    // events in one POST /v1/events
	HistoryLimit   = 100     // records of history in GET /v1/contacts/{id}

	// DefaultStoreTimeout bounds a request's store calls, all together,
	// when Config.StoreTimeout is 0: within the HTTP server's write
	// timeout, so that the 503 reaches the client.
	DefaultStoreTimeout = 20 * time.Second
	// RetryAfter is the Retry-After of a 503: about the longest wait
	// between the runner's own tries of a failing store.
	RetryAfter = 5 * time.Second
	// HealthPart names the API in the runner's health: its failed store
	// calls are noted under it.
	HealthPart = "api"
)

// TokenEnv is the environment variable the API token is conventionally
// read from (by `journey run`, beside its flag).
const TokenEnv = "JOURNEY_API_TOKEN"

// Config configures a Server.
type Config struct {
	Store store.Store
	// Deployment returns the deployment in force; hot reload swaps it, so
	// it is asked on every request. nil means none is loaded yet.
	Deployment func() *runtime.Deployment
	// Token, when not empty, must come with every request but /healthz as
	// `Authorization: Bearer <token>`. When empty, only loopback clients
	// are served.
	Token   string
	Clock   func() time.Time // time.Now when nil
	MaxBody int64            // DefaultMaxBody when 0
	Logger  *slog.Logger     // slog.Default() when nil
	Metrics http.Handler     // served at /metrics when not nil
	// ReloadError returns, when not nil, the diagnostics of the last
	// reload if it failed, or "".
	ReloadError func() string
	// Counts returns, when not nil, the contacts currently in each stage of
	// each journey, by journey then stage.
	Counts func(ctx context.Context) (map[string]map[string]int, error)
	// Intake, when not nil, counts what the intake did, for metrics: n
	// more of kind "event" or "contact" with result "accepted" (events
	// stored, or contact updates queued), "duplicate" (events whose id was
	// seen before) or "rejected" (requests answered 400 or 413, which
	// store nothing). n is never 0.
	Intake func(kind, result string, n int)
	// DedupeWindow is how long the store keeps event identities, from
	// when each event was received (serve.Config.DedupeWindow);
	// runtime.DefaultDedupeWindow when 0. An event stamped (at) further
	// back than it is refused, 400 too_old: a repeat of it might no longer
	// be recognised.
	DedupeWindow time.Duration
	// Health is the runner's health: /healthz reports it, and a request's
	// failed store call is noted in it under HealthPart (cleared by the
	// next request whose store calls succeed). When nil, the server keeps
	// its own, logging to Logger: /healthz then reports the API's
	// failures only.
	Health *health.Monitor
	// StoreTimeout bounds a request's store calls, all together;
	// DefaultStoreTimeout when 0.
	StoreTimeout time.Duration
	// UnsubscribeSecret verifies the tokens of one-click unsubscribe
	// links (package consent); none: /v1/unsubscribe/{token} answers 404.
	UnsubscribeSecret []byte
}

// Server answers the API's requests. It is safe for concurrent use.
type Server struct {
	cfg     Config
	token   [sha256.Size]byte // the token's hash: compared in constant time
	log     *slog.Logger
	handler http.Handler
	// routeList is what Routes returns.
	routeList []string
}

// New returns a server. With no token it logs a warning: only clients on
// the loopback interface will be served.
func New(cfg Config) *Server {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.StoreTimeout <= 0 {
		cfg.StoreTimeout = DefaultStoreTimeout
	}
	if cfg.Health == nil {
		cfg.Health = health.New(cfg.Logger, nil)
	}
	if cfg.Deployment == nil {
		cfg.Deployment = func() *runtime.Deployment { return nil }
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	if cfg.Token != "" {
		s.token = sha256.Sum256([]byte(cfg.Token))
	} else {
		s.log.Warn("API: NO TOKEN CONFIGURED: the HTTP API serves loopback clients only and answers 403 to every other address; set a token (" + TokenEnv + ") to serve the network")
	}
	s.handler = s.routes()
	return s
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes lists the routes the server answers, each as "METHOD /path"
// with its wildcards ("GET /v1/contacts/{id}"), sorted. HEAD is answered
// wherever GET is, and not listed.
func (s *Server) Routes() []string { return slices.Clone(s.routeList) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// route serves methods on path, each behind guard when it is not nil.
	route := func(path string, guard func(http.HandlerFunc) http.HandlerFunc, methods map[string]http.HandlerFunc) {
		var allow []string
		for m, h := range methods {
			allow = append(allow, m)
			s.routeList = append(s.routeList, m+" "+path)
			if guard != nil {
				h = guard(h)
			}
			mux.Handle(m+" "+path, h)
		}
		if methods["GET"] != nil {
			allow = append(allow, "HEAD")
		}
		slices.Sort(allow)
		var other http.HandlerFunc = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.fail(w, r, http.StatusMethodNotAllowed, &FieldError{Code: CodeMethodNotAllowed,
				Message: fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, path, strings.Join(allow, " or "))})
		}
		if guard != nil {
			other = guard(other)
		}
		mux.Handle(path, other)
	}
	route("/v1/events", s.guard, map[string]http.HandlerFunc{"POST": s.postEvents})
	route("/v1/contacts/{id}", s.guard, map[string]http.HandlerFunc{"GET": s.getContact, "PUT": s.putContact, "DELETE": s.deleteContact})
	route("/v1/contacts/{id}/release", s.guard, map[string]http.HandlerFunc{"POST": s.release})
	route("/v1/contacts/{id}/unsubscribe", s.guard, map[string]http.HandlerFunc{"POST": s.subscription(false)})
	route("/v1/contacts/{id}/resubscribe", s.guard, map[string]http.HandlerFunc{"POST": s.subscription(true)})
	// The token in the path is the proof: no API token, no local check.
	route("/v1/unsubscribe/{token}", nil, map[string]http.HandlerFunc{"GET": s.oneClickPage, "POST": s.oneClick})
	route("/v1/journeys", s.guard, map[string]http.HandlerFunc{"GET": s.getJourneys})
	route("/v1/journeys/{name}/enrollments", s.guard, map[string]http.HandlerFunc{"POST": s.enroll})
	route("/v1/reports", s.guard, map[string]http.HandlerFunc{"GET": s.getReports})
	route("/v1/reports/{journey}", s.guard, map[string]http.HandlerFunc{"GET": s.getReport})
	// The Segment-spec intake: its libraries send the token as Basic auth.
	for _, typ := range segmentTypes {
		route("/v1/"+typ, s.segmentGuard, map[string]http.HandlerFunc{"POST": s.postSegment(typ)})
	}
	route("/v1/batch", s.segmentGuard, map[string]http.HandlerFunc{"POST": s.postSegment("")})
	route("/healthz", nil, map[string]http.HandlerFunc{"GET": s.health})
	if s.cfg.Metrics != nil {
		route("/metrics", s.guard, map[string]http.HandlerFunc{"GET": s.cfg.Metrics.ServeHTTP})
	}
	slices.Sort(s.routeList)
	mux.Handle("/v1/", s.guard(s.notFound))
	mux.HandleFunc("/", s.notFound)
	return s.recover(s.canonical(s.storeDeadline(mux)))
}

// storeDeadline gives every request's context the store deadline: the
// store calls made with it fail when it passes.
func (s *Server) storeDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.StoreTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// recover answers 500 to a request whose handler panicked, and logs it.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("API: a handler panicked", "method", r.Method, "path", r.URL.Path, "panic", v)
				s.fail(w, r, http.StatusInternalServerError, &FieldError{Code: CodeInternal, Message: "internal error; see the server's log"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, &FieldError{Code: CodeNotFound, Message: "no route " + r.URL.Path + "; see docs/api.md"})
}

// health answers /healthz: 200 ok, or 503 degraded with the parts of
// the runner whose store calls fail, and since when.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	rep := s.cfg.Health.Report()
	status := http.StatusOK
	if rep.Status != health.StatusOK {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, rep)
}

// errorBody is the body of every error answer: the first problem, and all
// of them (up to 100) when there are several.
type errorBody struct {
	*FieldError
	Offset *int64        `json:"offset,omitempty"` // malformed JSON: the byte offset of the error
	Limit  int64         `json:"limit,omitempty"`  // a body too large: the limit in bytes
	Errors []*FieldError `json:"errors,omitempty"`
}

// Kinds and results of Config.Intake.
const (
	IntakeEvent     = "event"
	IntakeContact   = "contact"
	IntakeAccepted  = "accepted"
	IntakeDuplicate = "duplicate"
	IntakeRejected  = "rejected"
)

// intake reports n of a kind and result to Config.Intake.
func (s *Server) intake(kind, result string, n int) {
	if s.cfg.Intake != nil && n > 0 {
		s.cfg.Intake(kind, result, n)
	}
}

// fail answers an error.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, e *FieldError) {
	s.answer(w, r, status, &errorBody{FieldError: e})
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, body *errorBody) {
	if status >= 500 {
		s.log.Error("API: request failed", "method", r.Method, "path", r.URL.Path, "status", status, "error", body.Message)
	} else {
		s.log.Debug("API: request refused", "method", r.Method, "path", r.URL.Path, "status", status, "code", body.Code, "field", body.Field, "error", body.Message)
	}
	writeJSON(w, status, body)
}

// invalid answers 400 with the problems a validator found in a request
// of the intake of kind, and counts it rejected.
func (s *Server) invalid(w http.ResponseWriter, r *http.Request, kind string, errs []*FieldError) {
	s.intake(kind, IntakeRejected, 1)
	body := &errorBody{FieldError: errs[0]}
	if len(errs) > 1 {
		body.Errors = errs
	}
	s.answer(w, r, http.StatusBadRequest, body)
}

// stored records that a request's store calls succeeded: the API's part
// of the runner's health fails no longer.
func (s *Server) stored() { s.cfg.Health.Clear(HealthPart) }

// unavailable answers 503 store_unavailable, with Retry-After, for a
// failed store call: the store did not do the request's part, or not
// within the deadline, and the request may be sent again as it was. The
// error goes to the runner's health (counted, logged at most once a
// minute), not into the answer; a request whose client went away is not
// counted.
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		s.log.Debug("API: the client went away", "method", r.Method, "path", r.URL.Path, "error", err)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		s.cfg.Health.Note(HealthPart, fmt.Errorf("%s %s: the store did not answer within %v: %w", r.Method, r.URL.Path, s.cfg.StoreTimeout, err))
	default:
		s.cfg.Health.Note(HealthPart, fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, err))
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
	writeJSON(w, http.StatusServiceUnavailable, &errorBody{FieldError: &FieldError{Code: CodeStoreUnavailable,
		Message: fmt.Sprintf("the store is unavailable; send the request again in %d seconds", int(RetryAfter/time.Second))}})
}

// deployment returns the deployment in force, or answers 503.
func (s *Server) deployment(w http.ResponseWriter, r *http.Request) *runtime.Deployment {
	d := s.cfg.Deployment()
	if d == nil {
		w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
		s.fail(w, r, http.StatusServiceUnavailable, &FieldError{Code: CodeNoDeployment, Message: "no bundle is loaded yet; try again once one is"})
	}
	return d
}

// intakeRequest begins a request of the intake of kind: it returns the
// deployment in force and the body decoded, or answers 503 (no
// deployment), 400 or 413 (counted rejected) and returns false.
func (s *Server) intakeRequest(w http.ResponseWriter, r *http.Request, kind string) (*runtime.Deployment, any, bool) {
	d := s.deployment(w, r)
	if d == nil {
		return nil, nil, false
	}
	body, ok := s.decode(w, r)
	if !ok {
		s.intake(kind, IntakeRejected, 1)
		return nil, nil, false
	}
	return d, body, true
}

// decode reads a JSON body within the size limit, numbers as json.Number.
// On failure it answers (400 or 413) and returns false.
func (s *Server) decode(w http.ResponseWriter, r *http.Request) (any, bool) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.answer(w, r, http.StatusRequestEntityTooLarge, &errorBody{Limit: tooLarge.Limit, FieldError: &FieldError{Code: CodeBodyTooLarge,
				Message: fmt.Sprintf("the body is larger than the limit of %d bytes", tooLarge.Limit)}})
			return nil, false
		}
		s.fail(w, r, http.StatusBadRequest, &FieldError{Code: CodeMalformedJSON, Message: "the body could not be read: " + err.Error()})
		return nil, false
	}
	if len(bytes.TrimSpace(data)) == 0 {
		s.fail(w, r, http.StatusBadRequest, &FieldError{Code: CodeMalformedJSON, Message: "the body is empty; it must be a JSON object"})
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err = dec.Decode(&v)
	if err == nil {
		if _, next := dec.Token(); next != io.EOF {
			err = fmt.Errorf("unexpected data after the JSON value")
		}
	}
	if err != nil {
		offset := dec.InputOffset()
		var syntax *json.SyntaxError
		switch {
		case errors.As(err, &syntax):
			offset = syntax.Offset
		case errors.Is(err, io.ErrUnexpectedEOF):
			offset = int64(len(data))
			err = errors.New("unexpected end of JSON input")
		}
		line, col := position(data, offset)
		s.answer(w, r, http.StatusBadRequest, &errorBody{Offset: &offset, FieldError: &FieldError{Code: CodeMalformedJSON,
			Message: fmt.Sprintf("malformed JSON at offset %d (line %d, column %d): %v", offset, line, col, err)}})
		return nil, false
	}
	if field, dup := duplicateKey(data); dup {
		where := field
		if where == "" {
			where = "the body"
		}
		s.fail(w, r, http.StatusBadRequest, &FieldError{Field: field, Code: CodeDuplicateKey,
			Message: fmt.Sprintf("%s: the key appears twice in one object; give each key once", where)})
		return nil, false
	}
	return v, true
}

// position turns a byte offset into a line and a column, both from 1.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
