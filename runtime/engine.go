package runtime

// The engine: docs/semantics.md as a function. Run takes one contact's
// state, the inputs that arrived for it, and the time, and moves the
// contact through every journey of the deployment up to that time:
//
//  1. Inputs (events and attribute updates) and due timers are taken in
//     order of time; at equal times inputs go first, so a change can
//     cancel a step due at the same instant.
//  2. After every change: for each journey the contact is in, goals and
//     exits are checked (a goal records a conversion, then exits); a wait
//     in progress for that event resolves; the contact moves forward to the
//     furthest later stage whose trigger holds. For each journey it is not
//     in, the entries are tried, under the re-entry policy.
//  3. A due timer runs one step of one timeline, after checking goals and
//     exits again. Sends pass suppression, the send window (a send outside
//     it waits for the next opening in the contact's time zone, on a
//     timeline of its own: the steps after it do not wait) and the cap.
//  4. Finally, time-dependent conditions are checked at the run's time, and
//     the next wake-up is computed: the earliest timer, or the instant a
//     time-dependent condition the contact's state depends on next
//     changes (wake.go); one the analysis cannot solve is re-checked
//     about every Recheck.
//
// Run performs no I/O: effects come back as actions for the outbox and
// records for the history, and the store commits them with the new state
// in one transaction. The same state, inputs and times give the same
// result (rule 8).

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/journeylang/journey/compiler"
)

// Engine moves contacts through the journeys of one deployment.
type Engine struct {
	Deployment *Deployment
	Location   *time.Location // the time zone of a contact without a valid `timezone`; UTC when nil
	Recheck    time.Duration  // how often a time-dependent condition the wake-up analysis cannot solve is re-checked (give or take an eighth); DefaultRecheck when 0
	MaxSteps   int            // steps of one journey in one run before the journey is halted for the contact; MaxSteps when 0
	// MaxLateness bounds how far back a contact's first run starts: at
	// its earliest input's time, but no earlier than now minus
	// MaxLateness (an input older than that is taken then).
	// DefaultMaxLateness when 0.
	MaxLateness time.Duration

	// Unsubscribe makes the one-click unsubscribe link of a contact on a
	// channel, put in marketing sends' payloads under "unsubscribe"; nil,
	// or "", for none.
	Unsubscribe func(contact, channel string) string
}

// DefaultMaxLateness is Engine.MaxLateness when unset.
const DefaultMaxLateness = time.Hour

// Outcome is what one run produced.
type Outcome struct {
	Actions []Action
	Records []Record
	Wake    time.Time // the next time the contact needs a run; zero when only a new input can change anything

	// Withdraw lists the channels on which the contact withdrew consent
	// in the run: the store cancels the contact's marketing sends of each
	// still waiting in the outbox from earlier runs, and records each
	// withdrawn, in the transaction that commits the run.
	Withdraw []Withdrawal
}

// MaxSteps bounds the steps one journey may take in one run: a journey
// that loops (goto back and forth with no delay, which the checker
// refuses, in a bundle made without it) is halted for the contact when it
// reaches the bound, rather than stalling a worker; the contact's other
// journeys and its inputs go on.
const MaxSteps = 10000

type run struct {
	e     *Engine
	s     *ContactState
	out   *Outcome
	steps map[string]int // by journey: the steps taken in this run

	// The contact as conditions see it, worked out when first needed and
	// again after each change (see change): most runs evaluate many
	// conditions and change nothing.
	contact map[string]any // see vars
	loc     *time.Location // see location
}

// Run processes a contact up to now. inputs are those not yet processed;
// Run takes every one of them. The state is updated in place. The run
// starts where the last one ended, or, on the contact's first run, at its
// earliest input's time (see firstStart).
func (e *Engine) Run(s *ContactState, inputs []Input, now time.Time) *Outcome {
	r := e.start(s)
	start := s.Processed
	if start.IsZero() {
		start = e.firstStart(inputs, now)
	}
	if start.After(now) {
		start = now
	}
	r.releaseChanged(now)
	if r.reconcile(now) {
		start = now // the new version is in force from now on
	}
	r.splitHeld()
	ins := append([]Input(nil), inputs...)
	sort.SliceStable(ins, func(a, b int) bool {
		if !ins[a].At.Equal(ins[b].At) {
			return ins[a].At.Before(ins[b].At)
		}
		return ins[a].Seq < ins[b].Seq
	})
	i := 0
	for {
		var inAt time.Time
		hasIn := i < len(ins)
		if hasIn {
			// An input stamped before the run's start is taken at the
			// start; one from the future, at the latest now.
			inAt = clampTime(ins[i].At, start, now)
		}
		en, cur, due, hasTimer := r.nextTimer()
		if hasIn && (!hasTimer || !inAt.After(due)) {
			r.input(&ins[i], inAt)
			start = inAt
			i++
			continue
		}
		if hasTimer && !due.After(now) {
			// A step whose time passed while the one before it was held
			// runs now: a run's time never goes back.
			at := due
			if at.Before(start) {
				at = start
			}
			start = at
			if r.steps[en.Journey]++; r.steps[en.Journey] > r.e.maxSteps() {
				r.halt(r.e.Deployment.Journey(en.Journey), at, cursorStep(cur),
					fmt.Sprintf("more than %d steps in one run: a loop with no wait", r.e.maxSteps()))
				continue
			}
			r.fire(en, cur, at)
			continue
		}
		break
	}
	r.recheck(now) // time-dependent conditions, at the run's time
	s.Processed = now
	r.out.Wake = r.wake(now)
	r.prune(now)
	return r.out
}

// firstStart is when a contact's first run starts: at its earliest
// input's time, so that inputs keep their own times as they would had the
// contact run before (rule 8), but no earlier than now minus
// MaxLateness, and no later than now.
func (e *Engine) firstStart(inputs []Input, now time.Time) time.Time {
	late := e.MaxLateness
	if late <= 0 {
		late = DefaultMaxLateness
	}
	start := now
	for _, in := range inputs {
		if in.At.Before(start) {
			start = in.At
		}
	}
	if floor := now.Add(-late); start.Before(floor) {
		start = floor
	}
	return start
}

// start begins a run on a contact's state.
func (e *Engine) start(s *ContactState) *run {
	if s.Attrs == nil {
		s.Attrs = map[string]any{}
	}
	return &run{e: e, s: s, out: &Outcome{}, steps: map[string]int{}}
}

func (e *Engine) maxSteps() int {
	if e.MaxSteps > 0 {
		return e.MaxSteps
	}
	return MaxSteps
}

// History kept in a contact's state, so that it does not grow for ever:
// events for count() for a year (at most maxEvents), and per journey the
// active enrollment and the last ended one (what re-entry needs). The
// stores keep every enrollment and record in their own tables.
const (
	eventHorizon = 366 * 24 * time.Hour
	maxEvents    = 1000
)

func (r *run) prune(now time.Time) {
	s := r.s
	events := s.Events[:0]
	for _, e := range s.Events {
		if e.At.After(now.Add(-eventHorizon)) {
			events = append(events, e)
		}
	}
	if len(events) > maxEvents {
		events = events[len(events)-maxEvents:]
	}
	s.Events = events
	lastEnded := map[string]*Enrollment{}
	for _, e := range s.Enrollments {
		if e.Status != StatusActive && (lastEnded[e.Journey] == nil || e.Entry > lastEnded[e.Journey].Entry) {
			lastEnded[e.Journey] = e
		}
	}
	kept := s.Enrollments[:0]
	for _, e := range s.Enrollments {
		if e.Status == StatusActive || lastEnded[e.Journey] == e {
			kept = append(kept, e)
		}
	}
	s.Enrollments = kept
	for name := range s.Rules { // rules the deployment no longer has
		if !slices.ContainsFunc(r.e.Deployment.Program.Rules, func(rl *compiler.Rule) bool { return rl.Name == name }) {
			delete(s.Rules, name)
		}
	}
}

// eventIn is the event an input brings into scope, or nil.
func eventIn(in *Input) *EventIn {
	if in == nil || in.Kind != InputEvent {
		return nil
	}
	return &EventIn{Name: in.Name, Payload: in.Payload}
}

func clampTime(t, lo, hi time.Time) time.Time {
	if t.Before(lo) {
		return lo
	}
	if t.After(hi) {
		return hi
	}
	return t
}

// input applies an event or an update at time t.
func (r *run) input(in *Input, t time.Time) {
	switch in.Kind {
	case InputUpdate:
		merge(r.s.Attrs, in.Attrs)
		r.change(t, nil)
	case InputEvent:
		mark := EventMark{Name: in.Name, At: in.At}
		if r.e.Deployment.KeepsPayload(in.Name) {
			mark.Payload = in.Payload
		}
		r.s.Events = append(r.s.Events, mark)
		if tpl, ok := in.Payload["template"].(string); ok {
			switch in.Name {
			case "email_opened":
				r.s.Opened = setFlag(r.s.Opened, tpl, true)
			case "email_clicked":
				r.s.Clicked = setFlag(r.s.Clicked, tpl, true)
			}
		}
		r.change(t, in)
	case InputRelease:
		r.release(t, in.Name, "operator")
	case InputConsent:
		r.consent(in, t)
	case InputEnroll:
		r.enrollDirect(in.Name, t)
	}
}

// enrollDirect enrolls the contact in a journey through the API (rule 1),
// as an entry that fires would: not while it is enrolled, and after an
// exit only as the journey's re-entry policy allows. Otherwise, or when
// the journey is halted for the contact or no longer deployed, it does
// nothing and records nothing.
func (r *run) enrollDirect(name string, t time.Time) {
	for j := range r.running() {
		if j.Name == name && r.s.Active(name) == nil && r.mayEnter(j, t) {
			r.enroll(j, t, nil)
			return
		}
	}
}

// merge applies an update to attributes: a nil value removes an
// attribute, an object merges into the object it updates, and anything
// else replaces the value.
func merge(attrs, update map[string]any) {
	for k, v := range update {
		switch nv := v.(type) {
		case nil:
			delete(attrs, k)
		case map[string]any:
			if old, ok := attrs[k].(map[string]any); ok {
				merge(old, nv)
				continue
			}
			attrs[k] = nv
		default:
			attrs[k] = v
		}
	}
}

// setFlag adds a key to a set, or removes it, and returns the set: made
// when it is nil.
func setFlag(m map[string]bool, key string, v bool) map[string]bool {
	if !v {
		delete(m, key)
		return m
	}
	if m == nil {
		m = map[string]bool{}
	}
	m[key] = true
	return m
}

// change runs the checks that follow every change of the contact: ev is
// the event that arrived, or nil for an update.
func (r *run) change(t time.Time, ev *Input) {
	r.contact, r.loc = nil, nil // the attributes may have changed
	// The workspace's rules first: the journeys see what they change.
	if ev != nil && ev.Kind == InputEvent {
		r.eventRules(t, ev)
	}
	r.conditionRules(t)
	for j := range r.running() {
		en := r.s.Active(j.Name)
		if en == nil {
			r.tryEnter(j, t, ev)
			continue
		}
		j := r.journeyOf(j, en)
		r.trackEntries(j, t)
		if r.checkEnd(j, en, t) {
			continue
		}
		if ev != nil {
			r.matchWaits(j, en, t, ev)
		}
		r.forward(j, en, t, ev, false)
	}
}

// recheck is the check at the end of a run, when nothing changed but time:
// goals and exits, and only the stage triggers and entries that depend on
// time, so that a contact sent back by goto stays until the next change.
func (r *run) recheck(t time.Time) {
	if r.conditionRules(t) {
		r.change(t, nil) // a rule changed the contact: a change like any other
	}
	for j := range r.running() {
		en := r.s.Active(j.Name)
		if en == nil {
			r.tryEnter(j, t, nil)
			continue
		}
		j := r.journeyOf(j, en)
		if r.checkEnd(j, en, t) {
			continue
		}
		r.forward(j, en, t, nil, true)
	}
}

// checkEnd checks goals, then exits; it reports whether the enrollment
// ended.
func (r *run) checkEnd(j *Journey, en *Enrollment, t time.Time) bool {
	for _, g := range j.Goals {
		if r.holds(j, g.When, t, nil) {
			r.record(j, en, t, RecGoal, "", g.Name)
			r.end(j, en, t, StatusConverted, "goal "+g.Name, "")
			return true
		}
	}
	for _, c := range j.Exits {
		if r.holds(j, c, t, nil) {
			r.end(j, en, t, StatusExited, "exit", "")
			return true
		}
	}
	return false
}

func (r *run) end(j *Journey, en *Enrollment, t time.Time, status, reason, step string) {
	en.Status, en.Reason, en.ExitedAt, en.Cursors = status, reason, t, nil
	r.record(j, en, t, RecExited, step, reason)
}

// forward moves the contact to the furthest later stage whose trigger
// holds — to the furthest of all when it is in none (a new enrollment, or
// one whose stage a new version removed); with timedOnly, among the stages
// whose trigger depends on time. It reports whether the contact moved.
func (r *run) forward(j *Journey, en *Enrollment, t time.Time, ev *Input, timedOnly bool) bool {
	_, cur := j.Stage(en.Stage)
	for k := len(j.Stages) - 1; k > cur; k-- {
		if timedOnly && !j.timedStage[k] {
			continue
		}
		if r.triggered(j, j.Stages[k], t, ev) {
			r.enterStage(j, en, j.Stages[k], t, "")
			return true
		}
	}
	return false
}

// triggered reports whether a stage's trigger holds: its condition, and
// with `on`, one of its events has just arrived. A stage without a trigger is
// never entered by one.
func (r *run) triggered(j *Journey, s *compiler.Stage, t time.Time, ev *Input) bool {
	if s.On == "" && s.When == nil {
		return false
	}
	if s.On != "" && (ev == nil || !compiler.HasEvent(s.On, ev.Name)) {
		return false
	}
	return s.When == nil || r.holds(j, s.When, t, eventIn(ev))
}

// tryEnter enrolls the contact when an entry of the journey fires and the
// re-entry policy allows it. An event entry fires when its event arrives
// and its condition holds. A condition entry (`entry when EXPR`) fires
// when its condition becomes true — it did not hold at the last check —
// or, when it became true while re-entry was not yet allowed, as soon as
// it is.
func (r *run) tryEnter(j *Journey, t time.Time, ev *Input) {
	fired := false
	for _, e := range j.Entries {
		if e.Event != "" && ev != nil && compiler.HasEvent(e.Event, ev.Name) && (e.When == nil || r.holds(j, e.When, t, eventIn(ev))) {
			fired = fired || r.mayEnter(j, t)
		}
	}
	for _, e := range j.condEntries {
		if !r.holds(j, e.when, t, nil) {
			r.s.EntryHeld = setFlag(r.s.EntryHeld, e.key, false)
			continue
		}
		if !r.s.EntryHeld[e.key] && r.mayEnter(j, t) {
			fired = true
			r.s.EntryHeld = setFlag(r.s.EntryHeld, e.key, true)
		}
	}
	if fired {
		r.enroll(j, t, ev)
	}
}

// trackEntries keeps the state of a journey's condition entries while the
// contact is enrolled, so that after the exit a condition that went false
// and true again is a new entry.
func (r *run) trackEntries(j *Journey, t time.Time) {
	for _, e := range j.condEntries {
		r.s.EntryHeld = setFlag(r.s.EntryHeld, e.key, r.holds(j, e.when, t, nil))
	}
}

// mayEnter applies the re-entry policy to a contact that was enrolled
// before.
func (r *run) mayEnter(j *Journey, t time.Time) bool {
	last := r.s.Last(j.Name)
	if last == nil {
		return true
	}
	if j.Reenter == nil || j.Reenter.Never {
		return false
	}
	return !t.Before(last.ExitedAt.Add(time.Duration(j.Reenter.After)))
}

// enroll starts a new enrollment: in the furthest stage whose trigger
// holds, else the first.
func (r *run) enroll(j *Journey, t time.Time, ev *Input) {
	entry := 1
	if last := r.s.Last(j.Name); last != nil {
		entry = last.Entry + 1
	}
	en := &Enrollment{Journey: j.Name, Entry: entry, Version: j.Version, Status: StatusActive, EnteredAt: t}
	r.s.Enrollments = append(r.s.Enrollments, en)
	r.record(j, en, t, RecEnrolled, "", strconv.Itoa(entry))
	if len(j.Stages) == 0 {
		return
	}
	if !r.forward(j, en, t, ev, false) {
		r.enterStage(j, en, j.Stages[0], t, "")
	}
	r.checkEnd(j, en, t)
}

// enterStage moves an enrollment into a stage: the pending steps of the
// stage it leaves are cancelled, and the stage's timeline starts. via is the
// goto or next step that moved it, if one did.
func (r *run) enterStage(j *Journey, en *Enrollment, s *compiler.Stage, t time.Time, via string) {
	// A held send was due in the stage left; only the window defers it.
	en.Cursors = slices.DeleteFunc(en.Cursors, func(c *Cursor) bool { return !c.Held })
	en.Stage, en.StageAt = s.Name, t
	r.record(j, en, t, RecStage, via, s.Name)
	r.startBlock(j, en, s.Name, t, nil)
}

// startBlock adds a cursor for a block starting at t, unless it is empty.
// event is the event in scope for the block's conditions, if any.
func (r *run) startBlock(j *Journey, en *Enrollment, block string, t time.Time, event *EventIn) {
	steps := j.blocks[block]
	if len(steps) == 0 {
		return
	}
	en.Cursors = append(en.Cursors, &Cursor{Block: block, Start: t, Next: steps[0].ID, Event: event})
}

// nextTimer returns the earliest due cursor of the contact's active
// enrollments; on equal times, the first in journey and cursor order.
func (r *run) nextTimer() (*Enrollment, *Cursor, time.Time, bool) {
	var bestEn *Enrollment
	var best *Cursor
	var due time.Time
	for j := range r.running() {
		en := r.s.Active(j.Name)
		if en == nil {
			continue
		}
		j := r.journeyOf(j, en)
		for _, c := range en.Cursors {
			d := r.due(j, c)
			if best == nil || d.Before(due) || (d.Equal(due) && bestEn == en && j.order[cursorStep(c)] < j.order[cursorStep(best)]) {
				bestEn, best, due = en, c, d
			}
		}
	}
	return bestEn, best, due, best != nil
}

// cursorStep is the step a cursor's next move belongs to.
func cursorStep(c *Cursor) string {
	if c.Wait != "" {
		return c.Wait
	}
	return c.Next
}

// due is when a cursor's next move is.
func (r *run) due(j *Journey, c *Cursor) time.Time {
	switch {
	case c.Wait != "":
		return c.Until
	case c.Held || !c.Hold.IsZero():
		return c.Hold
	}
	return r.stepDue(j.Step(c.Next), c.Start)
}

// wake is when the contact next needs a run: the earliest timer, or the
// earliest instant at which a condition the contact's state depends on
// can change with no input (wakesearch.go), in whole microseconds (the
// stores' resolution), rounded up so that the change has happened.
func (r *run) wake(now time.Time) time.Time {
	var next time.Time
	if _, _, due, ok := r.nextTimer(); ok {
		next = due
	}
	earlier := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	w := r.waker(now)
	earlier(r.ruleWake(w, now))
	for j := range r.running() {
		en := r.s.Active(j.Name)
		if en != nil {
			j := r.journeyOf(j, en)
			for _, c := range j.timedConds(en) {
				earlier(w.when(j, c).at)
			}
			continue
		}
		for _, e := range j.condEntries {
			if c := w.when(j, e.when); !c.at.IsZero() && r.mayEnter(j, c.at) {
				earlier(c.at)
			}
		}
		// A condition entry that holds but waits for re-entry to be allowed.
		if last := r.s.Last(j.Name); last != nil && len(j.condEntries) > 0 && j.Reenter != nil && !j.Reenter.Never {
			if at := last.ExitedAt.Add(time.Duration(j.Reenter.After)); at.After(now) {
				earlier(at)
			}
		}
	}
	if next.IsZero() {
		return next
	}
	if up := next.Truncate(time.Microsecond); up.Before(next) {
		return up.Add(time.Microsecond)
	}
	return next
}

// record adds a line to the history; en is nil for a journey the contact
// is not in.
func (r *run) record(j *Journey, en *Enrollment, t time.Time, kind, step, detail string) {
	entry := 0
	if en != nil {
		entry = en.Entry
	}
	r.out.Records = append(r.out.Records, Record{At: t, Contact: r.s.ID, Journey: j.Name, Entry: entry, Kind: kind, Step: step, Detail: detail})
}

// act adds an action for the outbox, keyed by the step's occurrence.
func (r *run) act(j *Journey, en *Enrollment, st *compiler.Step, t time.Time, payload map[string]any) {
	if en.Occurrences == nil {
		en.Occurrences = map[string]int{}
	}
	en.Occurrences[st.ID]++
	payload["contact"] = r.s.ID
	body, err := json.Marshal(payload)
	if err != nil {
		body = []byte(`{}`)
	}
	r.out.Actions = append(r.out.Actions, Action{
		Key:     IdempotencyKey(r.s.ID, j.Name, en.Entry, st.ID, en.Occurrences[st.ID]),
		Contact: r.s.ID, Journey: j.Name, Version: en.Version, Step: st.ID,
		Kind: st.Kind, Target: st.Target, Payload: body, Due: t,
	})
}

// IdempotencyKey identifies one occurrence of one step for one contact:
// the same in every run, on every worker, so the outbox takes it once.
func IdempotencyKey(contact, journey string, entry int, step string, occurrence int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%d\x00%s\x00%d", contact, journey, entry, step, occurrence)))
	return hex.EncodeToString(sum[:16])
}
