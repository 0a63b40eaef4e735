package api_test

import (
	"testing"
	"time"

	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestReports reads the report of storetest's report history through the
// API on every store: whole, by journey, by time, and with bad bounds.
// The figures themselves are checked by storetest; here, their routes.
func TestReports(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		end, _ := storetest.ReportHistory(t, st)
		e := newEnvOn(t, st, func(c *api.Config) { c.Clock = func() time.Time { return end } })

		// The whole report: promo, which has enrollments, and the
		// deployment's lead_nurture, which has none, its stages in order.
		r := e.do("GET", "/v1/reports", "").want(t, 200)
		byName := map[string]map[string]any{}
		for _, j := range r.body["journeys"].([]any) {
			j := j.(map[string]any)
			byName[j["journey"].(string)] = j
		}
		if len(byName) != 2 || byName["promo"]["enrolled"] != 10.0 || byName["lead_nurture"]["enrolled"] != 0.0 {
			t.Fatalf("journeys %v", r.raw)
		}
		var stages []string
		for _, s := range byName["lead_nurture"]["stages"].([]any) {
			stages = append(stages, s.(map[string]any)["stage"].(string))
		}
		if len(stages) != 2 || stages[0] != "Awareness" || stages[1] != "Consideration" {
			t.Errorf("lead_nurture's stages %v, want [Awareness Consideration]", stages)
		}
		if r.body["since"] != nil || r.body["until"] != nil {
			t.Errorf("since %v until %v, want null", r.body["since"], r.body["until"])
		}

		// One journey, from a date on: the second week's two.
		r = e.do("GET", "/v1/reports/promo?since=2026-01-12", "").want(t, 200)
		if r.body["journey"] != "promo" || r.body["enrolled"] != 2.0 || r.body["since"] != "2026-01-12T00:00:00Z" || r.body["until"] != nil {
			t.Errorf("promo since 2026-01-12: %s", r.raw)
		}
		r = e.do("GET", "/v1/reports/promo?until=2026-01-12T09:00:00Z", "").want(t, 200)
		if r.body["enrolled"] != 8.0 {
			t.Errorf("promo until the second week: %s", r.raw)
		}
		r = e.do("GET", "/v1/reports/lead_nurture", "").want(t, 200)
		if r.body["enrolled"] != 0.0 {
			t.Errorf("lead_nurture: %s", r.raw)
		}

		e.do("GET", "/v1/reports/nosuch", "").wantError(t, 404, api.CodeNotFound, "journey")
		e.do("GET", "/v1/reports?since=yesterday", "").wantError(t, 400, api.CodeBadValue, "since")
		e.do("GET", "/v1/reports/promo?until=2026-13-01", "").wantError(t, 400, api.CodeBadValue, "until")
		e.do("GET", "/v1/reports?since=2026-01-12&until=2026-01-05", "").wantError(t, 400, api.CodeBadValue, "until")
		e.do("GET", "/v1/reports?since=", "").wantError(t, 400, api.CodeBadValue, "since")
		e.do("POST", "/v1/reports", "{}").wantError(t, 405, api.CodeMethodNotAllowed, "")
	})
}
