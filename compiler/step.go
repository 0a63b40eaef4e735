package compiler

// Checking the steps of a block: their timeline (offsets never decrease),
// what they name (templates, stages, events, fields), their conditions and
// values, and the shape of splits.

import (
	"math"
	"slices"
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// channelNames are the channels a send may name.
var channelNames = []string{"email", "push", "sms"}

// consentChannels are the channels a contact's consent is kept for
// (runtime.Channels): subscribed() names one.
var consentChannels = []string{"email", "sms"}

// stepCtx is where a block stands.
type stepCtx struct {
	file   string
	info   *journeyInfo
	stage  *ast.Stage
	last   bool   // the stage is the journey's last
	event  string // the event in scope: inside a `wait for` body
	splits map[string]pos.Span
}

func (c *checker) block(ctx *stepCtx, b *ast.Block) {
	c.unreachableSteps(ctx, b)
	prev := offsetOf(nil)
	var prevAfter *ast.After
	for _, st := range b.Steps {
		// Each step is compared with the one above it, so one step out of
		// order is reported once.
		a := st.Delay()
		at := offsetOf(a)
		switch {
		case at.before(prev) && a != nil:
			c.report(errDecreasingOffset(ctx.file, a, prevAfter))
		case at.before(prev):
			c.report(newError(ctx.file, stepKeyword(st), CodeDecreasingOffset, "this step runs when the block starts, before the step above it (%s): offsets in a block never decrease", prefixText(prevAfter)))
		}
		prev, prevAfter = at, a
		c.prefix(ctx.file, a)
		c.step(ctx, st)
	}
}

// unreachableSteps warns, once per block, of the steps that follow an
// `exit`, a `goto` or a `next` in the same block: offsets never decrease
// and steps at one offset run in written order, so the contact has left
// the journey or the stage before they are due, and they never run.
func (c *checker) unreachableSteps(ctx *stepCtx, b *ast.Block) {
	for i, st := range b.Steps {
		switch st.(type) {
		case *ast.ExitStep, *ast.Goto, *ast.Next:
			if rest := b.Steps[i+1:]; len(rest) > 0 {
				c.report(errUnreachableSteps(ctx.file, st, rest))
			}
			return
		}
	}
}

// stepKeyword is the span of a step's keyword.
func stepKeyword(st ast.Step) pos.Span {
	switch st := st.(type) {
	case *ast.Send:
		return st.Keyword
	case *ast.Notify:
		return st.Keyword
	case *ast.Task:
		return st.Keyword
	case *ast.Set:
		return st.Keyword
	case *ast.Tag:
		return st.Keyword
	case *ast.Webhook:
		return st.Keyword
	case *ast.Goto:
		return st.Keyword
	case *ast.Next:
		return st.Keyword
	case *ast.ExitStep:
		return st.Keyword
	case *ast.If:
		return st.Keyword
	case *ast.Split:
		return st.Keyword
	case *ast.Wait:
		return st.Keyword
	}
	return st.Span()
}

func (c *checker) step(ctx *stepCtx, st ast.Step) {
	switch st := st.(type) {
	case *ast.Send:
		if st.Channel != nil && !slices.Contains(channelNames, st.Channel.Name) {
			c.report(errUnknownChannel(ctx.file, st.Channel))
		}
		c.template(ctx.file, st.Template)
	case *ast.Notify:
		c.team(ctx.file, st.Team)
		c.stepText(ctx.file, st.Text)
	case *ast.Task:
		c.team(ctx.file, st.For)
		c.stepText(ctx.file, st.Title)
		if st.Due != nil && st.Due.Value <= 0 && c.readable(ctx.file, st.Due) {
			c.report(errZeroDuration(ctx.file, st.Due, "a task's due time"))
		}
	case *ast.Set:
		if f, path := c.fieldPath(ctx.file, st.Field); f != nil {
			c.value(ctx.file, st.Value, ctx.event, f, path)
		}
	case *ast.Goto:
		if !ctx.info.hasStage(st.Stage.Name) {
			c.report(errUnknownStage(ctx.file, st.Stage, stageNames(ctx.info)))
		}
	case *ast.Next:
		if ctx.last {
			c.report(errNextInLastStage(ctx.file, st.Keyword, ctx.stage.Name.Name))
		}
	case *ast.If:
		for n := st; n != nil; n = n.ElseIf {
			c.condition(ctx.file, n.Cond, ctx.event)
			c.block(ctx, n.Then)
			if n.Else != nil {
				c.block(ctx, n.Else)
			}
		}
	case *ast.Split:
		c.split(ctx, st)
	case *ast.Wait:
		event := c.events(ctx.file, st.Events)
		if st.When != nil {
			c.condition(ctx.file, st.When, event)
		}
		if st.Within.Value <= 0 && c.readable(ctx.file, st.Within) {
			c.report(errZeroDuration(ctx.file, st.Within, "a wait's deadline"))
		}
		inner := *ctx
		inner.event = event
		c.block(&inner, st.Body)
		if st.Timeout != nil {
			c.block(ctx, st.Timeout)
		}
	}
}

// template checks that a send's template exists.
func (c *checker) template(file string, s *ast.String) {
	if _, ok := c.ws.Templates[s.Value]; !ok {
		c.report(errUnknownTemplate(file, s, c.ws.TemplateNames()))
	}
}

// fieldPath resolves `set a.b = …`'s target, reporting the first name that
// is not a field.
func (c *checker) fieldPath(file string, p *ast.Path) (*Field, string) {
	o := c.schema.Contact
	var f *Field
	var names []string
	for _, part := range p.Parts {
		names = append(names, part.Name)
		if o == nil {
			c.report(errUnknownField(file, part, strings.Join(names, "."), nil))
			return nil, ""
		}
		if f = o.Field(part.Name); f == nil {
			c.report(errUnknownField(file, part, strings.Join(names, "."), o.Names()))
			return nil, ""
		}
		o = f.Type.Object
	}
	return f, strings.Join(names, ".")
}

// split checks a split's arms: unique names, weights above zero adding up
// to 100%.
func (c *checker) split(ctx *stepCtx, s *ast.Split) {
	if s.Name != nil {
		if prev, ok := ctx.splits[s.Name.Name]; ok {
			c.report(errDuplicate(ctx.file, s.Name.Pos, "split", s.Name.Name, ctx.file, prev))
		} else {
			ctx.splits[s.Name.Name] = s.Name.Pos
		}
	}
	arms := map[string]*ast.Ident{}
	sum := 0.0
	for _, a := range s.Arms {
		if prev, ok := arms[a.Name.Name]; ok {
			c.report(errDuplicate(ctx.file, a.Name.Pos, "split arm", a.Name.Name, ctx.file, prev.Pos))
		} else {
			arms[a.Name.Name] = a.Name
		}
		ctx.info.arms[a.Name.Name] = true
		if a.Weight.Value <= 0 {
			c.report(errZeroWeight(ctx.file, a.Weight))
		}
		sum += a.Weight.Value
		c.block(ctx, a.Body)
	}
	if len(s.Arms) == 0 {
		c.report(newError(ctx.file, pos.Join(s.Keyword, s.Close), CodeInvalidSplitWeights, "a split needs arms whose weights add up to 100%%"))
	}
	if len(s.Arms) > 0 && math.Abs(sum-100) > 1e-9 {
		c.report(errSplitWeights(ctx.file, pos.Join(s.Keyword, s.Close), sum))
	}
}

func stageNames(info *journeyInfo) []string { return sortedNames(info.stages) }
