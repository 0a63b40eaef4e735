// Package plan works out, before a deploy, what it will do to the contacts
// in flight: `journey plan`. For each journey whose version changes it
// diffs the stages and steps of the versions contacts are on against the
// new one. Then it does what the runner does once the deploy is in force:
// it takes every contact the deploy wakes (those enrolled in a migrating
// journey under another version, as store.WakeStale finds them) and runs
// the engine (Engine.Run, the runner's own code) on a copy of each at the
// time of the deploy, with no new input, again while a run leaves it due
// at that time. It counts what those runs record, per journey, per stage
// the contact was in before and per step — the migration's cases of
// docs/semantics.md rule 10, and the exits, goals, stage moves and entries that
// follow — and the actions they write to the outbox. It reads the store
// and changes nothing.
//
// The counts are what the runner records at the deploy, if nothing else
// changes in between: Tally counts the runner's history and outbox the
// same way, so the two can be compared.
package plan

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// Options are what a plan reads.
type Options struct {
	Store      store.Store
	Deployment *runtime.Deployment // the deployment to plan
	Now        time.Time           // when the deploy would happen
	Examples   int                 // contact IDs kept per case
}

// Plan is what a deploy would do, journey by journey.
type Plan struct {
	At       time.Time      `json:"at"`
	Woken    int            `json:"woken"`            // the contacts the deploy wakes, whose runs at At are counted
	Journeys []*JourneyPlan `json:"journeys"`         // the journeys that change, or that those runs act in, by name
	Errors   []string       `json:"errors,omitempty"` // earlier versions that could not be planned: their contacts migrate rather than drain
}

// Policies for contacts in flight.
const (
	Migrate = "migrate"
	Drain   = "drain"
	// Ahead is the case of contacts the runner leaves as they are: one of
	// their enrollments is under a version the store has not recorded
	// (see runtime.Deployment.Ahead).
	Ahead = "ahead"
	// Later is the case of contacts of a journey that drains, on a version
	// that no longer plans: they migrate, but at their next run, which the
	// deploy does not bring forward.
	Later = "later"
)

// JourneyPlan is one journey's change, and what the runs at the deploy do
// in it.
type JourneyPlan struct {
	Journey   string        `json:"journey"`
	Version   string        `json:"version"` // the version deployed
	OnChange  string        `json:"on_change"`
	New       bool          `json:"new,omitempty"`       // no version of the journey was recorded before
	Unchanged bool          `json:"unchanged,omitempty"` // the version is the one in force: listed for what the runs at the deploy do in it
	From      []*From       `json:"from,omitempty"`
	Cases     []*Case       `json:"cases,omitempty"`
	Actions   []*ActionCase `json:"actions,omitempty"` // what the runs at the deploy write to the outbox, by step
	Totals    Totals        `json:"totals"`

	byCase   caseTotals // while counting
	byAction actionTotals
	stages   map[string]bool // the stages of the version deployed
	examples int
}

// From is an earlier version of the journey: how many contacts are on it,
// and how it differs from the one deployed.
type From struct {
	Version  string    `json:"version"`
	Contacts int       `json:"contacts"`
	Changes  []*Change `json:"changes,omitempty"` // empty when the version was not recorded
	Unknown  bool      `json:"unknown,omitempty"` // the store has no record of this version
}

// Change kinds.
const (
	Added   = "added"
	Removed = "removed"
	Moved   = "moved"   // a step's offset changed
	Changed = "changed" // anything else about a stage or step
)

// Change is one difference between two versions: a rule of the journey
// (Rule), a stage, or a step of a stage.
type Change struct {
	Kind  string `json:"kind"`
	Rule  string `json:"rule,omitempty"` // for a rule: RuleEntry, RuleExit, RuleGoal, RuleSuppress, RuleWindow, RuleCap or RuleReenter
	Name  string `json:"name,omitempty"` // for a goal: its name
	Cond  string `json:"cond,omitempty"` // for an entry ("on EVENT when COND"), exit, goal or suppress rule: its condition
	Stage string `json:"stage"`          // "" for a rule
	Step  string `json:"step,omitempty"` // the step's identity; empty for the stage itself
	From  string `json:"from,omitempty"` // for moved: the old offset
	To    string `json:"to,omitempty"`   // for moved: the new offset
}

// Make plans the deployment against the store.
func Make(ctx context.Context, o Options) (*Plan, error) {
	p := &Plan{At: o.Now, Journeys: []*JourneyPlan{}}
	inForce, err := deployed(ctx, o.Store)
	if err != nil {
		return nil, err
	}
	recorded, err := store.RecordedVersions(ctx, o.Store, o.Deployment)
	if err != nil {
		return nil, err
	}
	d, err := o.Deployment.WithVersions(recorded)
	if err != nil {
		p.Errors = strings.Split(err.Error(), "\n")
	}
	plans := map[string]*JourneyPlan{}
	for _, j := range d.Journeys() {
		plans[j.Name] = newJourneyPlan(j.Journey, o.Examples)
	}
	w := &waker{o: o, d: d, eng: &runtime.Engine{Deployment: d}, plans: plans}
	if inForce != nil {
		w.before = &runtime.Engine{Deployment: inForce}
	}
	froms := map[string]map[string]*From{}
	for _, j := range d.Journeys() {
		if froms[j.Name], err = w.journey(ctx, j); err != nil {
			return nil, err
		}
	}
	p.Woken = w.woken
	for _, j := range d.Journeys() {
		jp, fs := plans[j.Name], froms[j.Name]
		if j.OnChange == compiler.OnChangeDrain {
			jp.OnChange = Drain
		}
		latest := latestVersion(recorded, j.Name)
		jp.New = latest == ""
		// The version in force in the store, when no contact is on it:
		// the diff still shows. Without a deployment in force, the last
		// version recorded.
		cur := latest
		if inForce != nil {
			if in := inForce.Journey(j.Name); in != nil {
				cur = in.Version
			}
		}
		if cur != "" && cur != j.Version && fs[cur] == nil {
			fs[cur] = &From{Version: cur}
		}
		if len(fs) == 0 && !jp.New {
			if len(jp.byCase) == 0 && len(jp.byAction) == 0 {
				continue // unchanged, and untouched
			}
			jp.Unchanged = true
		}
		for _, v := range slices.Sorted(maps.Keys(fs)) {
			f := fs[v]
			if old := d.Earlier(j.Name, v); old != nil {
				f.Changes = Diff(old.Journey, j.Journey)
			} else {
				f.Unknown = true
			}
			jp.From = append(jp.From, f)
		}
		jp.finish(j.Journey)
		p.Journeys = append(p.Journeys, jp)
	}
	return p, nil
}

// newJourneyPlan starts the plan of one journey, keeping examples contact
// IDs per case.
func newJourneyPlan(j *compiler.Journey, examples int) *JourneyPlan {
	jp := &JourneyPlan{Journey: j.Name, Version: j.Version, OnChange: Migrate,
		byCase: caseTotals{}, byAction: actionTotals{}, stages: map[string]bool{}, examples: examples}
	for _, s := range j.Stages {
		jp.stages[s.Name] = true
	}
	return jp
}

// latestVersion is the journey's last recorded version, or "".
func latestVersion(vs []runtime.JourneyVersion, journey string) string {
	last := ""
	for _, v := range vs { // oldest first
		if v.Journey == journey {
			last = v.Version
		}
	}
	return last
}

// deployed is the store's deployment in force, with the versions of its
// journeys recorded, or nil when there is none: what the runners run
// until the deploy.
func deployed(ctx context.Context, s store.Store) (*runtime.Deployment, error) {
	db, err := s.Deployed(ctx, &store.DeployedParams{})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d, err := runtime.Load(db.Bundle, compiler.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("the deployment in force (%d): %w", db.ID, err)
	}
	recorded, err := store.RecordedVersions(ctx, s, d)
	if err != nil {
		return nil, err
	}
	// As a runner does, a version that no longer plans is left out: its
	// contacts migrate.
	d, _ = d.WithVersions(recorded)
	return d, nil
}
