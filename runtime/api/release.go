package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// ReleaseResult is the answer to POST /v1/contacts/{id}/release.
type ReleaseResult struct {
	ID      string `json:"id"`
	Journey string `json:"journey,omitempty"` // the journey released; absent for every halted one
}

// release queues an operator's release of a contact's halted journeys
// (docs/semantics.md rule 11): {"journey": NAME} for one, {} for every one. The
// contact's next run takes it up, and its history records it.
func (s *Server) release(w http.ResponseWriter, r *http.Request) {
	d := s.deployment(w, r)
	if d == nil {
		return
	}
	body, ok := s.decode(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if e := ValidateContactID(id, "id"); e != nil {
		s.answer(w, r, http.StatusBadRequest, &errorBody{FieldError: e})
		return
	}
	v := &validator{}
	obj, ok := body.(map[string]any)
	if !ok {
		v.fail("", CodeWrongType, fmt.Sprintf(`the body must be a JSON object: {"journey": NAME}, or {} for every halted journey; got %s`, jsonKind(body)), "")
	}
	journey := ""
	for _, k := range sortedKeys(obj) {
		if k != "journey" {
			v.fail(k, CodeUnknownField, fmt.Sprintf(`%s: unknown field %q; the body is {"journey": NAME}, or {}`, k, k), diag.Suggest(k, []string{"journey"}))
		}
	}
	if raw, given := obj["journey"]; given {
		names := journeyNames(d)
		switch name, isString := raw.(string); {
		case !isString:
			v.wrongType("journey", "a journey's name", raw)
		case !slices.Contains(names, name):
			v.fail("journey", CodeBadValue, fmt.Sprintf("journey: no journey %q is deployed", name), diag.Suggest(name, names))
		default:
			journey = name
		}
	}
	if !v.ok() {
		body := &errorBody{FieldError: v.errs[0]}
		if len(v.errs) > 1 {
			body.Errors = v.errs
		}
		s.answer(w, r, http.StatusBadRequest, body)
		return
	}
	err := s.cfg.Store.Release(r.Context(), &store.ReleaseParams{Contact: id, Journey: journey, At: s.cfg.Clock()})
	if errors.Is(err, store.ErrNotFound) {
		s.stored()
		s.fail(w, r, http.StatusNotFound, &FieldError{Field: "id", Code: CodeNotFound, Message: fmt.Sprintf("no contact %q", id)})
		return
	}
	if err != nil {
		s.unavailable(w, r, fmt.Errorf("releasing contact %q: %w", id, err))
		return
	}
	s.stored()
	writeJSON(w, http.StatusAccepted, &ReleaseResult{ID: id, Journey: journey})
}

// journeyNames are the names of the deployment's journeys, in order.
func journeyNames(d *runtime.Deployment) []string {
	var names []string
	for _, j := range d.Journeys() {
		names = append(names, j.Name)
	}
	return names
}
