package plan

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/journeylang/journey/runtime"
)

// WriteText writes the plan for people: per journey, the versions its
// contacts are on and how each differs from the one deployed, then per
// stage the contacts were in what the runs at the deploy record, with
// counts and example contacts, what they write to the outbox, and the
// totals.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	if len(p.Journeys) == 0 {
		b.WriteString("No journey changes.\n")
	}
	for i, jp := range p.Journeys {
		if i > 0 {
			b.WriteString("\n")
		}
		if jp.Unchanged {
			fmt.Fprintf(&b, "journey %s, version %s (unchanged)\n", jp.Journey, jp.Version)
		} else {
			fmt.Fprintf(&b, "journey %s → version %s (on change %s)\n", jp.Journey, jp.Version, jp.OnChange)
		}
		if jp.New {
			b.WriteString("  new: no contact is in it yet\n")
		}
		for _, f := range jp.From {
			fmt.Fprintf(&b, "  from version %s: %d %s\n", f.Version, f.Contacts, plural(f.Contacts, "contact", "contacts"))
			if f.Unknown {
				b.WriteString("    (not recorded in the store: no diff)\n")
			}
			for _, c := range f.Changes {
				b.WriteString("    " + c.String() + "\n")
			}
		}
		stage := "\x00"
		for _, c := range jp.Cases {
			if c.Stage != stage {
				stage = c.Stage
				if stage == "" {
					b.WriteString("  contacts not in the journey:\n")
				} else {
					fmt.Fprintf(&b, "  contacts in stage %s:\n", stage)
				}
			}
			fmt.Fprintf(&b, "    %6d  %s%s\n", c.Contacts, jp.what(c), examples(c.Contacts, c.Examples))
		}
		if len(jp.Actions) > 0 {
			b.WriteString("  written to the outbox:\n")
		}
		for _, a := range jp.Actions {
			fmt.Fprintf(&b, "    %6d  %s %s (step %s)%s\n", a.Contacts, a.Kind, a.Target, a.Step, examples(a.Contacts, a.Examples))
		}
		if t := jp.Totals.String(); t != "" {
			b.WriteString("  in all: " + t + "\n")
		}
	}
	if p.Woken > 0 {
		fmt.Fprintf(&b, "\nThe deploy wakes and runs %d %s; the counts are what their runs at %s do.\n",
			p.Woken, plural(p.Woken, "contact", "contacts"), p.At.UTC().Format(time.RFC3339))
	}
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "warning: %s\n", e)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// examples writes a case's example contacts, "…" when there are more.
func examples(n int, ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	more := ""
	if n > len(ids) {
		more = ", …"
	}
	return "  (" + strings.Join(ids, ", ") + more + ")"
}

// String is the totals as the text plan shows them: those that are not 0.
func (t Totals) String() string {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{
		{t.Migrated, "migrate"}, {t.Entered, "enter"}, {t.Moved, "move stage"}, {t.Goals, "reach a goal"},
		{t.Exited, "exit"}, {t.Actions, plural(t.Actions, "action", "actions")}, {t.Sends, plural(t.Sends, "send", "sends")},
	} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return strings.Join(parts, ", ")
}

// String is a change as the text plan shows it.
func (c *Change) String() string {
	sign := map[string]string{Added: "+", Removed: "-", Moved: "~", Changed: "~"}[c.Kind]
	switch {
	case c.Rule == RuleGoal:
		return fmt.Sprintf("%s goal %s when %s (%s)", sign, c.Name, c.Cond, c.Kind)
	case c.Rule == RuleEntry:
		return fmt.Sprintf("%s entry %s (%s)", sign, c.Cond, c.Kind)
	case c.Cond != "":
		return fmt.Sprintf("%s %s when %s (%s)", sign, c.Rule, c.Cond, c.Kind)
	case c.Rule != "":
		return fmt.Sprintf("%s %s (%s)", sign, c.Rule, c.Kind)
	case c.Step == "":
		return fmt.Sprintf("%s stage %s (%s)", sign, c.Stage, c.Kind)
	}
	switch c.Kind {
	case Added:
		return fmt.Sprintf("%s step %s after %s (added)", sign, c.Step, c.To)
	case Moved:
		return fmt.Sprintf("%s step %s after %s → after %s (moved)", sign, c.Step, c.From, c.To)
	}
	return fmt.Sprintf("%s step %s (%s)", sign, c.Step, c.Kind)
}

// what says what happens to the contacts of a case.
func (jp *JourneyPlan) what(c *Case) string {
	switch c.Kind {
	case runtime.RecMigrated:
		return "migrate to the new version"
	case Drain:
		return "stay on version " + c.To + " until they leave (drain)"
	case Ahead:
		return "left as they are: their version " + c.To + " is not recorded in the store, and the runner leaves them to one that knows it"
	case Later:
		return "migrate at their next run, not at the deploy: their version " + c.To + " no longer plans, so they do not drain"
	case runtime.RecEnrolled:
		return "enter the journey"
	case runtime.RecGoal:
		return "reach goal " + c.To
	case runtime.RecReleased:
		return "are released from a halt: " + c.To
	case runtime.RecStage:
		why := ""
		switch {
		case c.Step != "":
			why = " (step " + c.Step + ")"
		case c.Stage != "" && !jp.stages[c.Stage]:
			why = " (their stage is removed)"
		}
		return "move to stage " + c.To + why
	case runtime.RecExited:
		switch {
		case c.Step != "": // an exit step: "exit", or "exit: REASON"
			return c.To + " (step " + c.Step + ")"
		case c.To == "exit":
			return "exit: an exit condition holds"
		case strings.HasPrefix(c.To, "goal "):
			return "exit: " + c.To + " reached"
		}
		return "exit: " + c.To
	case runtime.RecCancelled:
		return "have pending step " + c.Step + " cancelled (removed)"
	case runtime.RecRescheduled:
		return "have step " + c.Step + " rescheduled to its new time"
	case runtime.RecScheduled:
		return "get new step " + c.Step + " (its time is ahead)"
	case runtime.RecSkipped:
		return "skip new step " + c.Step + " (its time has passed)"
	}
	what := c.Kind
	if c.Step != "" {
		what = "run step " + c.Step + ": " + what
	}
	if c.To != "" {
		what += " " + c.To
	}
	return what
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
