package parser

import (
	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

func (p *parser) block(g *gBlock) *ast.Block {
	if g == nil {
		return nil
	}
	n := &ast.Block{
		Angle: g.Open.Value == "<",
		Open:  p.leaf(g.Open.Pos, g.Open.Value),
		Close: p.leaf(g.Close.Pos, g.Close.Value),
		Pos:   p.span(g.Pos, g.Tokens),
	}
	n.Steps = lowerAll(g.Steps, p.step)
	return n
}

func (p *parser) step(g *gStep) ast.Step {
	base := ast.StepBase{Pos: p.span(g.Pos, g.Tokens)}
	if g.After != nil {
		base.After = p.after(g.After)
	}
	switch {
	case g.Send != nil:
		base.Keyword = p.word(g.Send.Pos)
		return &ast.Send{StepBase: base, Channel: p.ident(g.Send.Channel), Template: p.str(g.Send.Template)}
	case g.Notify != nil:
		base.Keyword = p.word(g.Notify.Pos)
		return &ast.Notify{StepBase: base, Team: p.ident(g.Notify.Team), Text: p.str(g.Notify.Text)}
	case g.Task != nil:
		base.Keyword = p.word(g.Task.Pos)
		return &ast.Task{StepBase: base, Title: p.str(g.Task.Title), For: p.ident(g.Task.For), Due: p.dur(g.Task.Due)}
	case g.Set != nil:
		base.Keyword = p.word(g.Set.Pos)
		return &ast.Set{StepBase: base, Field: p.path(g.Set.Field), Value: p.expr(g.Set.Value)}
	case g.Tag != nil:
		base.Keyword = p.word(g.Tag.Pos)
		return &ast.Tag{StepBase: base, Remove: g.Tag.Verb == "untag", Tag: p.str(g.Tag.Tag)}
	case g.Webhook != nil:
		base.Keyword = p.word(g.Webhook.Pos)
		return &ast.Webhook{StepBase: base, Name: p.ident(g.Webhook.Name)}
	case g.Goto != nil:
		base.Keyword = p.word(g.Goto.Pos)
		return &ast.Goto{StepBase: base, Stage: p.ident(g.Goto.Stage)}
	case g.Next != nil:
		base.Keyword = p.word(g.Next.Pos)
		return &ast.Next{StepBase: base}
	case g.Exit != nil:
		base.Keyword = p.word(g.Exit.Pos)
		return &ast.ExitStep{StepBase: base, Reason: p.str(g.Exit.Reason)}
	case g.If != nil:
		return p.ifStep(base, g.If)
	case g.Split != nil:
		return p.split(base, g.Split)
	}
	return p.wait(base, g.Wait)
}

func (p *parser) ifStep(base ast.StepBase, g *gIf) *ast.If {
	base.Keyword = p.word(g.Pos)
	n := &ast.If{StepBase: base, Cond: p.expr(g.Cond), Then: p.block(g.Then)}
	if g.Else != nil {
		n.ElseKw = p.word(g.Else.Pos)
		if g.Else.If != nil {
			inner := p.ifStep(ast.StepBase{}, g.Else.If)
			inner.Pos = pos.Join(inner.Keyword, lastBlock(inner).Pos)
			n.ElseIf = inner
		} else {
			n.Else = p.block(g.Else.Block)
		}
	}
	return n
}

// lastBlock returns the block an if chain ends with.
func lastBlock(n *ast.If) *ast.Block {
	for {
		switch {
		case n.ElseIf != nil:
			n = n.ElseIf
		case n.Else != nil:
			return n.Else
		default:
			return n.Then
		}
	}
}

func (p *parser) split(base ast.StepBase, g *gSplit) *ast.Split {
	base.Keyword = p.word(g.Pos)
	n := &ast.Split{
		StepBase: base,
		Name:     p.ident(g.Name),
		Open:     p.leaf(g.Open.Pos, g.Open.Value),
		Close:    p.leaf(g.Close.Pos, g.Close.Value),
	}
	n.Arms = lowerAll(g.Arms, func(a *gArm) *ast.Arm {
		return &ast.Arm{
			Weight: p.percent(a.Weight),
			Name:   p.ident(a.Name),
			Body:   p.block(a.Body),
			Pos:    p.span(a.Pos, a.Tokens),
		}
	})
	return n
}

func (p *parser) wait(base ast.StepBase, g *gWait) *ast.Wait {
	base.Keyword = p.word(g.Pos)
	n := &ast.Wait{
		StepBase: base,
		Events:   p.idents(g.Events),
		When:     p.expr(g.When),
		Within:   p.dur(g.Within),
		Body:     p.block(g.Body),
	}
	if g.Timeout != nil {
		n.TimeoutKw = p.word(g.Timeout.Pos)
		n.Timeout = p.block(g.Timeout.Block)
	}
	return n
}

// after lowers a step's prefix: `after D`, `after D at HH:MM` or
// `at HH:MM`.
func (p *parser) after(g *gAfter) *ast.After {
	n := &ast.After{}
	if g.Delay != nil {
		n.Delay = p.dur(g.Delay)
		n.Keyword = p.word(g.Pos)
		n.Pos = pos.Join(n.Keyword, n.Delay.Pos)
	}
	if g.At != nil {
		n.AtKw = p.word(g.At.Pos)
		n.At = p.clock(g.At.Clock)
		if n.Delay == nil {
			n.Pos = pos.Join(n.AtKw, n.At.Pos)
		} else {
			n.Pos = pos.Join(n.Keyword, n.At.Pos)
		}
	}
	return n
}
