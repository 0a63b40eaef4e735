package compiler

// The step graph: what a journey compiles to, and what a bundle carries to
// the runtime. It holds no syntax: names are resolved, durations are
// durations, conditions are checked CEL. Every step has a stable identity
// (its stage, kind, target and ordinal — docs/semantics.md rule 10), so that a
// new version of a journey can be matched to the old one step by step.
//
// The types encode to JSON with stable field order; bundle.go writes them.

import "time"

// Journey is one compiled journey.
type Journey struct {
	Name     string    `json:"name"`
	Title    string    `json:"title,omitempty"`
	Version  string    `json:"version"` // content hash of this journey's IR and templates
	Entries  []*Entry  `json:"entries,omitempty"`
	Exits    []*Cond   `json:"exits,omitempty"`
	Goals    []*Goal   `json:"goals,omitempty"`
	Suppress []*Cond   `json:"suppress,omitempty"`
	Window   *Window   `json:"window,omitempty"`
	Cap      *Cap      `json:"cap,omitempty"`
	Reenter  *Reenter  `json:"reenter,omitempty"`
	OnChange string    `json:"on_change,omitempty"` // OnChangeDrain, or "" to migrate (the default)
	Stages   []*Stage  `json:"stages"`
	Source   SourcePos `json:"source"`
	Sends    []string  `json:"sends,omitempty"` // templates the journey sends, sorted
	Splits   []string  `json:"splits,omitempty"`
	Events   []string  `json:"events,omitempty"` // events the journey listens for, sorted
	byID     map[string]*Step
	stageIdx map[string]int
}

// Entry is one way into the journey: an event, a condition, or both.
type Entry struct {
	Event string `json:"event,omitempty"`
	When  *Cond  `json:"when,omitempty"`
}

// Goal is a named conversion.
type Goal struct {
	Name string `json:"name"`
	When *Cond  `json:"when"`
}

// Window is the send window, in the contact's time zone.
type Window struct {
	From int    `json:"from"`           // minutes after midnight
	To   int    `json:"to"`             // minutes after midnight; less than From: the window runs past midnight
	Days []bool `json:"days,omitempty"` // Monday first; empty: every day
}

// Cap limits sends per contact and journey.
type Cap struct {
	Count int      `json:"count"`
	Per   Duration `json:"per"`
}

// Budget is the workspace's send budget as it declares it (docs/semantics.md rule
// 11): at most Sends sends to one contact in any period of Per, over all its
// journeys, or, with Off, no budget at all. A workspace that declares none
// has no Budget (Program.Budget is nil), and the runtime's default applies.
type Budget struct {
	Sends int      `json:"sends,omitempty"` // 1 or more; 0 with Off
	Per   Duration `json:"per,omitempty"`   // above 0; 0 with Off
	Off   bool     `json:"off,omitempty"`   // `budget off`
}

// OnChangeDrain is Journey.OnChange for `on change drain`: when a new
// version is deployed, the contacts in flight finish the version they
// started on, and new entries take the new one. Its absence, the default
// (`on change migrate`), moves them to the new version (docs/semantics.md rule 10).
const OnChangeDrain = "drain"

// Reenter is the re-entry policy: never, or after a wait since the exit.
type Reenter struct {
	Never bool     `json:"never,omitempty"`
	After Duration `json:"after,omitempty"`
}

// Stage is a stage: its trigger and its timeline.
type Stage struct {
	Name   string    `json:"name"`
	On     string    `json:"on,omitempty"`
	When   *Cond     `json:"when,omitempty"`
	Steps  []*Step   `json:"steps,omitempty"`
	Source SourcePos `json:"source"`
}

// Step kinds.
const (
	StepSend    = "send"
	StepNotify  = "notify"
	StepTask    = "task"
	StepSet     = "set"
	StepTag     = "tag"
	StepUntag   = "untag"
	StepWebhook = "webhook"
	StepGoto    = "goto"
	StepNext    = "next"
	StepExit    = "exit"
	StepIf      = "if"
	StepSplit   = "split"
	StepWait    = "wait"
)

// Step is one node of a stage's timeline. After is measured from the start
// of the block the step is in (docs/semantics.md rule 3).
type Step struct {
	ID      string   `json:"id"` // stable identity: stage/kind:target#ordinal, nested under its parent
	Kind    string   `json:"kind"`
	After   Duration `json:"after,omitempty"`
	AfterBD int      `json:"after_bd,omitempty"` // the offset in business days (after 2bd); After is then 0
	At      string   `json:"at,omitempty"`       // HH:MM: the step waits for that local time at or after its offset; "" for none
	Target  string   `json:"target,omitempty"`   // template, team, title, field, tag, webhook, stage, reason, split or event

	Channel string   `json:"channel,omitempty"` // send: email, sms, push
	Text    string   `json:"text,omitempty"`    // notify: the message
	For     string   `json:"for,omitempty"`     // task: who
	Due     Duration `json:"due,omitempty"`     // task: due after creation
	DueBD   int      `json:"due_bd,omitempty"`  // task: due after that many business days; Due is then 0
	Value   *Cond    `json:"value,omitempty"`   // set: the new value

	Branches []*Branch `json:"branches,omitempty"`  // if: in order; the last may have no condition (else)
	Arms     []*Arm    `json:"arms,omitempty"`      // split
	When     *Cond     `json:"when,omitempty"`      // wait: which events match
	Within   Duration  `json:"within,omitempty"`    // wait: the deadline, from the wait's start
	WithinBD int       `json:"within_bd,omitempty"` // wait: the deadline in business days; Within is then 0
	Body     []*Step   `json:"body,omitempty"`      // wait: after the event arrives
	Timeout  []*Step   `json:"timeout,omitempty"`   // wait: after the deadline passes

	Source SourcePos `json:"source"`
}

// Branch is an arm of an if: taken when When holds (nil: else).
type Branch struct {
	When  *Cond   `json:"when,omitempty"`
	Steps []*Step `json:"steps,omitempty"`
}

// Arm is an arm of a split.
type Arm struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"` // percent
	Steps  []*Step `json:"steps,omitempty"`
}

// Cond is a compiled condition or value.
type Cond struct {
	Text    string    `json:"text"`            // as written
	Event   string    `json:"event,omitempty"` // the event in scope
	Checked []byte    `json:"checked"`         // the checked CEL expression, protobuf (cel.AstToCheckedExpr)
	Source  SourcePos `json:"source"`
	// Filters are the conditions of the filtered counts the expression
	// calls, by the index the call passes (count("e", 7d, 0)): each over
	// the counted event, which is its Event.
	Filters []*Cond `json:"filters,omitempty"`
}

// SourcePos is where a node was written, for messages at run time.
type SourcePos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

func (p SourcePos) String() string {
	if p.File == "" {
		return "?"
	}
	return p.File + ":" + itoa(p.Line) + ":" + itoa(p.Col)
}

// Duration is a time.Duration that encodes as Journey writes it ("1d12h").
type Duration time.Duration

// Stage returns the stage called name, and its index.
func (j *Journey) Stage(name string) (*Stage, int) {
	if i, ok := j.stageIdx[name]; ok {
		return j.Stages[i], i
	}
	return nil, -1
}

// Step returns the step with the given identity, or nil.
func (j *Journey) Step(id string) *Step { return j.byID[id] }

// index builds the lookups of a journey made or decoded.
func (j *Journey) index() {
	j.byID = map[string]*Step{}
	j.stageIdx = map[string]int{}
	for i, s := range j.Stages {
		j.stageIdx[s.Name] = i
		WalkSteps(s.Steps, func(st *Step) { j.byID[st.ID] = st })
	}
}

// ImplicitElse is the name of the branch an `if` without `else` takes when
// none of its conditions holds: the runtime records it, and test coverage
// counts it, as it does an else that is written.
const ImplicitElse = "else"

// HasElse reports whether the `if` st ends with an else that is written.
func HasElse(st *Step) bool {
	return len(st.Branches) > 0 && st.Branches[len(st.Branches)-1].When == nil
}

// BranchName names branch i of an if step as its block's identity does:
// then, elif1…, else.
func BranchName(st *Step, i int) string {
	switch {
	case st.Branches[i].When == nil:
		return "else"
	case i == 0:
		return "then"
	}
	return "elif" + itoa(i)
}

// WalkSteps calls fn for every step of steps, nested ones included, in
// written order.
func WalkSteps(steps []*Step, fn func(*Step)) {
	for _, st := range steps {
		fn(st)
		for _, b := range st.Branches {
			WalkSteps(b.Steps, fn)
		}
		for _, a := range st.Arms {
			WalkSteps(a.Steps, fn)
		}
		WalkSteps(st.Body, fn)
		WalkSteps(st.Timeout, fn)
	}
}

// Conditions returns every condition and value of the journey, in order:
// entries, exits, goals, suppressions, then each stage's trigger and steps;
// each followed by its filters.
func (j *Journey) Conditions() []*Cond {
	var out []*Cond
	var add func(c *Cond)
	add = func(c *Cond) {
		if c != nil {
			out = append(out, c)
			for _, f := range c.Filters {
				add(f)
			}
		}
	}
	for _, e := range j.Entries {
		add(e.When)
	}
	for _, c := range j.Exits {
		add(c)
	}
	for _, g := range j.Goals {
		add(g.When)
	}
	for _, c := range j.Suppress {
		add(c)
	}
	for _, s := range j.Stages {
		add(s.When)
		WalkSteps(s.Steps, func(st *Step) {
			add(st.Value)
			add(st.When)
			for _, b := range st.Branches {
				add(b.When)
			}
		})
	}
	return out
}
