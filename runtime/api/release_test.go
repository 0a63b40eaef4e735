package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/store"
)

// spin is a journey that loops within one instant through a stage
// trigger: the engine halts it.
const spin = `
journey spin
entry on ping
stage Cold {
  tag "hot"
}
stage Warm when has_tag("hot") {
  untag "hot"
  goto Cold
}
`

func TestRelease(t *testing.T) {
	e := newEnv(t, nil)
	e.dep = compile(t, map[string][]byte{"schema.journey": []byte(schema), "spin.journey": []byte(spin)}, nil)
	e.do("POST", "/v1/events", `{"id": "e1", "contact": "c1", "name": "ping"}`).want(t, 202)
	e.advance(time.Minute)
	halted := func() []any {
		h, _ := e.do("GET", "/v1/contacts/c1", "").want(t, 200).body["halted"].([]any)
		return h
	}
	if h := halted(); len(h) != 1 || h[0].(map[string]any)["journey"] != "spin" {
		t.Fatalf("halted: %v", h)
	}

	e.do("POST", "/v1/contacts/nobody/release", `{}`).wantError(t, 404, "not_found", "id")
	e.do("POST", "/v1/contacts/%FF/release", `{}`).wantError(t, 400, "bad_value", "id")
	e.do("POST", "/v1/contacts/c1/release", `{"journey": "spn"}`).wantError(t, 400, "bad_value", "journey")
	e.do("POST", "/v1/contacts/c1/release", `{"journey": 5}`).wantError(t, 400, "wrong_type", "journey")
	e.do("POST", "/v1/contacts/c1/release", `{"journy": "spin"}`).wantError(t, 400, "unknown_field", "journy")
	e.do("POST", "/v1/contacts/c1/release", `[]`).wantError(t, 400, "wrong_type", "")
	e.do("GET", "/v1/contacts/c1/release", "").wantError(t, 405, "method_not_allowed", "")

	r := e.do("POST", "/v1/contacts/c1/release", `{"journey": "spin"}`).want(t, 202)
	if r.body["id"] != "c1" || r.body["journey"] != "spin" {
		t.Fatalf("answer: %s", r.raw)
	}
	e.advance(2 * time.Minute)
	recs, err := e.store.History(context.Background(), &store.HistoryParams{Contact: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, rec := range recs {
		kinds[rec.Kind]++
	}
	if kinds["released"] != 1 || kinds["halted"] != 2 || len(halted()) != 1 {
		t.Fatalf("after the release, the history holds %v; halted %v", kinds, halted())
	}
}
