package runtime

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// ContactState is everything the engine reads and writes of one contact:
// its attributes, its history as the function library sees it, and its
// enrollments. The engine works on one contact at a time; a store keeps
// the state between runs and serialises the runs of a contact.
type ContactState struct {
	ID          string                 `json:"id"`
	Attrs       map[string]any         `json:"attrs"`
	Enrollments []*Enrollment          `json:"enrollments,omitempty"` // every enrollment, ended ones too
	Events      []EventMark            `json:"events,omitempty"`      // the contact's events, for count()
	Opened      map[string]bool        `json:"opened,omitempty"`      // templates whose emails were opened
	Clicked     map[string]bool        `json:"clicked,omitempty"`     // templates whose emails were clicked
	Sends       map[string][]time.Time `json:"sends,omitempty"`       // send times by journey, for caps
	EntryHeld   map[string]bool        `json:"entry_held,omitempty"`  // condition entries ("journey#i") that held at their last check
	Budget      []time.Time            `json:"budget,omitempty"`      // the sends within the send budget's period, for the budget
	Halted      map[string]*Halt       `json:"halted,omitempty"`      // by journey: the journeys the engine stopped running for this contact
	Consent     map[string]string      `json:"consent,omitempty"`     // by channel: a consent state other than subscribed (rule 12); a channel not here is subscribed
	Rules       map[string]*RuleState  `json:"rules,omitempty"`       // by name: the workspace's rules on a condition (rule.go)
	Processed   time.Time              `json:"processed"`             // the last time the engine ran for this contact
}

// Halt is why the engine stopped running a journey for a contact (rule
// 11): a run took more steps in the journey than the engine allows, or one
// of its conditions went over its cost. While halted, the journey is left
// as it is for the contact: no entry, no condition, no step. A new version
// of the journey, or an operator's release (an InputRelease), ends the
// halt.
type Halt struct {
	Version string    `json:"version"`        // the version of the journey that was halted
	At      time.Time `json:"at"`             // when
	Step    string    `json:"step,omitempty"` // the step that was due, or the condition's position
	Reason  string    `json:"reason"`         // what went over its bound
}

// UnmarshalJSON decodes a state as the stores keep it, its numbers exact:
// in the attributes and in the payloads of the events cursors hold, an
// integer comes back as int64 (a float64 holds integers exactly only up
// to 2^53) and any other number as float64, as store.JSONObject decodes an
// input. Every store reads a state through this method.
func (s *ContactState) UnmarshalJSON(b []byte) error {
	type plain ContactState // the same fields, without this method
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var p plain
	if err := d.Decode(&p); err != nil {
		return err
	}
	*s = ContactState(p)
	JSONNumbers(s.Attrs)
	for _, e := range s.Events {
		JSONNumbers(e.Payload)
	}
	for _, e := range s.Enrollments {
		for _, c := range e.Cursors {
			if c != nil && c.Event != nil {
				JSONNumbers(c.Event.Payload)
			}
		}
	}
	return nil
}

// EventMark is an event in a contact's history. Its payload is kept when a
// filtered count of the deployment reads events of its kind
// (Deployment.KeepsPayload), and only then.
type EventMark struct {
	Name    string         `json:"name"`
	At      time.Time      `json:"at"`
	Payload map[string]any `json:"payload,omitempty"`
}

// Enrollment statuses.
const (
	StatusActive    = "active"
	StatusExited    = "exited"
	StatusConverted = "converted" // exited through a goal
)

// Enrollment is one contact's passage through one journey: one row per
// contact, journey and entry.
type Enrollment struct {
	Journey     string         `json:"journey"`
	Entry       int            `json:"entry"` // 1 for the first, then one more per re-entry
	Version     string         `json:"version"`
	Status      string         `json:"status"`
	Stage       string         `json:"stage"`
	StageAt     time.Time      `json:"stage_at"`
	EnteredAt   time.Time      `json:"entered_at"`
	ExitedAt    time.Time      `json:"exited_at,omitzero"`
	Reason      string         `json:"reason,omitempty"` // why it ended: "goal sql", "exit", "exit: unsubscribed"
	Cursors     []*Cursor      `json:"cursors,omitempty"`
	Occurrences map[string]int `json:"occurrences,omitempty"` // step identity → times it ran in this entry
}

// Cursor is a timeline in progress: a block that started at Start and
// whose next step is Next. A stage body is one; every if arm, split arm
// and wait body taken starts another, running beside the block it came
// from. A cursor with Wait set is a wait in progress: it ends when a
// matching event arrives (its body starts) or at Until (its timeout
// starts). A cursor with Held set is a send held for the window: it runs
// that one send at Hold (or holds it again) and ends; the block it came
// from went on without it, and a change of stage leaves it be.
type Cursor struct {
	Block string    `json:"block"`           // the block's identity: a stage name, or a step identity and a branch
	Start time.Time `json:"start"`           // when the block started; offsets count from here
	Next  string    `json:"next,omitempty"`  // identity of the next step to run
	Held  bool      `json:"held,omitempty"`  // a held send's cursor of its own: Next is the send, due at Hold
	Hold  time.Time `json:"hold,omitzero"`   // when a held send is due: the window's next opening
	Wait  string    `json:"wait,omitempty"`  // a wait in progress: its step's identity
	Until time.Time `json:"until,omitzero"`  // the wait's deadline
	Since time.Time `json:"since,omitzero"`  // when the wait started: earlier events do not count
	Event *EventIn  `json:"event,omitempty"` // in a wait's body (and the blocks it starts): the event that resolved the wait
	Done  []string  `json:"done,omitempty"`  // the steps of the block passed (run, suppressed, capped or skipped): never run again, whatever the version
}

// EventIn is the event in scope for a timeline.
type EventIn struct {
	Name    string         `json:"name"`
	Payload map[string]any `json:"payload,omitempty"`
}

// Input kinds.
const (
	InputEvent   = "event"
	InputUpdate  = "update"
	InputRelease = "release" // an operator's release of halted journeys: Name, or every one when ""
	InputConsent = "consent" // a change of consent: Payload "state" on channel Name, or on every channel when ""
	InputEnroll  = "enroll"  // an enrollment through the API in journey Name, under its re-entry policy
)

// Input is a change to a contact, taken in the order of its time: an event,
// or an update of attributes.
type Input struct {
	Seq     int64          `json:"seq"` // the store's order of arrival
	Kind    string         `json:"kind"`
	ID      string         `json:"id,omitempty"`   // the event's identity, for deduplication
	Name    string         `json:"name,omitempty"` // the event's name
	Payload map[string]any `json:"payload,omitempty"`
	Attrs   map[string]any `json:"attrs,omitempty"` // an update's new values; null removes
	At      time.Time      `json:"at"`
}

// Action is an effect for the outbox: delivered exactly once in effect
// under its idempotency key.
type Action struct {
	Key     string          `json:"key"` // stable: contact, journey, entry, step identity, occurrence
	Contact string          `json:"contact"`
	Journey string          `json:"journey"`
	Version string          `json:"version"`
	Step    string          `json:"step"`
	Kind    string          `json:"kind"`   // send, notify, task, webhook
	Target  string          `json:"target"` // template, team, task title, webhook name
	Payload json.RawMessage `json:"payload"`
	Due     time.Time       `json:"due"`
}

// Record kinds: what happened to a contact in a journey, for reports and
// for test expectations.
const (
	RecEnrolled   = "enrolled"
	RecStage      = "stage"
	RecExited     = "exited"
	RecGoal       = "goal"
	RecSent       = "sent"
	RecSuppressed = "suppressed"
	RecCapped     = "capped"
	RecHeld       = "held" // a send waits for its window
	RecNotified   = "notified"
	RecTask       = "task"
	RecWebhook    = "webhook"
	RecSet        = "set"
	RecTagged     = "tagged"
	RecUntagged   = "untagged"
	RecArm        = "arm"
	RecBranch     = "branch"
	RecWaiting    = "waiting"  // a wait started
	RecMatched    = "matched"  // a wait's event arrived
	RecTimedOut   = "timedout" // a wait's deadline passed
	RecFailed     = "failed"   // a condition or value could not be evaluated
	// Rule 11: nothing runs away.
	RecHalted     = "halted"      // the engine stopped running the journey: detail why
	RecReleased   = "released"    // a halt ended: detail "new version" or "operator"
	RecOverBudget = "over_budget" // a send skipped: the contact had its send budget's sends
	// Rule 12: consent.
	RecUnsubscribed = "unsubscribed" // a marketing send skipped: the contact is not subscribed on its channel
	RecWithdrawn    = "withdrawn"    // a marketing send written and not yet delivered, cancelled when consent was withdrawn
	// Migration to a new version of the journey (docs/semantics.md rule 10).
	RecMigrated    = "migrated"    // the enrollment moved to the version in force: detail "OLD → NEW"
	RecCancelled   = "cancelled"   // a pending step (or a wait in progress) the new version no longer has
	RecRescheduled = "rescheduled" // a pending step the new version moved: detail its new due time
	RecScheduled   = "scheduled"   // a step new in the version, still ahead: detail its due time
	RecSkipped     = "skipped"     // a step new in the version whose time was already behind: detail its due time
)

// Record is one line of a contact's history.
type Record struct {
	At      time.Time `json:"at"`
	Contact string    `json:"contact"`
	Journey string    `json:"journey"`
	Entry   int       `json:"entry"`
	Kind    string    `json:"kind"`
	Step    string    `json:"step,omitempty"`
	Detail  string    `json:"detail,omitempty"`
}

// Active returns the contact's active enrollment in a journey, or nil.
func (s *ContactState) Active(journey string) *Enrollment {
	for _, e := range s.Enrollments {
		if e.Journey == journey && e.Status == StatusActive {
			return e
		}
	}
	return nil
}

// Last returns the contact's latest enrollment in a journey, active or
// ended, or nil.
func (s *ContactState) Last(journey string) *Enrollment {
	var out *Enrollment
	for _, e := range s.Enrollments {
		if e.Journey == journey && (out == nil || e.Entry > out.Entry) {
			out = e
		}
	}
	return out
}

// JSONNumbers replaces the json.Numbers in a value decoded with
// UseNumber by int64 (an integer in range) or float64 (any other number),
// in place where it can, and returns the value: how the engine's state
// and the stores' inputs keep numbers exact.
func JSONNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(v), 64)
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = JSONNumbers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = JSONNumbers(x)
		}
	}
	return v
}
