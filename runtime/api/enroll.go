package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/runtime/store"
)

// EnrollResult is the answer to POST /v1/journeys/{name}/enrollments.
type EnrollResult struct {
	Journey  string   `json:"journey"`
	Contacts []string `json:"contacts"` // the contacts whose enrollment is queued, in the order given
}

// enroll queues the enrollment of contacts in a journey (docs/semantics.md rule
// 1): {"contact": ID}, or {"contacts": [ID, …]} for a batch of up to
// MaxBatch, validated whole and queued all or none. Each contact's next
// run takes it up in order with its other inputs, as an entry that fires:
// a contact already enrolled, or one the journey's re-entry policy does
// not let back in yet, is left as it is, and nothing is recorded. The
// contacts must exist (404 for the first that does not): an enrollment
// never creates one.
func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	d := s.deployment(w, r)
	if d == nil {
		return
	}
	body, ok := s.decode(w, r)
	if !ok {
		return
	}
	name := r.PathValue("name")
	if d.Journey(name) == nil {
		e := &FieldError{Field: "name", Code: CodeNotFound, Message: fmt.Sprintf("name: no journey %q is deployed", name), DidYouMean: diag.Suggest(name, journeyNames(d))}
		if e.DidYouMean != "" {
			e.Message += fmt.Sprintf(" (did you mean %q?)", e.DidYouMean)
		}
		s.fail(w, r, http.StatusNotFound, e)
		return
	}
	v := &validator{}
	var contacts []string
	obj, isObject := body.(map[string]any)
	if !isObject {
		v.fail("", CodeWrongType, fmt.Sprintf(`the body must be a JSON object: {"contact": ID} or {"contacts": [ID, …]}; got %s`, jsonKind(body)), "")
	}
	for _, k := range sortedKeys(obj) {
		if k != "contact" && k != "contacts" {
			v.fail(k, CodeUnknownField, fmt.Sprintf(`%s: unknown field %q; the body is {"contact": ID} or {"contacts": [ID, …]}`, k, k), diag.Suggest(k, []string{"contact", "contacts"}))
		}
	}
	one, hasOne := obj["contact"]
	list, hasList := obj["contacts"]
	switch {
	case !isObject:
	case hasOne && hasList:
		v.fail("contacts", CodeBadValue, `contacts: give "contact" or "contacts", not both`, "")
	case hasOne:
		if id, isString := one.(string); !isString {
			v.wrongType("contact", "a contact's id", one)
		} else if v.id("contact", "a contact's id", id) {
			contacts = []string{id}
		}
	case hasList:
		items, isList := list.([]any)
		switch {
		case !isList:
			v.wrongType("contacts", "a list of contacts' ids", list)
		case len(items) == 0:
			v.fail("contacts", CodeBadValue, "contacts: the list is empty; give at least one contact's id", "")
		case len(items) > MaxBatch:
			v.fail("contacts", CodeBadValue, fmt.Sprintf("contacts: %d contacts; a batch holds at most %d", len(items), MaxBatch), "")
		default:
			for i, item := range items {
				field := fmt.Sprintf("contacts[%d]", i)
				if id, isString := item.(string); !isString {
					v.wrongType(field, "a contact's id", item)
				} else if v.id(field, "a contact's id", id) {
					contacts = append(contacts, id)
				}
			}
		}
	default:
		v.fail("contact", CodeMissingField, `contact: missing; the body is {"contact": ID} or {"contacts": [ID, …]}`, "")
	}
	if !v.ok() {
		body := &errorBody{FieldError: v.errs[0]}
		if len(v.errs) > 1 {
			body.Errors = v.errs
		}
		s.answer(w, r, http.StatusBadRequest, body)
		return
	}
	err := s.cfg.Store.Enroll(r.Context(), &store.EnrollParams{Journey: name, Contacts: contacts, At: s.cfg.Clock()})
	var unknown *store.UnknownContactError
	if errors.As(err, &unknown) {
		s.stored()
		field := "contact"
		if hasList {
			field = fmt.Sprintf("contacts[%d]", unknown.Index)
		}
		s.fail(w, r, http.StatusNotFound, &FieldError{Field: field, Code: CodeNotFound, Message: fmt.Sprintf("%s: no contact %q", field, unknown.Contact)})
		return
	}
	if err != nil {
		s.unavailable(w, r, fmt.Errorf("enrolling in journey %q: %w", name, err))
		return
	}
	s.stored()
	writeJSON(w, http.StatusAccepted, &EnrollResult{Journey: name, Contacts: contacts})
}
