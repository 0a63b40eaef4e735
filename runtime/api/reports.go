package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime/report"
	"github.com/journeylang/journey/runtime/store"
)

// getReports answers GET /v1/reports: the report of every journey
// (docs/reports.md), of the enrollments that began in [since, until).
func (s *Server) getReports(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.readReport(w, r, "")
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// getReport answers GET /v1/reports/{journey}: one journey's readings,
// 404 for a journey neither the deployment in force nor the store's
// enrollments know.
func (s *Server) getReport(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("journey")
	rep, ok := s.readReport(w, r, name)
	if !ok {
		return
	}
	j := rep.Journey(name)
	if j == nil {
		s.fail(w, r, http.StatusNotFound, &FieldError{Field: "journey", Code: CodeNotFound, Message: fmt.Sprintf("no journey %q", name)})
		return
	}
	writeJSON(w, http.StatusOK, &JourneyReport{Since: rep.Since, Until: rep.Until, Journey: j})
}

// JourneyReport is the answer to GET /v1/reports/{journey}: the scope, and
// the journey's readings as in a whole report.
type JourneyReport struct {
	Since *time.Time `json:"since"`
	Until *time.Time `json:"until"`
	*report.Journey
}

// readReport reads the report of journey ("" for every journey) for the
// query's since and until, its stages in the order of the deployment in
// force (when one is loaded), or answers 400 or 503 and returns false.
func (s *Server) readReport(w http.ResponseWriter, r *http.Request, journey string) (*report.Report, bool) {
	p := &store.ReportParams{Journey: journey, Now: s.cfg.Clock()}
	q := r.URL.Query()
	for _, b := range []struct {
		field string
		t     *time.Time
	}{{"since", &p.Since}, {"until", &p.Until}} {
		if !q.Has(b.field) {
			continue
		}
		t, err := report.ParseTime(q.Get(b.field))
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, &FieldError{Field: b.field, Code: CodeBadValue, Message: err.Error()})
			return nil, false
		}
		*b.t = t
	}
	if !p.Since.IsZero() && !p.Until.IsZero() && !p.Until.After(p.Since) {
		s.fail(w, r, http.StatusBadRequest, &FieldError{Field: "until", Code: CodeBadValue, Message: "until must be after since"})
		return nil, false
	}
	var journeys []*compiler.Journey
	if d := s.cfg.Deployment(); d != nil {
		for _, j := range d.Journeys() {
			if journey == "" || j.Name == journey {
				journeys = append(journeys, j.Journey)
			}
		}
	}
	counts, err := s.cfg.Store.Report(r.Context(), p)
	if err != nil {
		s.unavailable(w, r, fmt.Errorf("reading the report: %w", err))
		return nil, false
	}
	s.stored()
	return report.Build(counts, report.Options{Since: p.Since, Until: p.Until, Layout: report.LayoutOf(journeys)}), true
}
