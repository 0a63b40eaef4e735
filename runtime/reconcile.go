package runtime

import (
	"context"
	"time"

	"github.com/journeylang/journey/compiler"
)

// reconcile brings enrollments made under another version of a journey,
// or under a journey no longer deployed, to the version in force before
// the engine runs them. It keeps what DESIGN.md's rule 10 asks that needs
// no knowledge of the old version:
//
//   - a timeline whose next step still exists goes on from its block's
//     start, with the step's offset in the new version (so a step whose new
//     time has passed runs at once), and no step it already ran runs again;
//   - a timeline whose next step is gone has that step cancelled
//     (recorded), and goes on at the first step of its block still ahead
//     of the time the contact was last run (steps behind it ran, or are
//     new and behind: an edit never sends catch-up mail); a timeline whose
//     block or wait is gone is cancelled;
//   - an enrollment whose stage is gone moves to the furthest stage whose
//     trigger holds, or exits with the reason "stage removed";
//   - an enrollment in a journey no longer deployed is left as it is, and
//     the engine does not run it.
//
// Steps new in the version are not scheduled behind a timeline's position.
func (r *run) reconcile(t time.Time) {
	for _, en := range r.s.Enrollments {
		if en.Status != StatusActive {
			continue
		}
		j := r.e.Deployment.Journey(en.Journey)
		if j == nil || en.Version == j.Version {
			continue
		}
		en.Version = j.Version
		if s, _ := j.Stage(en.Stage); s == nil {
			if !r.forward(j, en, t, nil, false) {
				r.end(j, en, t, StatusExited, "stage removed", "")
			}
			continue
		}
		kept := en.Cursors[:0]
		for _, c := range en.Cursors {
			if cursorValid(j, c) {
				kept = append(kept, c)
				continue
			}
			r.record(j, en, t, RecCancelled, cursorStep(c), "not in version "+j.Version)
			if c.Wait == "" && resume(j, c, t) {
				kept = append(kept, c)
			}
		}
		en.Cursors = kept
	}
}

// cursorValid reports whether a cursor's block and next step (or wait)
// exist in the journey.
func cursorValid(j *Journey, c *Cursor) bool {
	if c.Wait != "" {
		w := j.Step(c.Wait)
		return w != nil && w.Kind == compiler.StepWait
	}
	for _, st := range j.blocks[c.Block] {
		if st.ID == c.Next {
			return true
		}
	}
	return false
}

// resume moves a cursor whose next step is gone to the first step of its
// block due after t, and reports whether there is one.
func resume(j *Journey, c *Cursor, t time.Time) bool {
	for _, st := range j.blocks[c.Block] {
		if c.Start.Add(time.Duration(st.After)).After(t) {
			c.Next, c.Hold = st.ID, time.Time{}
			return true
		}
	}
	return false
}

// WakeStale makes due at now every contact enrolled in one of the
// deployment's journeys under another version, batch contacts at a time
// (so the claim loop is never held up), and reports how many. Leased
// contacts are skipped, so call it again until it reports 0; a contact it
// wakes is brought to the version in force by its next run.
func WakeStale(ctx context.Context, s Store, d *Deployment, now time.Time, batch int) (int, error) {
	total := 0
	for _, j := range d.Journeys() {
		for {
			n, err := s.WakeStale(ctx, &WakeStaleParams{Journey: j.Name, Version: j.Version, Now: now, Limit: batch})
			total += n
			if err != nil {
				return total, err
			}
			if n < batch {
				break
			}
		}
	}
	return total, nil
}
