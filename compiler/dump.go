package compiler

import (
	"fmt"
	"strconv"
	"strings"
)

// Dump prints a journey's step graph as indented text: the oracle of the
// compiler's golden tests and the body of `journey inspect`. Each step
// shows its identity, its offset from the start of its block, and what it
// does; nested blocks are indented under their step.
//
//	stage Consideration when `score >= 50`
//	  +3d    Consideration/send:roi-guide#1  send email "roi-guide"
func Dump(j *Journey) string {
	var b strings.Builder
	fmt.Fprintf(&b, "journey %s", j.Name)
	if j.Title != "" {
		fmt.Fprintf(&b, " %q", j.Title)
	}
	fmt.Fprintf(&b, " version %s\n", j.Version)
	for _, e := range j.Entries {
		b.WriteString("  entry")
		if e.Event != "" {
			b.WriteString(" on " + e.Event)
		}
		if e.When != nil {
			b.WriteString(" when " + condText(e.When))
		}
		b.WriteString("\n")
	}
	for _, c := range j.Exits {
		fmt.Fprintf(&b, "  exit when %s\n", condText(c))
	}
	for _, g := range j.Goals {
		fmt.Fprintf(&b, "  goal %s when %s\n", g.Name, condText(g.When))
	}
	for _, c := range j.Suppress {
		fmt.Fprintf(&b, "  suppress when %s\n", condText(c))
	}
	if w := j.Window; w != nil {
		fmt.Fprintf(&b, "  window %s-%s %s\n", clock(w.From), clock(w.To), days(w.Days))
	}
	if c := j.Cap; c != nil {
		fmt.Fprintf(&b, "  cap %d sends per %s\n", c.Count, c.Per)
	}
	if r := j.Reenter; r != nil {
		if r.Never {
			b.WriteString("  reenter never\n")
		} else {
			fmt.Fprintf(&b, "  reenter after %s\n", r.After)
		}
	}
	if j.OnChange != "" {
		fmt.Fprintf(&b, "  on change %s\n", j.OnChange)
	}
	for _, s := range j.Stages {
		fmt.Fprintf(&b, "  stage %s", s.Name)
		if s.On != "" {
			b.WriteString(" on " + s.On)
		}
		if s.When != nil {
			b.WriteString(" when " + condText(s.When))
		}
		b.WriteString("\n")
		dumpSteps(&b, s.Steps, "    ")
	}
	return b.String()
}

// DumpBudget prints the workspace's send budget as a line, as `journey
// inspect` shows it: `budget 20 sends per 1d`, or `budget off`; nothing for
// nil.
func DumpBudget(b *Budget) string {
	if b == nil {
		return ""
	}
	return "budget " + b.String() + "\n"
}

// String writes the budget as it is declared, without the keyword: `20
// sends per 1d`, or `off`.
func (b *Budget) String() string {
	if b.Off {
		return "off"
	}
	return fmt.Sprintf("%d sends per %s", b.Sends, b.Per)
}

func dumpSteps(b *strings.Builder, steps []*Step, indent string) {
	for _, st := range steps {
		fmt.Fprintf(b, "%s+%-6s %s  %s\n", indent, st.Offset(), st.ID, describeStep(st))
		inner := indent + "    "
		for _, br := range st.Branches {
			if br.When != nil {
				fmt.Fprintf(b, "%s  when %s\n", indent, condText(br.When))
			} else {
				fmt.Fprintf(b, "%s  else\n", indent)
			}
			dumpSteps(b, br.Steps, inner)
		}
		for _, a := range st.Arms {
			fmt.Fprintf(b, "%s  arm %s %s%%\n", indent, a.Name, strconv.FormatFloat(a.Weight, 'f', -1, 64))
			dumpSteps(b, a.Steps, inner)
		}
		if st.Kind == StepWait {
			fmt.Fprintf(b, "%s  on %s\n", indent, st.Target)
			dumpSteps(b, st.Body, inner)
			if st.Timeout != nil {
				fmt.Fprintf(b, "%s  timeout after %s\n", indent, Span(st.Within, st.WithinBD))
				dumpSteps(b, st.Timeout, inner)
			}
		}
	}
}

// describeStep says what a step does, in one line.
func describeStep(st *Step) string {
	switch st.Kind {
	case StepSend:
		return fmt.Sprintf("send %s %q", st.Channel, st.Target)
	case StepNotify:
		return fmt.Sprintf("notify %s %q", st.Target, st.Text)
	case StepTask:
		s := fmt.Sprintf("task %q", st.Target)
		if st.For != "" {
			s += " for " + st.For
		}
		if st.Due != 0 || st.DueBD != 0 {
			s += " due " + Span(st.Due, st.DueBD)
		}
		return s
	case StepSet:
		return fmt.Sprintf("set %s = %s", st.Target, condText(st.Value))
	case StepTag, StepUntag, StepExit:
		if st.Target == "" {
			return st.Kind
		}
		return fmt.Sprintf("%s %q", st.Kind, st.Target)
	case StepWebhook, StepGoto:
		return st.Kind + " " + st.Target
	case StepSplit:
		return "split"
	case StepWait:
		s := "wait for " + st.Target
		if st.When != nil {
			s += " when " + condText(st.When)
		}
		return s + " within " + Span(st.Within, st.WithinBD)
	}
	return st.Kind
}

func condText(c *Cond) string {
	if c == nil {
		return "``"
	}
	s := "`" + strings.Join(strings.Fields(c.Text), " ") + "`"
	if c.Event != "" {
		s += " [event " + c.Event + "]"
	}
	for i, f := range c.Filters {
		s += fmt.Sprintf(" [filter %d: %s]", i, condText(f))
	}
	return s
}

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func days(d []bool) string {
	if len(d) == 0 {
		return "every day"
	}
	var out []string
	for i, on := range d {
		if on {
			out = append(out, weekdays[i])
		}
	}
	return strings.Join(out, " ")
}
