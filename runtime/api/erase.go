package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/journeylang/journey/runtime/store"
)

// deleteContact answers DELETE /v1/contacts/{id}: the store erases the
// contact (store.Store.Erase) — its attributes, events, consent and
// positions, pending inputs and outbox payloads go, its pending deliveries
// are cancelled, and its history and enrollments stay under a pseudonym,
// for the counts of reports. 204 when erased; 404 for a contact the store
// does not know, so a second DELETE too. No body is read.
func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if e := ValidateContactID(id, "id"); e != nil {
		s.answer(w, r, http.StatusBadRequest, &errorBody{FieldError: e})
		return
	}
	err := s.cfg.Store.Erase(r.Context(), &store.EraseParams{Contact: id, Pseudonym: store.NewPseudonym(), At: s.cfg.Clock()})
	if errors.Is(err, store.ErrNotFound) {
		s.stored()
		s.fail(w, r, http.StatusNotFound, &FieldError{Field: "id", Code: CodeNotFound, Message: fmt.Sprintf("no contact %q", id)})
		return
	}
	if err != nil {
		s.unavailable(w, r, fmt.Errorf("erasing contact %q: %w", id, err))
		return
	}
	s.stored()
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
