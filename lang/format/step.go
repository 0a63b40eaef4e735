package format

import (
	"strings"

	"github.com/journeylang/journey/lang/ast"
)

// block prints a construct that ends in a block: head (the text before the
// `{`) on a line starting at source line start, then the steps one per
// line, then the closing brace. An empty block prints `head {}`.
func (p *printer) block(start int32, b *ast.Block, head string) {
	p.blockLine(start, noRun, b, head)
}

// blockLine is block for a header line that may join a run (an `after`
// step); head is one cell, or two for a run.
func (p *printer) blockLine(start int32, kind runKind, b *ast.Block, head ...string) {
	if p.emptyBlock(b) {
		p.emit(start, b.Close.End, kind, appendLast(head, " {}")...)
		return
	}
	p.open(start, b.Open.End, kind, appendLast(head, " {")...)
	p.steps(b.Steps)
	p.close(b.Close.End, "}", false)
}

// appendLast returns cells with s appended to the last one.
func appendLast(cells []string, s string) []string {
	out := append([]string(nil), cells...)
	out[len(out)-1] += s
	return out
}

// steps prints the steps of a block, one per line.
func (p *printer) steps(ss []ast.Step) {
	for _, s := range ss {
		p.step(s)
	}
}

// prefix prints a step's prefix: `after D`, `after D at HH:MM` or
// `at HH:MM`.
func prefix(a *ast.After) string {
	var parts []string
	if a.Delay != nil {
		parts = append(parts, "after "+duration(a.Delay))
	}
	if a.At != nil {
		parts = append(parts, "at "+raw(a.At))
	}
	return strings.Join(parts, " ")
}

// step prints one step. A step with an `after` prefix prints it as the
// first cell of an afterRun line.
func (p *printer) step(s ast.Step) {
	start := s.Span().Start.Line
	kind := noRun
	var cells []string
	if a := s.Delay(); a != nil {
		kind = afterRun
		cells = []string{prefix(a)}
	}
	line := func(text string) {
		p.emit(start, s.Span().End, kind, append(cells, text)...)
	}
	switch s := s.(type) {
	case *ast.Send:
		text := "send "
		if s.Channel != nil {
			text += name(s.Channel) + " "
		}
		line(text + str(s.Template))
	case *ast.Notify:
		line("notify " + name(s.Team) + " " + str(s.Text))
	case *ast.Task:
		text := "task " + str(s.Title)
		if s.For != nil {
			text += " for " + name(s.For)
		}
		if s.Due != nil {
			text += " due " + duration(s.Due)
		}
		line(text)
	case *ast.Set:
		line("set " + path(s.Field) + " = " + expr(s.Value))
	case *ast.Tag:
		if s.Remove {
			line("untag " + str(s.Tag))
		} else {
			line("tag " + str(s.Tag))
		}
	case *ast.Webhook:
		line("webhook " + name(s.Name))
	case *ast.Goto:
		line("goto " + name(s.Stage))
	case *ast.Next:
		line("next")
	case *ast.ExitStep:
		if s.Reason != nil {
			line("exit " + str(s.Reason))
		} else {
			line("exit")
		}
	case *ast.If:
		p.ifStep(start, kind, cells, s)
	case *ast.Split:
		p.split(start, kind, cells, s)
	case *ast.Wait:
		p.wait(start, kind, cells, s)
	}
	// A *ast.BadStep has no text to print: File is for trees that parsed
	// without errors.
}

// ifStep prints `if COND {` … `} else if COND {` … `} else {` … `}`. Every
// block but the last closes on a `} else … {` line.
func (p *printer) ifStep(start int32, kind runKind, cells []string, s *ast.If) {
	head := append(cells, "if "+expr(s.Cond))
	if s.Else == nil && s.ElseIf == nil {
		p.blockLine(start, kind, s.Then, head...)
		return
	}
	p.open(start, s.Then.Open.End, kind, appendLast(head, " {")...)
	for {
		p.steps(s.Then.Steps)
		if s.ElseIf != nil {
			s = s.ElseIf
			p.close(s.Then.Open.End, "} else if "+expr(s.Cond)+" {", true)
			continue
		}
		if s.Else != nil {
			p.close(s.Else.Open.End, "} else {", true)
			p.steps(s.Else.Steps)
			p.close(s.Else.Close.End, "}", false)
		} else {
			p.close(s.Then.Close.End, "}", false)
		}
		return
	}
}

// split prints `split [NAME] {`, its arms `50% a {` … `}`, and `}`.
func (p *printer) split(start int32, kind runKind, cells []string, s *ast.Split) {
	head := "split"
	if s.Name != nil {
		head += " " + name(s.Name)
	}
	if len(s.Arms) == 0 && !p.commentsIn(s.Open.Start.Offset, s.Close.Start.Offset) {
		p.emit(start, s.Close.End, kind, append(cells, head+" {}")...)
		return
	}
	p.open(start, s.Open.End, kind, append(cells, head+" {")...)
	for _, a := range s.Arms {
		armHead := raw(a.Weight) + " " + name(a.Name)
		if a.Body == nil {
			p.emit(a.Pos.Start.Line, a.Pos.End, noRun, armHead)
			continue
		}
		p.block(a.Pos.Start.Line, a.Body, armHead)
	}
	p.close(s.Close.End, "}", false)
}

// wait prints `wait for EVENT [when COND] within D {` … `} timeout {` … `}`.
func (p *printer) wait(start int32, kind runKind, cells []string, s *ast.Wait) {
	text := "wait for " + names(s.Events)
	if s.When != nil {
		text += " when " + expr(s.When)
	}
	text += " within " + duration(s.Within)
	head := append(cells, text)
	if s.Body == nil {
		p.emit(start, s.Span().End, kind, head...)
		return
	}
	if s.Timeout == nil {
		p.blockLine(start, kind, s.Body, head...)
		return
	}
	p.open(start, s.Body.Open.End, kind, appendLast(head, " {")...)
	p.steps(s.Body.Steps)
	p.close(s.Timeout.Open.End, "} timeout {", true)
	p.steps(s.Timeout.Steps)
	p.close(s.Timeout.Close.End, "}", false)
}

func path(n *ast.Path) string {
	if n == nil {
		return ""
	}
	return n.String()
}
