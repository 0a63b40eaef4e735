package runtime

import (
	"slices"
	"time"

	"github.com/journeylang/journey/compiler"
)

// reconcile brings the contact's enrollments made under another version
// of a journey to the version in force, at t, before the engine runs them,
// as docs/semantics.md rule 10 asks, and reports whether it moved any:
//
//   - a journey that drains (`on change drain`) keeps an enrollment on the
//     version it started on, while the deployment holds that version;
//   - an enrollment whose stage is gone moves to the furthest stage whose
//     trigger holds, or exits with the reason "stage removed";
//   - in each timeline (a cursor), a step already passed never runs again;
//     the pending step, if it still exists, keeps its place with its new
//     offset from the block's start (so it runs at once if that time has
//     passed) and a step the old version had and the contact has not
//     reached runs in its turn likewise; a pending step that is gone is
//     cancelled; a step new in the version is scheduled if its time is
//     after t, and skipped if not: an edit never sends catch-up mail;
//   - a wait in progress that still exists keeps its start, with its new
//     deadline; one that is gone is cancelled, and so is a timeline whose
//     block is gone;
//   - an enrollment in a journey no longer deployed is left as it is, and
//     the engine does not run it.
//
// Every case is recorded (migrated, cancelled, rescheduled, scheduled,
// skipped, stage, exited), which is what `journey plan` counts. Without the
// earlier version (Deployment.WithVersions), a step the contact has not
// reached whose time is behind t is taken for a new one, and skipped.
func (r *run) reconcile(t time.Time) bool {
	moved := false
	for _, en := range r.s.Enrollments {
		if en.Status != StatusActive {
			continue
		}
		j := r.e.Deployment.Journey(en.Journey)
		if j == nil || en.Version == j.Version || r.e.Deployment.Drains(j, en) != nil {
			continue
		}
		moved = true
		old := r.e.Deployment.Earlier(j.Name, en.Version)
		r.record(j, en, t, RecMigrated, "", en.Version+" → "+j.Version)
		en.Version = j.Version
		if s, _ := j.Stage(en.Stage); s == nil {
			if !r.forward(j, en, t, nil, false) {
				r.end(j, en, t, StatusExited, "stage removed", "")
			}
			continue
		}
		kept := en.Cursors[:0]
		for _, c := range en.Cursors {
			if r.migrateCursor(j, old, en, c, t) {
				kept = append(kept, c)
			}
		}
		en.Cursors = kept
	}
	return moved
}

// journeyOf is the version of j that runs an enrollment: the one it
// started on when j drains and the deployment holds it, else j.
func (r *run) journeyOf(j *Journey, en *Enrollment) *Journey {
	if old := r.e.Deployment.Drains(j, en); old != nil {
		return old
	}
	return j
}

// migrateCursor brings one timeline to j (see reconcile); old is the
// version it ran under, or nil when unknown. It reports whether the
// timeline goes on.
func (r *run) migrateCursor(j, old *Journey, en *Enrollment, c *Cursor, t time.Time) bool {
	if c.Held {
		// A held send was due already: it goes out at the opening if the
		// version still has it.
		if st := j.Step(c.Next); st == nil || st.Kind != compiler.StepSend {
			r.record(j, en, t, RecCancelled, c.Next, "not in version "+j.Version)
			return false
		}
		return true
	}
	if c.Wait != "" {
		w := j.Step(c.Wait)
		if w == nil || w.Kind != compiler.StepWait {
			r.record(j, en, t, RecCancelled, c.Wait, "not in version "+j.Version)
			return false
		}
		if until := r.later(c.Since, w.Within, w.WithinBD); !until.Equal(c.Until) {
			c.Until = until
			r.record(j, en, t, RecRescheduled, w.ID, stamp(until))
		}
		return true
	}
	steps, ok := j.blocks[c.Block]
	if !ok || !slices.ContainsFunc(steps, func(st *compiler.Step) bool { return st.ID == c.Next }) {
		r.record(j, en, t, RecCancelled, c.Next, "not in version "+j.Version)
	}
	passed := map[string]bool{}
	for _, id := range c.Done {
		passed[id] = true
	}
	if old != nil { // a state written before steps were marked done
		for _, st := range old.blocks[c.Block] {
			if st.ID == c.Next {
				break
			}
			passed[st.ID] = true
		}
	}
	next, done := "", []string{}
	for _, st := range steps {
		if passed[st.ID] {
			done = append(done, st.ID)
			continue
		}
		due := r.stepDue(st, c.Start)
		var was *compiler.Step // the step in the version the contact ran under
		if old != nil {
			was = old.Step(st.ID)
		}
		switch {
		case st.ID == c.Next || was != nil:
			if old != nil && was != nil && was.Offset() != st.Offset() {
				r.record(j, en, t, RecRescheduled, st.ID, stamp(due))
			}
		case due.After(t):
			r.record(j, en, t, RecScheduled, st.ID, stamp(due))
		default:
			r.record(j, en, t, RecSkipped, st.ID, stamp(due))
			done = append(done, st.ID)
			continue
		}
		if next == "" {
			next = st.ID
		}
	}
	if next == "" {
		return false
	}
	if next != c.Next {
		c.Next, c.Hold = next, time.Time{}
	}
	c.Done = done
	return true
}

// splitHeld gives each send held by its block's cursor, as states written
// before held sends had cursors of their own keep it, a cursor of its own,
// and moves the block's cursor on (see hold). A step after the send whose
// time has passed then runs at once.
func (r *run) splitHeld() {
	for _, en := range r.s.Enrollments {
		j := r.e.Deployment.Journey(en.Journey)
		if en.Status != StatusActive || j == nil {
			continue
		}
		j = r.journeyOf(j, en)
		for _, c := range slices.Clone(en.Cursors) {
			if !c.Held && !c.Hold.IsZero() {
				open := c.Hold
				c.Hold = time.Time{}
				r.hold(j, en, c, open)
			}
		}
	}
}

// stamp writes a time for a record's detail.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
