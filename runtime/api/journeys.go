package api

import (
	"fmt"
	"net/http"
	"sort"
)

// Journeys is the answer to GET /v1/journeys.
type Journeys struct {
	Compiler     string        `json:"compiler,omitempty"`      // the compiler that made the bundle
	SchemaDigest string        `json:"schema_digest,omitempty"` // the bundle's schema digest
	Journeys     []JourneyInfo `json:"journeys"`
	// ReloadError holds the diagnostics of the last change to the sources
	// or bundle, when it failed to load: the journeys above are then the
	// ones in force before it.
	ReloadError string `json:"reload_error,omitempty"`
}

// JourneyInfo is a loaded journey.
type JourneyInfo struct {
	Name    string      `json:"name"`
	Title   string      `json:"title,omitempty"`
	Version string      `json:"version"`
	File    string      `json:"file,omitempty"`
	Stages  []StageInfo `json:"stages"`
	Active  *int        `json:"active,omitempty"` // contacts in the journey, when counts are available
}

// StageInfo is a stage of a loaded journey.
type StageInfo struct {
	Name     string `json:"name"`
	Contacts *int   `json:"contacts,omitempty"` // contacts in the stage, when counts are available
	Removed  bool   `json:"removed,omitempty"`  // a stage the loaded version lacks, still holding contacts
}

func (s *Server) getJourneys(w http.ResponseWriter, r *http.Request) {
	d := s.deployment(w, r)
	if d == nil {
		return
	}
	var counts map[string]map[string]int
	if s.cfg.Counts != nil {
		var err error
		if counts, err = s.cfg.Counts(r.Context()); err != nil {
			s.unavailable(w, r, fmt.Errorf("counting contacts by stage: %w", err))
			return
		}
		s.stored()
		if counts == nil {
			counts = map[string]map[string]int{}
		}
	}
	out := &Journeys{Compiler: d.Manifest.Compiler, SchemaDigest: d.Manifest.SchemaDigest, Journeys: []JourneyInfo{}}
	if s.cfg.ReloadError != nil {
		out.ReloadError = s.cfg.ReloadError()
	}
	for _, j := range d.Journeys() {
		info := JourneyInfo{Name: j.Name, Title: j.Title, Version: j.Version, File: j.Source.File, Stages: []StageInfo{}}
		declared := map[string]bool{}
		byStage := counts[j.Name]
		total := 0
		for _, st := range j.Stages {
			declared[st.Name] = true
			si := StageInfo{Name: st.Name}
			if counts != nil {
				n := byStage[st.Name]
				si.Contacts, total = &n, total+n
			}
			info.Stages = append(info.Stages, si)
		}
		var removed []string
		for name, n := range byStage {
			if !declared[name] && n > 0 {
				removed = append(removed, name)
			}
		}
		sort.Strings(removed)
		for _, name := range removed {
			n := byStage[name]
			info.Stages = append(info.Stages, StageInfo{Name: name, Contacts: &n, Removed: true})
			total += n
		}
		if counts != nil {
			info.Active = &total
		}
		out.Journeys = append(out.Journeys, info)
	}
	writeJSON(w, http.StatusOK, out)
}
