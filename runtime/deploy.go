package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"strconv"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/stdlib"
)

// Deployment is a verified bundle whose conditions are planned, once, into
// CEL programs: what the engine runs. It is safe for concurrent use.
type Deployment struct {
	Manifest compiler.Manifest
	Program  *compiler.Program
	Bundle   []byte // the bundle it was loaded from, when it was: what a runner deploys to the store
	Budget   SendBudget
	journeys map[string]*Journey
	order    []*Journey
	earlier  map[versionKey]*Journey // the earlier versions WithVersions planned
	known    map[versionKey]bool     // every version WithVersions was given; nil: it was not called
	payloads map[string]bool         // the events whose payloads the history keeps (KeepsPayload)
	rules    *Journey                // the programs of the workspace's rules' conditions and values (rule.go)
	holidays stdlib.Holidays         // the workspace's holidays, which business days skip
	texts    *texts                  // the texts of sends, notifies and tasks, parsed once (texts.go)
}

// KeepsPayload reports whether the contact's history keeps the payload of
// an event of the kind: a filtered count of one of the deployment's
// journeys reads it. Other events are kept with their name and time only.
func (d *Deployment) KeepsPayload(event string) bool { return d.payloads[event] }

// SendBudget is the workspace's send budget (rule 11): at most Sends sends
// to one contact in any period of Per, over all its journeys; a send beyond
// it is skipped and recorded over_budget. Sends 0 is no budget.
type SendBudget struct {
	Sends int
	Per   time.Duration
}

// DefaultBudget is the send budget of a workspace that declares none.
var DefaultBudget = SendBudget{Sends: 20, Per: 24 * time.Hour}

// budget is the send budget a program declares: none for `budget off`,
// DefaultBudget when it declares none.
func budget(b *compiler.Budget) SendBudget {
	switch {
	case b == nil:
		return DefaultBudget
	case b.Off:
		return SendBudget{}
	}
	return SendBudget{Sends: b.Sends, Per: time.Duration(b.Per)}
}

// versionKey names a version of a journey.
type versionKey struct{ journey, version string }

// Journey is a compiled journey with a program for each condition, and
// what the engine asks of it on every run, worked out once.
type Journey struct {
	*compiler.Journey
	programs    map[*compiler.Cond]cel.Program
	costLimit   uint64                       // the cost beyond which an evaluation stops (cel.CostLimit)
	blocks      map[string][]*compiler.Step  // by block identity: stage name, or step identity and branch
	order       map[string]int               // step identity → position in written order
	condEntries []condEntry                  // the entries without an event (`entry when EXPR`), in order
	timedStage  []bool                       // by stage: a trigger that depends on time
	wakes       map[*compiler.Cond]*wakeNode // the time-dependent conditions' wake-up analysis (wake.go)
}

// condEntry is an `entry when EXPR`: it fires when its condition becomes
// true.
type condEntry struct {
	when *compiler.Cond
	key  string // in ContactState.EntryHeld: "journey#i", i the entry's index
}

// LoadFile reads, verifies and plans the bundle at path.
func LoadFile(path string, opts compiler.ReadOptions) (*Deployment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := Load(data, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Load verifies a bundle (see compiler.ReadBundle) and plans every
// condition of every journey.
func Load(data []byte, opts compiler.ReadOptions) (*Deployment, error) {
	b, err := compiler.ReadBundle(data, opts)
	if err != nil {
		return nil, err
	}
	d, err := NewDeployment(b.Program)
	if err != nil {
		return nil, err
	}
	d.Manifest, d.Bundle = b.Manifest, data
	return d, nil
}

// NewDeployment plans the conditions of a compiled program: for `journey
// test` and other callers that compiled it themselves.
func NewDeployment(p *compiler.Program) (*Deployment, error) {
	d := &Deployment{Program: p, Budget: budget(p.Budget), journeys: map[string]*Journey{}, payloads: map[string]bool{}, texts: newTexts()}
	rules, err := planRules(p)
	if err != nil {
		return nil, err
	}
	d.rules = rules
	if d.holidays, err = stdlib.ParseHolidays(p.Holidays); err != nil {
		return nil, fmt.Errorf("the workspace's holidays: %w", err)
	}
	for _, cj := range p.Journeys {
		for _, c := range cj.Conditions() {
			for _, f := range c.Filters {
				d.payloads[f.Event] = true
			}
		}
		j, err := plan(p, cj)
		if err != nil {
			return nil, err
		}
		d.journeys[cj.Name] = j
		d.order = append(d.order, j)
	}
	return d, nil
}

// plan plans the conditions of one journey with the program's
// environment, and indexes what the engine asks of it.
func plan(p *compiler.Program, cj *compiler.Journey) (*Journey, error) {
	j := &Journey{Journey: cj, programs: map[*compiler.Cond]cel.Program{}, costLimit: compiler.CostLimit, blocks: blocks(cj), order: map[string]int{},
		wakes: map[*compiler.Cond]*wakeNode{}}
	timed := map[*compiler.Cond]bool{}
	if err := j.planConds(p, cj.Conditions(), timed); err != nil {
		return nil, err
	}
	for _, s := range cj.Stages {
		compiler.WalkSteps(s.Steps, func(st *compiler.Step) { j.order[st.ID] = len(j.order) })
	}
	for i, e := range cj.Entries {
		if e.Event == "" && e.When != nil {
			j.condEntries = append(j.condEntries, condEntry{when: e.When, key: cj.Name + "#" + strconv.Itoa(i)})
		}
	}
	for _, s := range cj.Stages {
		t := s.On == "" && s.When != nil && timed[s.When]
		j.timedStage = append(j.timedStage, t)
	}
	return j, nil
}

// planConds plans conditions into j's programs, and the wake-up analysis
// of those that depend on time, which timed records.
func (j *Journey) planConds(p *compiler.Program, conds []*compiler.Cond, timed map[*compiler.Cond]bool) error {
	for _, c := range conds {
		ast, err := c.AST()
		if err != nil {
			return err
		}
		prg, err := p.Env(c.Event).Program(ast, cel.CostLimit(j.costLimit))
		if err != nil {
			return fmt.Errorf("%s: %s: the condition %q does not plan: %w", c.Source, j.what(), c.Text, err)
		}
		j.programs[c] = prg
		if timed[c] = exprTimed(ast.NativeRep().Expr()); timed[c] {
			j.wakes[c] = analyzeWake(p.Env(c.Event), c, ast)
		}
	}
	return nil
}

// what names the journey in a message: the workspace's rules are planned
// as a journey without a name (rule.go).
func (j *Journey) what() string {
	if j.Name == "" {
		return "the workspace's rules"
	}
	return "journey " + j.Name
}

// Journey returns the journey called name, or nil.
func (d *Deployment) Journey(name string) *Journey { return d.journeys[name] }

// Journeys returns the journeys, sorted by name.
func (d *Deployment) Journeys() []*Journey { return d.order }

// WithVersions returns a copy of d that also holds earlier versions of its
// journeys, as the store recorded them (Store.Versions), planned with d's
// program: the engine runs a contact still on one of them when its
// journey drains (`on change drain`), and, when it migrates the contact,
// tells a step new in the version in force from one it had already
// (docs/semantics.md rule 10). Versions of journeys d does not have, and the
// versions in force, are left out; so is a version that no longer
// plans (say its condition reads a field the schema lost), with an error
// naming it: its contacts migrate instead of draining.
func (d *Deployment) WithVersions(vs []JourneyVersion) (*Deployment, error) {
	out := *d
	out.earlier, out.known = map[versionKey]*Journey{}, map[versionKey]bool{}
	var errs []error
	for _, v := range vs {
		k := versionKey{v.Journey, v.Version}
		if out.known[k] {
			continue
		}
		out.known[k] = true
		if cur := d.journeys[v.Journey]; cur == nil || v.Version == cur.Version {
			continue
		}
		j, err := planIR(d.Program, v.IR)
		if err != nil {
			errs = append(errs, fmt.Errorf("journey %s version %s: %w", v.Journey, v.Version, err))
			continue
		}
		out.earlier[k] = j
	}
	return &out, errors.Join(errs...)
}

// planIR plans a journey's IR as the store recorded it.
func planIR(p *compiler.Program, ir []byte) (*Journey, error) {
	cj, err := compiler.DecodeJourney(ir)
	if err != nil {
		return nil, err
	}
	return plan(p, cj)
}

// Ahead reports whether the contact is enrolled in one of d's journeys
// under a version d does not know, when d knows the versions recorded
// (WithVersions): one that another runner put in force after d was
// loaded. A runner running d leaves such a contact to a runner that
// knows its version (or to itself once it has caught up), rather than
// move it back to an older version.
func (d *Deployment) Ahead(s *ContactState) bool {
	if d.known == nil {
		return false
	}
	for _, en := range s.Enrollments {
		if en.Status != StatusActive {
			continue
		}
		if j := d.journeys[en.Journey]; j != nil && en.Version != j.Version && !d.known[versionKey{en.Journey, en.Version}] {
			return true
		}
	}
	return false
}

// Earlier returns an earlier version of a journey that WithVersions added,
// or nil.
func (d *Deployment) Earlier(name, version string) *Journey {
	return d.earlier[versionKey{name, version}]
}

// Drains returns the earlier version of j that runs en, which started on
// it, when j drains (`on change drain`) and d holds that version; else nil:
// en runs on j, migrated to it first if need be.
func (d *Deployment) Drains(j *Journey, en *Enrollment) *Journey {
	if en.Version == j.Version || j.OnChange != compiler.OnChangeDrain {
		return nil
	}
	return d.Earlier(j.Name, en.Version)
}

// Migrating lists the journeys whose contacts move to the version in
// force, rather than drain.
func (d *Deployment) Migrating() iter.Seq[*Journey] {
	return func(yield func(*Journey) bool) {
		for _, j := range d.order {
			if j.OnChange != compiler.OnChangeDrain && !yield(j) {
				return
			}
		}
	}
}

// Eval evaluates one of the journey's conditions. vars holds the contact's
// fields, and `event` where one is in scope; ctx serves the function
// library and the clock, whose time is also `now`.
func (j *Journey) Eval(c *compiler.Cond, vars map[string]any, ctx stdlib.Context) (ref.Val, error) {
	return j.eval(c, &activation{vars: vars, now: ctx.Now(), ctx: stdlib.NewContextValue(ctx)})
}

// eval evaluates one of the journey's conditions on its variables.
func (j *Journey) eval(c *compiler.Cond, act *activation) (ref.Val, error) {
	prg, ok := j.programs[c]
	if !ok {
		return nil, fmt.Errorf("journey %s: a condition of another journey: %s", j.Name, c.Source)
	}
	out, _, err := prg.Eval(act)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", c.Source, c.Text, err)
	}
	return out, nil
}

// blocks indexes a journey's blocks of steps by identity, as the engine's
// cursors name them.
func blocks(j *compiler.Journey) map[string][]*compiler.Step {
	out := map[string][]*compiler.Step{}
	var add func(id string, steps []*compiler.Step)
	add = func(id string, steps []*compiler.Step) {
		out[id] = steps
		for _, st := range steps {
			for i, b := range st.Branches {
				add(st.ID+"/"+compiler.BranchName(st, i), b.Steps)
			}
			for _, a := range st.Arms {
				add(st.ID+"/"+a.Name, a.Steps)
			}
			if st.Kind == compiler.StepWait {
				add(st.ID+"/body", st.Body)
				add(st.ID+"/timeout", st.Timeout)
			}
		}
	}
	for _, s := range j.Stages {
		add(s.Name, s.Steps)
	}
	return out
}

// JourneyVersion is a recorded version of a journey: its compiled form,
// as the bundle holds it.
type JourneyVersion struct {
	Journey string
	Version string
	IR      json.RawMessage
	At      time.Time // when it was first recorded
}

// BundleDigest is the digest a deployment is known by: the SHA-256 of
// the bundle, in hex.
func BundleDigest(bundle []byte) string {
	sum := sha256.Sum256(bundle)
	return hex.EncodeToString(sum[:])
}

// DeployedVersions is the deployment's journeys as versions to record.
func DeployedVersions(d *Deployment) ([]JourneyVersion, error) {
	var out []JourneyVersion
	for _, j := range d.Journeys() {
		ir, err := json.Marshal(j.Journey)
		if err != nil {
			return nil, fmt.Errorf("journey %s: %w", j.Name, err)
		}
		out = append(out, JourneyVersion{Journey: j.Name, Version: j.Version, IR: ir})
	}
	return out, nil
}
