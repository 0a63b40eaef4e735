package plan

import (
	"fmt"
	"io"
	"strings"

	"github.com/journeylang/journey/runtime"
)

// WriteText writes the plan for people: per journey, the versions its
// contacts are on and how each differs from the one deployed, then per
// stage the cases of rule 10 with their counts and example contacts.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	if len(p.Journeys) == 0 {
		b.WriteString("No journey changes.\n")
	}
	for i, jp := range p.Journeys {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "journey %s → version %s (on change %s)\n", jp.Journey, jp.Version, jp.OnChange)
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
				fmt.Fprintf(&b, "  contacts in stage %s:\n", stage)
			}
			fmt.Fprintf(&b, "    %6d  %s", c.Contacts, c.what())
			if len(c.Examples) > 0 {
				more := ""
				if c.Contacts > len(c.Examples) {
					more = ", …"
				}
				fmt.Fprintf(&b, "  (%s%s)", strings.Join(c.Examples, ", "), more)
			}
			b.WriteString("\n")
		}
	}
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "warning: %s\n", e)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String is a change as the text plan shows it.
func (c *Change) String() string {
	sign := map[string]string{Added: "+", Removed: "-", Moved: "~", Changed: "~"}[c.Kind]
	if c.Step == "" {
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
func (c *Case) what() string {
	switch c.Kind {
	case runtime.RecMigrated:
		return "migrate to the new version"
	case Drain:
		return "stay on version " + c.To + " until they leave (drain)"
	case runtime.RecStage:
		return "move to stage " + c.To + " (their stage is removed)"
	case runtime.RecExited:
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
	return c.Kind + " " + c.Step
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
