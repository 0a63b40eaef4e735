package plan

// The runs a deploy causes. A runner that puts a deployment in force makes
// due at once every contact enrolled in one of its migrating journeys
// under another version (store.WakeStale); a worker then claims each and
// runs the engine on it at that time with the inputs it has pending, and
// runs it again as long as a run leaves it due at that time (a stage
// entered at the end of a run starts its timeline there, and the steps at
// its start are due at once). Nothing else is woken by a deploy: a
// contact in no journey the deploy changes, or only in journeys that
// drain, meets the new deployment at its next run, whenever an input or
// its own wake-up brings it.
//
// The plan does the same on a copy of each of those contacts, read from
// the store, with no pending input: the engine's Run, at the time planned.
// Each contact is run once, however many of its journeys change, and what
// its runs record is counted in the journey that records it.

import (
	"context"
	"fmt"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// page is how many contact IDs the plan lists at a time.
const page = 500

// maxAdvance bounds the runs of one contact under the deployment in force
// that a plan makes to bring it to the time of the deploy: an hourly
// re-check for more than a year.
const maxAdvance = 10000

// maxRuns bounds the runs of one contact at the time of the deploy that a
// plan makes: a contact still due after them (a journey that moves it
// from stage to stage at once, for ever) is counted as far as they go.
const maxRuns = 100

// waker finds the contacts a deploy wakes and runs them.
type waker struct {
	o      Options
	d      *runtime.Deployment // the deployment planned, with the versions recorded
	eng    *runtime.Engine
	before *runtime.Engine         // the deployment in force, that runs the contacts until the deploy; nil when the store has none
	plans  map[string]*JourneyPlan // by journey: where the runs are counted
	woken  int                     // the contacts run
}

// journey goes through the contacts enrolled in j under another version,
// page by page: it counts them by version, counts those that stay on
// their version (drain) and those the deploy does not run, and runs the
// others, each for the first journey that wakes it. It returns the
// versions.
func (w *waker) journey(ctx context.Context, j *runtime.Journey) (map[string]*From, error) {
	jp := w.plans[j.Name]
	froms := map[string]*From{}
	for after := ""; ; {
		ids, err := w.o.Store.Stale(ctx, &store.StaleParams{Journey: j.Name, Version: j.Version, After: after, Limit: page})
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			s, err := w.o.Store.Contact(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("contact %s: %w", id, err)
			}
			w.advance(s)
			en := s.Active(j.Name)
			if en == nil || en.Version == j.Version {
				continue // changed since it was listed
			}
			f := froms[en.Version]
			if f == nil {
				f = &From{Version: en.Version}
				froms[en.Version] = f
			}
			f.Contacts++
			if w.d.Drains(j, en) != nil {
				// Not woken for j: run only if another journey wakes it.
				jp.add(caseKey{stage: en.Stage, kind: Drain, to: en.Version}, id)
				continue
			}
			if w.d.Ahead(s) {
				// As a runner does: a version of one of its journeys that
				// the store has not recorded is taken for one a newer
				// runner put in force, and the contact is left to it.
				jp.add(caseKey{stage: en.Stage, kind: Ahead, to: en.Version}, id)
				continue
			}
			switch first := w.wakingJourney(s); {
			case first == nil:
				// j drains, but the version does not plan: the contact
				// migrates, at a run the deploy does not bring forward.
				jp.add(caseKey{stage: en.Stage, kind: Later, to: en.Version}, id)
				continue
			case first != j:
				continue // run for the journey that wakes it, and counted in every journey
			}
			w.run(s)
		}
		if len(ids) < page {
			return froms, nil
		}
		after = ids[len(ids)-1]
	}
}

// advance brings s to the time planned as the runner would under the
// deployment in force, if nothing arrives: a run at each of its wake-ups
// before that time, from its last run (which, run again, changes nothing
// and tells its wake-up). What those runs do is not counted: it is not the
// deploy's doing.
func (w *waker) advance(s *runtime.ContactState) {
	if w.before == nil || s.Processed.IsZero() {
		return
	}
	for t, n := s.Processed, 0; t.Before(w.o.Now) && n < maxAdvance; n++ {
		t = w.before.Run(s, nil, t).Wake
		if t.IsZero() {
			return
		}
	}
}

// wakingJourney is the first migrating journey the contact is enrolled in under
// another version, which wakes it at the deploy (store.WakeStale); nil
// when none does.
func (w *waker) wakingJourney(s *runtime.ContactState) *runtime.Journey {
	for k := range w.d.Migrating() {
		if en := s.Active(k.Name); en != nil && en.Version != k.Version {
			return k
		}
	}
	return nil
}

// run runs a woken contact's copy and counts what its runs do, in each
// journey against the stage the contact was in before.
func (w *waker) run(s *runtime.ContactState) {
	w.woken++
	before := map[string]string{}
	for _, en := range s.Enrollments {
		if en.Status == runtime.StatusActive {
			before[en.Journey] = en.Stage
		}
	}
	recs, acts := runs(w.eng, s, w.o.Now)
	for _, rec := range recs {
		if jp := w.plans[rec.Journey]; jp != nil {
			jp.addRecord(rec, before[rec.Journey])
		}
	}
	for _, a := range acts {
		if jp := w.plans[a.Journey]; jp != nil {
			jp.addAction(a)
		}
	}
}

// runs runs the engine on s at now with no new input, as the runner does
// with a contact a deploy woke, and again while a run leaves it due at
// now (at most maxRuns times), and returns what the runs record and
// write to the outbox. It changes s: give it a copy.
func runs(eng *runtime.Engine, s *runtime.ContactState, now time.Time) ([]runtime.Record, []runtime.Action) {
	var recs []runtime.Record
	var acts []runtime.Action
	for range maxRuns {
		out := eng.Run(s, nil, now)
		recs = append(recs, out.Records...)
		acts = append(acts, out.Actions...)
		if out.Wake.IsZero() || out.Wake.After(now) {
			break
		}
	}
	return recs, acts
}
