package runtime

// Halting (docs/semantics.md rule 11): what the checker cannot prove, the engine
// guards. A journey that takes more than MaxSteps steps in one run for a
// contact, or one of whose conditions goes over its cost limit, is halted
// for that contact: recorded, kept in ContactState.Halted, and left as it
// is — no entry, no condition, no step — while the contact's other
// journeys and its inputs go on. The halt ends with a new version of the
// journey or an operator's release (an InputRelease), and the journey
// takes up where it stopped.

import (
	"iter"
	"slices"
	"time"
)

// running yields the deployment's journeys that are not halted for the
// contact, in order of name.
func (r *run) running() iter.Seq[*Journey] {
	return func(yield func(*Journey) bool) {
		for _, j := range r.e.Deployment.Journeys() {
			if r.s.Halted[j.Name] == nil && !yield(j) {
				return
			}
		}
	}
}

// halted reports whether a journey is halted for the contact.
func (r *run) halted(j *Journey) bool { return r.s.Halted[j.Name] != nil }

// halt stops running a journey for the contact at t: step is the step
// that was due, or the position of the condition that went over its cost.
func (r *run) halt(j *Journey, t time.Time, step, reason string) {
	if r.halted(j) {
		return
	}
	en := r.s.Active(j.Name)
	version := j.Version
	if en != nil {
		version = en.Version
	}
	if r.s.Halted == nil {
		r.s.Halted = map[string]*Halt{}
	}
	r.s.Halted[j.Name] = &Halt{Version: version, At: t, Step: step, Reason: reason}
	r.record(j, en, t, RecHalted, step, reason)
}

// release ends the halt of a journey (every halted journey when journey
// is "") at t.
// The workspace's rules, halted together under no journey's name, are
// released with every journey.
func (r *run) release(t time.Time, journey, why string) {
	for _, j := range r.withRules() {
		if r.halted(j) && (journey == "" || journey == j.Name) {
			delete(r.s.Halted, j.Name)
			r.record(j, r.s.Active(j.Name), t, RecReleased, "", why)
		}
	}
}

// withRules is the deployment's journeys, then the journey that holds its
// rules (rule.go).
func (r *run) withRules() []*Journey {
	js := r.e.Deployment.Journeys()
	if rl := r.e.Deployment.rules; rl != nil {
		js = append(slices.Clone(js), rl)
	}
	return js
}

// releaseChanged ends the halts of journeys deployed in a version other
// than the one halted.
func (r *run) releaseChanged(t time.Time) {
	for _, j := range r.withRules() {
		if h := r.s.Halted[j.Name]; h != nil && h.Version != j.Version {
			delete(r.s.Halted, j.Name)
			r.record(j, r.s.Active(j.Name), t, RecReleased, "", "new version")
		}
	}
}
