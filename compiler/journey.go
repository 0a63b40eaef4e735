package compiler

// Checking one journey: its policies (entry, exit, goal, suppress, window,
// cap, reenter, on change), its stages and their triggers, and which
// stages a contact can reach.

import (
	"slices"
	"strconv"
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// weekdays are the day names of a window, Monday first.
var weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// onChangeWords are the words of `on change`: what a new version of the
// journey does to the contacts in flight.
var onChangeWords = []string{"migrate", OnChangeDrain}

func (c *checker) journey(file string, j *ast.Journey) {
	if isTestFile(file) {
		return // reported as misplaced
	}
	info := c.journeys[j.Name.Name]
	if info == nil || info.decl != j {
		// A duplicate journey: checked on its own, known to no test.
		info = newJourneyInfo(file, j)
	}
	stages := j.Stages()
	for _, s := range stages {
		if first := info.stages[s.Name.Name]; first != s {
			c.report(errDuplicate(file, s.Name.Pos, "stage", s.Name.Name, file, first.Name.Pos))
		}
	}
	policies := map[string]pos.Span{}
	once := func(keyword string, kw pos.Span) bool {
		if prev, ok := policies[keyword]; ok {
			c.report(errDuplicatePolicy(file, kw, keyword, prev))
			return false
		}
		policies[keyword] = kw
		return true
	}
	for _, it := range j.Items {
		switch it := it.(type) {
		case *ast.Entry:
			event := c.events(file, it.On)
			if it.When != nil {
				c.condition(file, it.When, event)
			}
		case *ast.Exit:
			c.condition(file, it.When, "")
		case *ast.Goal:
			if prev, ok := info.goals[it.Name.Name]; ok {
				c.report(errDuplicate(file, it.Name.Pos, "goal", it.Name.Name, file, prev.Name.Pos))
			} else {
				info.goals[it.Name.Name] = it
			}
			c.condition(file, it.When, "")
		case *ast.Suppress:
			c.condition(file, it.When, "")
		case *ast.Window:
			if once("window", it.Keyword) {
				c.window(file, it)
			}
		case *ast.Cap:
			if once("cap", it.Keyword) {
				c.capClause(file, it)
			}
		case *ast.Reenter:
			if once("reenter", it.Keyword) {
				c.reenter(file, it)
			}
		case *ast.OnChange:
			if once("on change", it.Keyword) && !slices.Contains(onChangeWords, it.Word.Name) {
				c.report(errOnChange(file, it.Word.Pos, it.Word.Name))
			}
		}
	}
	splits := map[string]pos.Span{}
	always, never := make([]bool, len(stages)), make([]bool, len(stages))
	for i, s := range stages {
		event := c.events(file, s.On)
		if s.When != nil {
			cond := c.condition(file, s.When, event)
			always[i] = len(s.On) == 0 && cond.always != nil && *cond.always
			never[i] = cond.always != nil && !*cond.always
		}
		if s.Body != nil {
			c.block(&stepCtx{file: file, info: info, stage: s, last: i == len(stages)-1, event: "", splits: splits}, s.Body)
		}
	}
	if len(stages) == 0 && !hasErrors(c.parseDiags, file) {
		c.report(newWarning(file, j.Name.Pos, CodeEmptyJourney, "journey %s has no stage: contacts who enter it do nothing", j.Name.Name))
	}
	c.reachability(file, stages, always, never)
	c.loops(file, stages)
}

// event checks the event an `on` or `wait for` names and returns its name
// for the condition's scope ("" when there is none).
func (c *checker) event(file string, n *ast.Ident) string {
	if n == nil {
		return ""
	}
	if c.schema.Events[n.Name] == nil {
		c.report(errUnknownEvent(file, n, c.schema.EventNames()))
	}
	return n.Name
}

// window checks `window HH:MM-HH:MM days`.
func (c *checker) window(file string, w *ast.Window) {
	from, okFrom := clockMinutes(w.From.Raw)
	to, okTo := clockMinutes(w.To.Raw)
	switch {
	case !okFrom:
		c.report(errWindow(file, w.From.Pos, "%s is not a time of day", w.From.Raw))
	case !okTo:
		c.report(errWindow(file, w.To.Pos, "%s is not a time of day", w.To.Raw))
	case from == to:
		c.report(errWindow(file, pos.Join(w.From.Pos, w.To.Pos), "the window %s-%s is empty", w.From.Raw, w.To.Raw))
	case from == 24*60:
		c.report(errWindow(file, w.From.Pos, "a window cannot open at 24:00; write 00:00"))
	}
	for _, d := range w.Days {
		for _, day := range []*ast.Ident{d.From, d.To} {
			if day != nil && dayIndex(day.Name) < 0 {
				d := errWindow(file, day.Pos, "%q is not a day", day.Name)
				c.report(withSuggestion(d, day.Name, weekdays))
			}
		}
	}
}

// clockMinutes reads HH:MM as minutes after midnight; 24:00 is the end of
// the day.
func clockMinutes(raw string) (int, bool) {
	h, m, ok := strings.Cut(raw, ":")
	if !ok || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh > 24 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

func dayIndex(name string) int { return slices.Index(weekdays, name) }

// capClause checks `cap N sends per D`.
func (c *checker) capClause(file string, k *ast.Cap) {
	switch {
	case k.Count.Value < 1 && c.readable(file, k.Count):
		c.report(errCap(file, k.Count.Pos, "a cap of %d sends lets nothing through; the count must be 1 or more", k.Count.Value))
	case k.Unit.Name != "sends" && k.Unit.Name != "send":
		c.report(withSuggestion(errCap(file, k.Unit.Pos, "a cap counts sends, not %q", k.Unit.Name), k.Unit.Name, []string{"sends"}))
	case !c.calendar(file, k.Per, "the period of a cap"):
	case k.Per.Value <= 0 && c.readable(file, k.Per):
		c.report(errZeroDuration(file, k.Per, "the period of a cap"))
	}
}

// reenter checks `reenter never` or `reenter after D`.
func (c *checker) reenter(file string, r *ast.Reenter) {
	switch {
	case r.Word != nil && r.Word.Name != "never":
		c.report(errReenter(file, r.Word.Pos, r.Word.Name))
	case !c.calendar(file, r.After, "the wait before re-entry"):
	case r.After != nil && r.After.Value <= 0 && c.readable(file, r.After):
		c.report(errZeroDuration(file, r.After, "the wait before re-entry"))
	}
}

// readable reports whether the parser read a duration or a number without
// error: one it could not read has the value 0, which is not the author's.
func (c *checker) readable(file string, n ast.Node) bool {
	for _, x := range c.parseDiags {
		if x.File == file && x.Range.Start.Offset == n.Span().Start.Offset {
			return false
		}
	}
	return true
}

// reachability warns about stages no contact can reach, and stages every
// contact moves past because a later stage's trigger always holds.
func (c *checker) reachability(file string, stages []*ast.Stage, always []bool, never []bool) {
	index := map[string]int{}
	for i, s := range stages {
		if _, dup := index[s.Name.Name]; !dup {
			index[s.Name.Name] = i
		}
	}
	// A stage is reached at enrollment (the first), by its trigger, or by
	// a goto or next in a stage that is itself reached: grow the set of
	// reached stages until it stops growing.
	reached := make([]bool, len(stages))
	for i, s := range stages {
		reached[i] = i == 0 || ((len(s.On) > 0 || s.When != nil) && !never[i])
	}
	for changed := true; changed; {
		changed = false
		for i, s := range stages {
			if !reached[i] || s.Body == nil {
				continue
			}
			walkSteps(s.Body, func(st ast.Step) {
				target := -1
				switch st := st.(type) {
				case *ast.Goto:
					if k, ok := index[st.Stage.Name]; ok {
						target = k
					}
				case *ast.Next:
					if i+1 < len(stages) {
						target = i + 1
					}
				}
				if target >= 0 && !reached[target] {
					reached[target], changed = true, true
				}
			})
		}
	}
	for i, s := range stages {
		if !reached[i] && index[s.Name.Name] == i {
			c.report(errUnreachable(file, s.Name))
		}
	}
	for k := len(stages) - 1; k > 0; k-- {
		if !always[k] {
			continue
		}
		for _, s := range stages[:k] {
			c.report(errSkipped(file, s.Name, stages[k]))
		}
		break
	}
}

// walkSteps calls fn for every step of b, nested blocks included.
func walkSteps(b *ast.Block, fn func(ast.Step)) {
	if b == nil {
		return
	}
	for _, st := range b.Steps {
		fn(st)
		switch st := st.(type) {
		case *ast.If:
			for n := st; n != nil; n = n.ElseIf {
				walkSteps(n.Then, fn)
				walkSteps(n.Else, fn)
			}
		case *ast.Split:
			for _, a := range st.Arms {
				walkSteps(a.Body, fn)
			}
		case *ast.Wait:
			walkSteps(st.Body, fn)
			walkSteps(st.Timeout, fn)
		}
	}
}
