package api

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// contactFields are the fields of the body of PUT /v1/contacts/{id}.
var contactFields = []string{"attributes", "at"}

// PutResult is the answer to PUT /v1/contacts/{id}.
type PutResult struct {
	ID      string   `json:"id"`
	Set     []string `json:"set"`     // top-level attributes given a value
	Removed []string `json:"removed"` // optional attributes removed with null
}

// putContact queues an update of a contact's attributes, creating the
// contact: the attributes given are set (objects merge into the stored
// ones), null removes an optional one, the others are kept.
func (s *Server) putContact(w http.ResponseWriter, r *http.Request) {
	d, body, ok := s.intakeRequest(w, r, IntakeContact)
	if !ok {
		return
	}
	id := r.PathValue("id")
	v := &validator{}
	v.id("id", "a contact's id", id)
	obj, ok := body.(map[string]any)
	if !ok {
		v.fail("", CodeWrongType, fmt.Sprintf(`the body must be a JSON object: {"attributes": {...}}; got %s`, jsonKind(body)), "")
		s.invalid(w, r, IntakeContact, v.errs)
		return
	}
	for _, k := range sortedKeys(obj) {
		if !slices.Contains(contactFields, k) {
			v.fail(k, CodeUnknownField, fmt.Sprintf(`%s: unknown field %q; the body is {"attributes": {...}}, with an optional "at"`, k, k), diag.Suggest(k, contactFields))
		}
	}
	raw, given := obj["attributes"]
	var attrs map[string]any
	if given {
		attrs = v.object(d.Program.Schema.Contact, raw, "attributes", true)
	} else {
		v.fail("attributes", CodeMissingField, "attributes: missing: the object of attributes to set", "")
	}
	at := s.cfg.Clock()
	if t, ok := v.optionalTime(obj, "", "at"); ok {
		at = t
	}
	if !v.ok() {
		s.invalid(w, r, IntakeContact, v.errs)
		return
	}
	if err := s.cfg.Store.PutContact(r.Context(), &store.PutContactParams{ID: id, Attrs: attrs, At: at}); err != nil {
		s.unavailable(w, r, fmt.Errorf("updating contact %q: %w", id, err))
		return
	}
	s.stored()
	s.intake(IntakeContact, IntakeAccepted, 1)
	res := &PutResult{ID: id, Set: []string{}, Removed: []string{}}
	for _, k := range sortedKeys(attrs) {
		if attrs[k] == nil {
			res.Removed = append(res.Removed, k)
		} else {
			res.Set = append(res.Set, k)
		}
	}
	writeJSON(w, http.StatusAccepted, res)
}

// Contact is the answer to GET /v1/contacts/{id}.
type Contact struct {
	ID          string            `json:"id"`
	Attributes  map[string]any    `json:"attributes"`
	Enrollments []Enrollment      `json:"enrollments"`
	Halted      []Halt            `json:"halted"`             // the journeys halted for the contact, by name
	Consent     map[string]string `json:"consent"`            // by channel: subscribed, unsubscribed, bounced or complained
	History     []Record          `json:"history"`            // the last HistoryLimit records, oldest first
	Processed   time.Time         `json:"processed,omitzero"` // the engine's last run for the contact
}

// Enrollment is a contact's passage through a journey.
type Enrollment struct {
	Journey   string    `json:"journey"`
	Entry     int       `json:"entry"`
	Version   string    `json:"version"`
	Status    string    `json:"status"`
	Stage     string    `json:"stage"`
	StageAt   time.Time `json:"stage_at"`
	EnteredAt time.Time `json:"entered_at"`
	ExitedAt  time.Time `json:"exited_at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
}

// Halt is a journey the engine stopped running for the contact (docs/semantics.md
// rule 11), until a new version or POST /v1/contacts/{id}/release.
type Halt struct {
	Journey string    `json:"journey"`
	Version string    `json:"version"`
	At      time.Time `json:"at"`
	Step    string    `json:"step,omitempty"` // the step that was due, or the condition's position
	Reason  string    `json:"reason"`
}

// Record is a line of a contact's history.
type Record struct {
	At      time.Time `json:"at"`
	Journey string    `json:"journey"`
	Entry   int       `json:"entry"`
	Kind    string    `json:"kind"`
	Step    string    `json:"step,omitempty"`
	Detail  string    `json:"detail,omitempty"`
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if e := ValidateContactID(id, "id"); e != nil {
		s.answer(w, r, http.StatusBadRequest, &errorBody{FieldError: e})
		return
	}
	st, err := s.cfg.Store.Contact(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.stored()
		s.fail(w, r, http.StatusNotFound, &FieldError{Field: "id", Code: CodeNotFound, Message: fmt.Sprintf("no contact %q", id)})
		return
	}
	if err != nil {
		s.unavailable(w, r, fmt.Errorf("reading contact %q: %w", id, err))
		return
	}
	hist, err := s.cfg.Store.History(r.Context(), &store.HistoryParams{Contact: id})
	if err != nil {
		s.unavailable(w, r, fmt.Errorf("reading the history of contact %q: %w", id, err))
		return
	}
	s.stored()
	hist = hist[max(0, len(hist)-HistoryLimit):]
	out := &Contact{ID: id, Attributes: st.Attrs, Enrollments: []Enrollment{}, Halted: []Halt{}, Consent: map[string]string{}, History: []Record{}, Processed: st.Processed}
	for _, ch := range runtime.Channels {
		out.Consent[ch] = runtime.ConsentSubscribed
		if c, ok := st.Consent[ch]; ok {
			out.Consent[ch] = c
		}
	}
	for _, name := range slices.Sorted(maps.Keys(st.Halted)) {
		h := st.Halted[name]
		out.Halted = append(out.Halted, Halt{Journey: name, Version: h.Version, At: h.At, Step: h.Step, Reason: h.Reason})
	}
	if out.Attributes == nil {
		out.Attributes = map[string]any{}
	}
	for _, e := range st.Enrollments {
		out.Enrollments = append(out.Enrollments, Enrollment{
			Journey: e.Journey, Entry: e.Entry, Version: e.Version, Status: e.Status, Stage: e.Stage,
			StageAt: e.StageAt, EnteredAt: e.EnteredAt, ExitedAt: e.ExitedAt, Reason: e.Reason,
		})
	}
	for _, h := range hist {
		out.History = append(out.History, Record{At: h.At, Journey: h.Journey, Entry: h.Entry, Kind: h.Kind, Step: h.Step, Detail: h.Detail})
	}
	writeJSON(w, http.StatusOK, out)
}
