package plan

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
)

// Case is what the runs at the deploy record of some contacts in one
// journey: Kind is a history record kind — the migration's
// (runtime.RecMigrated, RecCancelled, RecRescheduled, RecScheduled,
// RecSkipped; RecStage and RecExited for a contact whose stage is
// removed) and any other the runs make (RecGoal, RecExited, RecStage,
// RecEnrolled, RecSent, …) — or Drain for contacts left on their version,
// or Ahead or Later for contacts the deploy does not run.
type Case struct {
	Stage    string   `json:"stage"`          // the contact's stage before the deploy; "" when it was not in the journey
	Step     string   `json:"step,omitempty"` // the step recorded, if any
	Kind     string   `json:"kind"`
	To       string   `json:"to,omitempty"`       // for a stage move: where to; for an exit: why; for a goal: which; for a branch or arm: which; for drain: the version kept
	Contacts int      `json:"contacts"`           // how many records: one per contact, but for a step that runs twice for one
	Examples []string `json:"examples,omitempty"` // the first contact IDs, in order
}

// ActionCase is what the runs at the deploy write to the outbox from one
// step: sends, notifications, tasks and webhook calls.
type ActionCase struct {
	Step     string   `json:"step"`
	Kind     string   `json:"kind"`   // send, notify, task, webhook
	Target   string   `json:"target"` // template, team, task title, webhook
	Contacts int      `json:"contacts"`
	Examples []string `json:"examples,omitempty"` // the first contact IDs, in order
}

// Totals sums a journey's cases and actions.
type Totals struct {
	Migrated int `json:"migrated"` // enrollments moved to the version deployed
	Entered  int `json:"entered"`  // enrollments begun
	Moved    int `json:"moved"`    // stage moves, out of a removed stage or by a trigger
	Goals    int `json:"goals"`    // goals reached (conversions)
	Exited   int `json:"exited"`   // enrollments ended: goals, exits, stages removed, exit steps
	Actions  int `json:"actions"`  // outbox rows
	Sends    int `json:"sends"`    // the outbox rows that are sends
}

// String writes a case on one line, "STAGE KIND [→TO] [STEP] [CONTACTS]",
// with its example contacts: a compact form to compare and log.
func (c *Case) String() string {
	line := c.Stage + " " + c.Kind
	if c.To != "" {
		line += " →" + c.To
	}
	if c.Step != "" {
		line += " " + c.Step
	}
	return line + " " + fmt.Sprint(c.Examples)
}

type caseKey struct{ stage, step, kind, to string }

type caseTotals map[caseKey]*Case

type actionKey struct{ step, kind, target string }

type actionTotals map[actionKey]*ActionCase

// detailed are the record kinds whose detail tells cases apart; the
// others' details (times, values, errors) vary from contact to contact.
var detailed = map[string]bool{
	runtime.RecStage: true, runtime.RecExited: true, runtime.RecGoal: true,
	runtime.RecBranch: true, runtime.RecArm: true, runtime.RecReleased: true,
}

// addRecord counts one record; stage is the contact's stage in the
// journey before the deploy.
func (jp *JourneyPlan) addRecord(rec runtime.Record, stage string) {
	k := caseKey{stage: stage, step: rec.Step, kind: rec.Kind}
	if detailed[rec.Kind] {
		k.to = rec.Detail
	}
	jp.add(k, rec.Contact)
}

func (jp *JourneyPlan) add(k caseKey, contact string) {
	c := jp.byCase[k]
	if c == nil {
		c = &Case{Stage: k.stage, Step: k.step, Kind: k.kind, To: k.to}
		jp.byCase[k] = c
	}
	c.Contacts++
	c.Examples = keep(c.Examples, contact, jp.examples)
}

// addAction counts one outbox row.
func (jp *JourneyPlan) addAction(a runtime.Action) {
	k := actionKey{step: a.Step, kind: a.Kind, target: a.Target}
	c := jp.byAction[k]
	if c == nil {
		c = &ActionCase{Step: a.Step, Kind: a.Kind, Target: a.Target}
		jp.byAction[k] = c
	}
	c.Contacts++
	c.Examples = keep(c.Examples, a.Contact, jp.examples)
}

// keep adds id to the sorted examples, keeping the first n by ID.
func keep(examples []string, id string, n int) []string {
	i, found := slices.BinarySearch(examples, id)
	if found {
		return examples
	}
	if len(examples) < n {
		return slices.Insert(examples, i, id)
	}
	if i < len(examples) {
		return slices.Insert(examples[:len(examples)-1], i, id)
	}
	return examples
}

// finish sorts the cases and actions of the journey's version j and sums
// them.
func (jp *JourneyPlan) finish(j *compiler.Journey) {
	order := stepOrder(j)
	rank := func(step string) int {
		if i, ok := order[step]; ok {
			return i
		}
		return len(order)
	}
	// By stage, then step (in written order, the steps j lacks after, by
	// identity), kind and destination.
	jp.Cases = slices.SortedFunc(maps.Values(jp.byCase), func(a, b *Case) int {
		return cmp.Or(cmp.Compare(a.Stage, b.Stage), cmp.Compare(rank(a.Step), rank(b.Step)), cmp.Compare(a.Step, b.Step),
			cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.To, b.To))
	})
	jp.Actions = slices.SortedFunc(maps.Values(jp.byAction), func(a, b *ActionCase) int {
		return cmp.Or(cmp.Compare(rank(a.Step), rank(b.Step)), cmp.Compare(a.Step, b.Step), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Target, b.Target))
	})
	jp.Totals = Totals{}
	for _, c := range jp.Cases {
		switch c.Kind {
		case runtime.RecMigrated:
			jp.Totals.Migrated += c.Contacts
		case runtime.RecEnrolled:
			jp.Totals.Entered += c.Contacts
		case runtime.RecStage:
			jp.Totals.Moved += c.Contacts
		case runtime.RecGoal:
			jp.Totals.Goals += c.Contacts
		case runtime.RecExited:
			jp.Totals.Exited += c.Contacts
		}
	}
	for _, a := range jp.Actions {
		jp.Totals.Actions += a.Contacts
		if a.Kind == compiler.StepSend {
			jp.Totals.Sends += a.Contacts
		}
	}
}

// kindOrder is the order of the kinds of cases at one step: first those
// of the enrollment (no step), in the order they happen, then those of a
// step the migration changed; other kinds after, by name.
var kindOrder = []string{
	runtime.RecMigrated, Drain, Ahead, Later, runtime.RecReleased, runtime.RecEnrolled, runtime.RecStage, runtime.RecGoal, runtime.RecExited,
	runtime.RecCancelled, runtime.RecRescheduled, runtime.RecScheduled, runtime.RecSkipped,
}

func kindRank(kind string) int {
	if i := slices.Index(kindOrder, kind); i >= 0 {
		return i
	}
	return len(kindOrder)
}

// Tally counts what a runner did at a deploy the way Make counts what it
// would do, for comparing a plan with it: in journey j (the version
// deployed), records holds the history lines the runner wrote at the
// deploy, actions the outbox rows, stages each contact's stage in j
// before it (none for a contact not in j), and examples how many contact
// IDs to keep per case (all when < 0).
func Tally(j *compiler.Journey, records []runtime.Record, actions []runtime.Action, stages map[string]string, examples int) *JourneyPlan {
	if examples < 0 {
		examples = int(^uint(0) >> 1)
	}
	jp := newJourneyPlan(j, examples)
	for _, rec := range records {
		if rec.Journey == j.Name {
			jp.addRecord(rec, stages[rec.Contact])
		}
	}
	for _, a := range actions {
		if a.Journey == j.Name {
			jp.addAction(a)
		}
	}
	jp.finish(j)
	return jp
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
