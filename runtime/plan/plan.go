// Package plan works out, before a deploy, what it will do to the contacts
// in flight: `journey plan`. For each journey whose version changes it
// diffs the stages and steps of the versions contacts are on against the
// new one, and runs the engine's migration (DESIGN.md "Meaning", rule 10)
// on a copy of every contact enrolled under another version, counting the
// cases per stage and step. It reads the store and changes nothing.
//
// The counts are what the runner's first run of each contact under the new
// version records, if nothing else changes in between: Tally counts the
// runner's history the same way, so the two can be compared.
package plan

import (
	"cmp"
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
	Journeys []*JourneyPlan `json:"journeys"`         // the journeys that change, by name
	Errors   []string       `json:"errors,omitempty"` // earlier versions that could not be read: their contacts are planned as if they were unknown
}

// Policies for contacts in flight.
const (
	Migrate = "migrate"
	Drain   = "drain"
)

// JourneyPlan is one journey's change.
type JourneyPlan struct {
	Journey  string     `json:"journey"`
	Version  string     `json:"version"` // the version deployed
	OnChange string     `json:"on_change"`
	New      bool       `json:"new,omitempty"` // no version of the journey was recorded before
	From     []*From    `json:"from,omitempty"`
	Cases    []*Case    `json:"cases,omitempty"`
	byCase   caseTotals // while counting
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

// Change is one difference between two versions: a stage, or a step of a
// stage.
type Change struct {
	Kind  string `json:"kind"`
	Stage string `json:"stage"`
	Step  string `json:"step,omitempty"` // the step's identity; empty for the stage itself
	From  string `json:"from,omitempty"` // for moved: the old offset
	To    string `json:"to,omitempty"`   // for moved: the new offset
}

// Case is one case of rule 10 and the contacts in it: Kind is a record
// kind (runtime.RecMigrated, RecCancelled, RecRescheduled, RecScheduled,
// RecSkipped, RecStage for a move out of a removed stage, RecExited), or
// Drain for contacts left on their version.
type Case struct {
	Stage    string   `json:"stage"`          // the contact's stage before the deploy
	Step     string   `json:"step,omitempty"` // the step, for step cases
	Kind     string   `json:"kind"`
	To       string   `json:"to,omitempty"` // for a stage move: where to; for drain: the version kept
	Contacts int      `json:"contacts"`
	Examples []string `json:"examples,omitempty"` // the first contact IDs, in order
}

type caseKey struct{ stage, step, kind, to string }

type caseTotals map[caseKey]*Case

// Make plans the deployment against the store.
func Make(ctx context.Context, o Options) (*Plan, error) {
	p := &Plan{At: o.Now, Journeys: []*JourneyPlan{}}
	inForce, err := deployedVersions(ctx, o.Store)
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
	for _, j := range d.Journeys() {
		jp := &JourneyPlan{Journey: j.Name, Version: j.Version, OnChange: Migrate, byCase: caseTotals{}, examples: o.Examples}
		if j.OnChange == compiler.OnChangeDrain {
			jp.OnChange = Drain
		}
		latest := latestVersion(recorded, j.Name)
		jp.New = latest == ""
		froms, err := jp.contacts(ctx, o, d, j)
		if err != nil {
			return nil, err
		}
		// The version in force in the store, when no contact is on it:
		// the diff still shows. Without a deployment in force, the last
		// version recorded.
		cur, ok := inForce[j.Name]
		if !ok {
			cur = latest
		}
		if cur != "" && cur != j.Version && froms[cur] == nil {
			froms[cur] = &From{Version: cur}
		}
		if len(froms) == 0 && !jp.New {
			continue // unchanged
		}
		for _, v := range slices.Sorted(maps.Keys(froms)) {
			f := froms[v]
			if old := d.Earlier(j.Name, v); old != nil {
				f.Changes = Diff(old.Journey, j.Journey)
			} else {
				f.Unknown = true
			}
			jp.From = append(jp.From, f)
		}
		jp.Cases = jp.byCase.sorted(stepOrder(j.Journey))
		p.Journeys = append(p.Journeys, jp)
	}
	return p, nil
}

// contacts counts the cases of the contacts enrolled in j under another
// version, page by page, and returns those versions.
func (jp *JourneyPlan) contacts(ctx context.Context, o Options, d *runtime.Deployment, j *runtime.Journey) (map[string]*From, error) {
	const page = 500
	eng := &runtime.Engine{Deployment: d}
	froms := map[string]*From{}
	for after := ""; ; {
		ids, err := o.Store.Stale(ctx, &store.StaleParams{Journey: j.Name, Version: j.Version, After: after, Limit: page})
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			s, err := o.Store.Contact(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("contact %s: %w", id, err)
			}
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
			stage := en.Stage // before the migration moves it
			if d.Drains(j, en) != nil {
				jp.add(caseKey{stage: stage, kind: Drain, to: en.Version}, id)
				continue
			}
			jp.count(eng.Migrate(s, o.Now), map[string]string{id: stage})
		}
		if len(ids) < page {
			return froms, nil
		}
		after = ids[len(ids)-1]
	}
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

// migrationKinds are the records a migration makes: what Tally counts.
var migrationKinds = map[string]bool{
	runtime.RecMigrated: true, runtime.RecCancelled: true, runtime.RecRescheduled: true,
	runtime.RecScheduled: true, runtime.RecSkipped: true, runtime.RecStage: true, runtime.RecExited: true,
}

// count adds one contact's migration records; stages gives each contact's
// stage before it.
func (jp *JourneyPlan) count(recs []runtime.Record, stages map[string]string) {
	for _, rec := range recs {
		if rec.Journey != jp.Journey || !migrationKinds[rec.Kind] {
			continue
		}
		k := caseKey{stage: stages[rec.Contact], step: rec.Step, kind: rec.Kind}
		switch rec.Kind {
		case runtime.RecStage, runtime.RecExited:
			k.step, k.to = "", rec.Detail
		}
		jp.add(k, rec.Contact)
	}
}

func (jp *JourneyPlan) add(k caseKey, contact string) {
	c := jp.byCase[k]
	if c == nil {
		c = &Case{Stage: k.stage, Step: k.step, Kind: k.kind, To: k.to}
		jp.byCase[k] = c
	}
	c.Contacts++
	if len(c.Examples) < jp.examples {
		c.Examples = append(c.Examples, contact)
	}
}

// sorted lists the cases by stage, then step (in the order of order, the
// steps it lacks after, by identity), kind and destination.
func (t caseTotals) sorted(order map[string]int) []*Case {
	out := slices.Collect(maps.Values(t))
	rank := func(step string) int {
		if i, ok := order[step]; ok {
			return i
		}
		return len(order)
	}
	slices.SortFunc(out, func(a, b *Case) int {
		return cmp.Or(cmp.Compare(a.Stage, b.Stage), cmp.Compare(rank(a.Step), rank(b.Step)), cmp.Compare(a.Step, b.Step),
			cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]), cmp.Compare(a.To, b.To))
	})
	for _, c := range out {
		slices.Sort(c.Examples)
	}
	return out
}

var kindOrder = map[string]int{
	runtime.RecMigrated: 0, Drain: 1, runtime.RecStage: 2, runtime.RecExited: 3,
	runtime.RecCancelled: 4, runtime.RecRescheduled: 5, runtime.RecScheduled: 6, runtime.RecSkipped: 7,
}

// Tally counts records of migrations to version j the way Make does, for
// comparing a plan with what a runner did: records holds the history
// lines the runner wrote at the deploy, stages each contact's stage
// before it, and examples how many contact IDs to keep per case (all when
// < 0).
func Tally(j *compiler.Journey, records []runtime.Record, stages map[string]string, examples int) []*Case {
	if examples < 0 {
		examples = int(^uint(0) >> 1)
	}
	jp := &JourneyPlan{Journey: j.Name, byCase: caseTotals{}, examples: examples}
	jp.count(records, stages)
	return jp.byCase.sorted(stepOrder(j))
}

// stepOrder numbers a journey's steps in written order, after the stage
// itself ("").
func stepOrder(j *compiler.Journey) map[string]int {
	order := map[string]int{"": 0}
	for _, s := range j.Stages {
		compiler.WalkSteps(s.Steps, func(st *compiler.Step) { order[st.ID] = len(order) })
	}
	return order
}

// deployedVersions is the version of each journey of the store's
// deployment in force, or nothing when there is none.
func deployedVersions(ctx context.Context, s store.Store) (map[string]string, error) {
	out := map[string]string{}
	db, err := s.Deployed(ctx, &store.DeployedParams{})
	if errors.Is(err, store.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := compiler.ReadBundle(db.Bundle, compiler.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("the deployment in force (%d): %w", db.ID, err)
	}
	for _, j := range b.Program.Journeys {
		out[j.Name] = j.Version
	}
	return out, nil
}
