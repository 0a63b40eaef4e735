package parser

import (
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// Schema declarations.

func (p *parser) contact(g *gContact) *ast.ContactDecl {
	return &ast.ContactDecl{Keyword: p.word(g.Pos), Fields: p.fields(g.Fields), Pos: p.span(g.Pos, g.Tokens)}
}

func (p *parser) eventDecl(g *gEventDecl) *ast.EventDecl {
	n := &ast.EventDecl{Keyword: p.word(g.Pos), Name: p.ident(g.Name), Pos: p.span(g.Pos, g.Tokens)}
	if g.Open != nil {
		n.Fields = p.fields(g.Fields)
		if n.Fields == nil {
			n.Fields = []*ast.Field{}
		}
		n.Inline = g.Open.Pos.Line == g.Close.Pos.Line
	}
	return n
}

func (p *parser) fields(gs []*gField) []*ast.Field {
	return lowerAll(gs, func(g *gField) *ast.Field {
		return &ast.Field{Name: p.ident(g.Name), Type: p.typ(g.Type), Pos: p.span(g.Pos, g.Tokens)}
	})
}

func (p *parser) typ(g *gType) ast.Type {
	toks := g.Tokens
	if g.Optional {
		toks = toks[:len(toks)-1]
	}
	span := p.span(g.Pos, toks)
	var t ast.Type
	switch {
	case g.List != nil:
		t = &ast.ListType{Elem: p.typ(g.List), Pos: span}
	case g.MapKey != nil:
		t = &ast.MapType{Key: p.typ(g.MapKey), Elem: p.typ(g.MapElem), Pos: span}
	case g.Object != nil:
		t = &ast.ObjectType{
			Fields: p.fields(g.Object.Fields),
			Inline: g.Object.Open.Pos.Line == g.Object.Close.Pos.Line,
			Pos:    span,
		}
	case g.Named != nil:
		t = &ast.NamedType{Name: p.ident(g.Named)}
	default:
		t = &ast.EnumType{Values: lowerAll(g.Enum, p.ident), Pos: span}
	}
	if g.Optional {
		return &ast.OptionalType{Elem: t, Pos: p.span(g.Pos, g.Tokens)}
	}
	return t
}

// budget lowers the workspace's send budget.
func (p *parser) budget(g *gBudget) *ast.BudgetDecl {
	return &ast.BudgetDecl{
		Keyword: p.word(g.Pos),
		Count:   p.int(g.Count),
		Unit:    p.ident(g.Unit),
		Per:     p.dur(g.Per),
		Word:    p.ident(g.Word),
		Pos:     p.span(g.Pos, g.Tokens),
	}
}

// Journey clauses.

func (p *parser) entry(g *gEntry) *ast.Entry {
	n := &ast.Entry{Keyword: p.word(g.Pos), On: p.idents(g.On), When: p.expr(g.When), Pos: p.span(g.Pos, g.Tokens)}
	if n.On == nil && n.When == nil {
		p.errorf(n.Pos, CodeEmptyEntry, "entry needs a trigger: `entry on EVENT`, `entry on EVENT when CONDITION` or `entry when CONDITION`")
	}
	return n
}

func (p *parser) window(g *gWindow) *ast.Window {
	n := &ast.Window{Keyword: p.word(g.Pos), From: p.clock(g.From), To: p.clock(g.To), Pos: p.span(g.Pos, g.Tokens)}
	n.Days = lowerAll(g.Days, func(d *gDayRange) *ast.DayRange {
		return &ast.DayRange{From: p.ident(d.From), To: p.ident(d.To), Pos: p.span(d.Pos, d.Tokens)}
	})
	return n
}

// onChange lowers `on change WORD`; its keyword spans both words.
func (p *parser) onChange(g *gOnChange) *ast.OnChange {
	kw := p.word(g.Pos)
	if len(g.Tokens) > 1 {
		kw = pos.Join(kw, p.word(g.Tokens[1].Pos))
	}
	return &ast.OnChange{Keyword: kw, Word: p.ident(g.Word), Pos: p.span(g.Pos, g.Tokens)}
}

func (p *parser) stage(g *gStage) *ast.Stage {
	return &ast.Stage{
		Keyword: p.word(g.Pos),
		Name:    p.ident(g.Name),
		On:      p.idents(g.On),
		When:    p.expr(g.When),
		Body:    p.block(g.Body),
		Pos:     p.span(g.Pos, g.Tokens),
	}
}

// Tests.

func (p *parser) test(g *gTest) *ast.Test {
	n := &ast.Test{Keyword: p.word(g.Pos), Name: p.str(g.Name), Pos: p.span(g.Pos, g.Tokens)}
	n.Stmts = lowerAll(g.Stmts, p.testStmt)
	return n
}

func (p *parser) testStmt(g *gTestStmt) ast.TestStmt {
	base := ast.TestBase{Pos: p.span(g.Pos, g.Tokens)}
	if g.At != nil {
		base.At = p.at(g.At)
	}
	switch {
	case g.Journey != nil:
		base.Keyword = p.word(g.Journey.Pos)
		return &ast.TestJourney{TestBase: base, Name: p.ident(g.Journey.Name)}
	case g.Contact != nil:
		base.Keyword = p.word(g.Contact.Pos)
		return &ast.TestContact{TestBase: base, ID: p.str(g.Contact.ID), Value: p.object(g.Contact.Value)}
	case g.Start != nil:
		base.Keyword = p.word(g.Start.Pos)
		return &ast.TestStart{TestBase: base, Start: p.str(g.Start.Time)}
	case g.Event != nil:
		base.Keyword = p.word(g.Event.Pos)
		return &ast.TestEvent{TestBase: base, Name: p.ident(g.Event.Name), Payload: p.object(g.Event.Payload)}
	case g.Set != nil:
		base.Keyword = p.word(g.Set.Pos)
		return &ast.TestSet{TestBase: base, Field: p.path(g.Set.Field), Value: p.expr(g.Set.Value)}
	case g.Consent != nil:
		base.Keyword = p.word(g.Consent.Pos)
		return &ast.TestConsent{TestBase: base, Subscribe: g.Consent.Verb == "resubscribe", Channel: p.ident(g.Consent.Channel)}
	}
	return p.expect(base, g.Expect)
}

func (p *parser) at(g *gAt) *ast.At {
	n := &ast.At{Keyword: p.word(g.Pos)}
	if g.Duration != nil {
		n.Time = p.dur(g.Duration)
	} else {
		n.Time = &ast.Duration{Raw: g.Zero.Raw, Pos: p.leaf(g.Zero.Pos, g.Zero.Raw)}
		if g.Zero.Raw != "0" {
			p.errorf(n.Time.Pos, CodeMissingDurationUnit, "test time %s needs a unit, such as %sd or %sh; only 0 is written bare", g.Zero.Raw, g.Zero.Raw, g.Zero.Raw)
		}
	}
	n.Pos = pos.Join(n.Keyword, n.Time.Pos)
	return n
}

func (p *parser) expect(base ast.TestBase, g *gExpect) *ast.Expect {
	base.Keyword = p.word(g.Pos)
	n := &ast.Expect{TestBase: base, Not: g.Not, Cond: p.expr(g.Cond)}
	k := g.Kind
	if k == nil {
		return n
	}
	kind := func(word string) *ast.Ident { return &ast.Ident{Name: word, Pos: p.leaf(k.Pos, word)} }
	switch {
	case k.Named != "":
		n.Kind, n.Name = kind(k.Named), p.ident(k.Name)
	case k.Sent:
		n.Kind, n.Name, n.Text, n.By = kind("sent"), p.ident(k.Chan), p.str(k.SentT), p.dur(k.By)
		n.Subject, n.Containing = p.str(k.Subj), p.str(k.Contai)
	case k.Notif:
		n.Kind, n.Name, n.Text = kind("notified"), p.ident(k.Team), p.str(k.NotifT)
	case k.Texted != "":
		n.Kind, n.Text = kind(k.Texted), p.str(k.Text)
	case k.Exited:
		n.Kind, n.Text = kind("exited"), p.str(k.Reason)
	default:
		n.Kind = kind("enrolled")
	}
	return n
}

func (p *parser) object(g *gObject) *ast.Object {
	if g == nil {
		return nil
	}
	n := &ast.Object{Inline: g.Open.Pos.Line == g.Close.Pos.Line, Pos: p.span(g.Pos, g.Tokens)}
	n.Fields = lowerAll(g.Fields, func(f *gObjectField) *ast.ObjectField {
		return &ast.ObjectField{Key: p.ident(f.Key), Value: p.value(f.Value), Pos: p.span(f.Pos, f.Tokens)}
	})
	return n
}

func (p *parser) value(g *gValue) ast.Value {
	switch {
	case g.String != nil:
		return p.str(g.String)
	case g.Duration != nil:
		return p.dur(g.Duration)
	case g.Number != "":
		return &ast.Number{Raw: rawOf(g.Tokens), Pos: p.span(g.Pos, g.Tokens)}
	case g.Word != "":
		return &ast.Word{Name: g.Word, Pos: p.leaf(g.Pos, g.Word)}
	case g.List != nil:
		return &ast.List{Elems: lowerAll(g.List.Elems, p.value), Pos: p.span(g.Pos, g.Tokens)}
	}
	return p.object(g.Object)
}

// rawOf joins the text of tokens: `-` `5` gives -5.
func rawOf(toks []lexer.Token) string {
	s := ""
	for _, t := range toks {
		s += t.Value
	}
	return s
}

// rule lowers a workspace rule.
func (p *parser) rule(g *gRule) *ast.RuleDecl {
	n := &ast.RuleDecl{Keyword: p.word(g.Pos), Name: p.ident(g.Name), When: p.expr(g.When), Body: p.block(g.Body), Pos: p.span(g.Pos, g.Tokens)}
	n.On = lowerAll(g.On, p.ident)
	if g.Every != nil {
		n.EveryKw, n.Every = p.word(g.Every.Pos), p.dur(g.Every.Every)
	}
	return n
}
