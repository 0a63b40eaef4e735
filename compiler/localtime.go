package compiler

// A step's time as written: its offset from the start of its block
// (`after D`, in calendar time or in business days, 2bd), and the local
// time of day it waits for (`at HH:MM`, in the contact's time zone). The
// checker orders the steps of a block by the offset first, then the time
// of day; a count of business days is ordered by its least calendar
// length (2bd is at least 2d). Business days are counted only where a
// contact waits for a step, a task falls due or a wait gives up: `after`,
// `due` and `within`. A cap, a budget, a re-entry and a test's clock
// count calendar time, and the checker says so.

import (
	"strconv"
	"strings"
	"time"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// offset orders step prefixes: the delay, then the time of day (-1 for
// none, which comes first).
type offset struct {
	delay time.Duration
	clock int
}

func (o offset) before(p offset) bool {
	return o.delay < p.delay || (o.delay == p.delay && o.clock < p.clock)
}

// offsetOf is the offset a prefix writes; nil is the start of the block.
func offsetOf(a *ast.After) offset {
	o := offset{clock: -1}
	if a == nil {
		return o
	}
	if a.Delay != nil {
		o.delay = a.Delay.Value
	}
	if a.At != nil {
		if m, ok := timeOfDay(a.At.Raw); ok {
			o.clock = m
		}
	}
	return o
}

// prefixText writes a prefix as messages quote it: `after 1d at 10:00`.
func prefixText(a *ast.After) string {
	switch {
	case a == nil:
		return "no delay"
	case a.At == nil:
		return "after " + a.Delay.Raw
	case a.Delay == nil:
		return "at " + a.At.Raw
	}
	return "after " + a.Delay.Raw + " at " + a.At.Raw
}

// prefixSpan is what a message about a prefix points at: its delay and
// time of day.
func prefixSpan(a *ast.After) pos.Span {
	switch {
	case a.Delay == nil:
		return a.At.Pos
	case a.At == nil:
		return a.Delay.Pos
	}
	return pos.Join(a.Delay.Pos, a.At.Pos)
}

// prefix checks a step's `at`: a time of day from 00:00 to 23:59.
func (c *checker) prefix(file string, a *ast.After) {
	if a == nil || a.At == nil {
		return
	}
	if _, ok := timeOfDay(a.At.Raw); !ok {
		c.report(errInvalidTimeOfDay(file, a.At))
	}
}

// timeOfDay reads a step's `at` as minutes after midnight: 00:00 to 23:59.
func timeOfDay(raw string) (int, bool) {
	m, ok := clockMinutes(raw)
	return m, ok && m < 24*60
}

// calendar reports a count of business days where only calendar time
// counts; what names the duration ("the period of a cap").
func (c *checker) calendar(file string, d *ast.Duration, what string) bool {
	if d == nil || d.Business == 0 {
		return true
	}
	c.report(errMisplacedBusinessDays(file, d, what))
	return false
}

// span lowers a duration as written: a calendar duration, or a count of
// business days (with a zero Duration). nil is zero.
func span(d *ast.Duration) (Duration, int) {
	switch {
	case d == nil:
		return 0, 0
	case d.Business > 0:
		return 0, int(d.Business)
	}
	return Duration(d.Value), 0
}

// Span writes a duration the IR holds as Journey does: 1d12h, or 2bd for
// business days.
func Span(d Duration, businessDays int) string {
	if businessDays > 0 {
		return strconv.Itoa(businessDays) + "bd"
	}
	return d.String()
}

// Offset writes a step's time as the dump, the graph and a plan show it:
// 1d, 2bd, 1d at 10:00.
func (st *Step) Offset() string {
	s := Span(st.After, st.AfterBD)
	if st.At != "" {
		s += " at " + st.At
	}
	return s
}

// AtMinutes is the step's `at` as minutes after midnight; ok is false
// without one.
func (st *Step) AtMinutes() (m int, ok bool) {
	if st.At == "" {
		return 0, false
	}
	return timeOfDay(st.At)
}

// holidays checks the workspace's `holidays` declarations, in any file and
// as many as it likes: each date is a day of the calendar written
// YYYY-MM-DD (InvalidHoliday). It returns the dates, sorted, each once.
func (c *checker) holidays() []string {
	seen := map[string]bool{}
	for _, f := range c.ws.Files {
		for _, d := range f.Decls {
			h, ok := d.(*ast.HolidaysDecl)
			if !ok {
				continue
			}
			for _, s := range h.Dates {
				if _, err := time.Parse(time.DateOnly, s.Value); err != nil {
					c.report(newError(f.Name, s.Pos, CodeInvalidHoliday, "%s is not a date written YYYY-MM-DD, such as \"2026-12-25\"", s.Raw))
					continue
				}
				seen[s.Value] = true
			}
		}
	}
	if len(seen) == 0 {
		return nil
	}
	return sortedNames(seen)
}

// DumpHolidays prints the workspace's holidays as a line, as `journey
// inspect` shows them; nothing for none.
func DumpHolidays(dates []string) string {
	if len(dates) == 0 {
		return ""
	}
	return "holidays " + strings.Join(dates, ", ") + "\n"
}
