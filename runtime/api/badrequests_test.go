package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/journeylang/journey/runtime/api"
)

// TestBadRequests sends the bad requests an intake meets, one table, each
// to a fresh server: each gets its 4xx, and the store is left as it was.
func TestBadRequests(t *testing.T) {
	const token = "s3cret"
	auth := []string{"Authorization", "Bearer " + token}
	tests := []struct {
		name               string
		method, path, body string
		header             []string
		status             int
		code, field        string
	}{
		{"malformed JSON", "POST", "/v1/events", `{"id": "e1", "contact": `, auth, http.StatusBadRequest, "malformed_json", ""},
		{"unknown event field", "POST", "/v1/events", `{"id":"e1","contact":"c1","name":"form_submitted","payload":{"form":"x","pag":"/"}}`, auth, http.StatusBadRequest, "unknown_field", "payload.pag"},
		{"unknown event", "POST", "/v1/events", `{"id":"e1","contact":"c1","name":"form_submited","payload":{"form":"x"}}`, auth, http.StatusBadRequest, "bad_value", "name"},
		{"wrong type", "PUT", "/v1/contacts/c1", `{"attributes":{"email":"a@x","score":"ten"}}`, auth, http.StatusBadRequest, "wrong_type", "attributes.score"},
		{"unknown contact field", "PUT", "/v1/contacts/c1", `{"attributes":{"scroe":10}}`, auth, http.StatusBadRequest, "unknown_field", "attributes.scroe"},
		{"bad enum value", "PUT", "/v1/contacts/c1", `{"attributes":{"lifecycle":"custmer"}}`, auth, http.StatusBadRequest, "bad_value", "attributes.lifecycle"},
		{"unknown contact", "GET", "/v1/contacts/nobody", "", auth, http.StatusNotFound, "not_found", ""},
		{"oversized body", "POST", "/v1/events", `{"id":"e1","contact":"c1","name":"form_submitted","payload":{"form":"` + strings.Repeat("x", int(api.DefaultMaxBody)) + `"}}`, auth, http.StatusRequestEntityTooLarge, "body_too_large", ""},
		{"missing token", "POST", "/v1/events", `{"id":"e1","contact":"c1","name":"form_submitted","payload":{"form":"x"}}`, nil, http.StatusUnauthorized, "unauthorized", ""},
		{"wrong token", "POST", "/v1/events", `{"id":"e1","contact":"c1","name":"form_submitted","payload":{"form":"x"}}`, []string{"Authorization", "Bearer nope"}, http.StatusUnauthorized, "unauthorized", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *api.Config) { c.Token = token })
			r := e.do(tt.method, tt.path, tt.body, tt.header...)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.raw)
			}
			if r.body["code"] != tt.code {
				t.Errorf("code %v, want %s: %s", r.body["code"], tt.code, r.raw)
			}
			if tt.field != "" && r.body["field"] != tt.field {
				t.Errorf("field %v, want %s", r.body["field"], tt.field)
			}
			e.nothingStored("c1", "nobody")
		})
	}
}
