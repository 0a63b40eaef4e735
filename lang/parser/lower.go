package parser

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/pos"
)

// lowerItem turns one parsed top-level item into ast nodes, attaching
// clauses and stages to the journey they follow.
func (p *parser) lowerItem(g *gItem) {
	var item ast.Item
	switch {
	case g.Use != nil:
		p.decl(&ast.UseDecl{Keyword: p.word(g.Use.Pos), Name: p.ident(g.Use.Name), Pos: p.span(g.Use.Pos, g.Use.Tokens)})
		return
	case g.Contact != nil:
		p.decl(p.contact(g.Contact))
		return
	case g.Event != nil:
		p.decl(p.eventDecl(g.Event))
		return
	case g.Budget != nil:
		p.decl(p.budget(g.Budget))
		return
	case g.Team != nil:
		p.decl(&ast.TeamDecl{Keyword: p.word(g.Team.Pos), Name: p.ident(g.Team.Name), Address: p.str(g.Team.Address), Pos: p.span(g.Team.Pos, g.Team.Tokens)})
		return
	case g.Rule != nil:
		p.decl(p.rule(g.Rule))
		return
	case g.Holidays != nil:
		n := &ast.HolidaysDecl{Keyword: p.word(g.Holidays.Pos), Pos: p.span(g.Holidays.Pos, g.Holidays.Tokens)}
		n.Dates = lowerAll(g.Holidays.Dates, p.str)
		p.decl(n)
		return
	case g.Test != nil:
		p.decl(p.test(g.Test))
		return
	case g.Journey != nil:
		j := &ast.Journey{
			Keyword: p.word(g.Journey.Pos),
			Name:    p.ident(g.Journey.Name),
			Title:   p.str(g.Journey.Title),
			Pos:     p.span(g.Journey.Pos, g.Journey.Tokens),
		}
		p.out.Decls = append(p.out.Decls, j)
		p.journey, p.orphaned = j, false
		return
	case g.Entry != nil:
		item = p.entry(g.Entry)
	case g.Exit != nil:
		item = &ast.Exit{Keyword: p.word(g.Exit.Pos), When: p.expr(g.Exit.When), Pos: p.span(g.Exit.Pos, g.Exit.Tokens)}
	case g.Goal != nil:
		item = &ast.Goal{Keyword: p.word(g.Goal.Pos), Name: p.ident(g.Goal.Name), When: p.expr(g.Goal.When), Pos: p.span(g.Goal.Pos, g.Goal.Tokens)}
	case g.Suppress != nil:
		item = &ast.Suppress{Keyword: p.word(g.Suppress.Pos), When: p.expr(g.Suppress.When), Pos: p.span(g.Suppress.Pos, g.Suppress.Tokens)}
	case g.Window != nil:
		item = p.window(g.Window)
	case g.Cap != nil:
		item = &ast.Cap{Keyword: p.word(g.Cap.Pos), Count: p.int(g.Cap.Count), Unit: p.ident(g.Cap.Unit), Per: p.dur(g.Cap.Per), Pos: p.span(g.Cap.Pos, g.Cap.Tokens)}
	case g.Reenter != nil:
		item = &ast.Reenter{Keyword: p.word(g.Reenter.Pos), Word: p.ident(g.Reenter.Word), After: p.dur(g.Reenter.After), Pos: p.span(g.Reenter.Pos, g.Reenter.Tokens)}
	case g.OnChange != nil:
		item = p.onChange(g.OnChange)
	case g.Stage != nil:
		item = p.stage(g.Stage)
	}
	if p.journey == nil {
		switch {
		case p.orphaned:
		case len(p.out.Journeys()) > 0:
			p.errorf(item.Span(), CodeOrphanItem, "%s outside a journey: a journey's clauses and stages follow its header, before any contact, event, budget, team, rule, holidays or test declaration", itemWord(item))
		default:
			p.errorf(item.Span(), CodeOrphanItem, "%s outside a journey: start the file with `journey NAME`", itemWord(item))
		}
		return
	}
	p.journey.Items = append(p.journey.Items, item)
	p.journey.Pos = pos.Join(p.journey.Pos, item.Span())
}

func itemWord(it ast.Item) string {
	switch it.(type) {
	case *ast.Stage:
		return "stage"
	case *ast.Entry:
		return "entry"
	case *ast.Exit:
		return "exit"
	case *ast.Goal:
		return "goal"
	case *ast.Suppress:
		return "suppress"
	case *ast.Window:
		return "window"
	case *ast.Cap:
		return "cap"
	case *ast.OnChange:
		return "on change"
	}
	return "reenter"
}

func (p *parser) decl(d ast.Decl) {
	p.journey, p.orphaned = nil, false
	p.out.Decls = append(p.out.Decls, d)
}

func (p *parser) errorf(span pos.Span, code diag.Code, format string, args ...any) {
	p.add(diag.Diagnostic{
		Severity: diag.Error, Code: code, File: p.file, Range: span,
		Message: fmt.Sprintf(format, args...),
	})
}

// Positions.

func (p *parser) pos(lp lexer.Position) pos.Pos {
	return pos.At(lp.Offset, lp.Line, lp.Column)
}

// span runs from start to the end of the last token.
func (p *parser) span(start lexer.Position, toks []lexer.Token) pos.Span {
	end := start.Offset
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].Type != tComment && !toks[i].EOF() {
			end = endOf(toks[i])
			break
		}
	}
	return pos.Span{Start: p.pos(start), End: p.lines.Pos(end)}
}

// leaf is the span of a token's text starting at start.
func (p *parser) leaf(start lexer.Position, text string) pos.Span {
	return pos.Span{Start: p.pos(start), End: p.lines.Pos(start.Offset + len(text))}
}

// word is the span of the keyword or bracket at start.
func (p *parser) word(start lexer.Position) pos.Span {
	end := start.Offset
	for end < len(p.src) && isWordByte(p.src[end]) {
		end++
	}
	if end == start.Offset {
		end++
	}
	return pos.Span{Start: p.pos(start), End: p.lines.Pos(end)}
}

// Leaves.

func (p *parser) ident(g *gIdent) *ast.Ident {
	if g == nil {
		return nil
	}
	return &ast.Ident{Name: g.Name, Pos: p.leaf(g.Pos, g.Name)}
}

// idents lowers a list of names; nil for none.
func (p *parser) idents(gs []*gIdent) []*ast.Ident { return lowerAll(gs, p.ident) }

// lowerAll lowers each of gs, in order, into a slice of their number: a
// tree holds no room it does not use. It is nil for none, as a slice
// appended to from nil would be.
func lowerAll[G, N any](gs []G, lower func(G) N) []N {
	if len(gs) == 0 {
		return nil
	}
	out := make([]N, len(gs))
	for i, g := range gs {
		out[i] = lower(g)
	}
	return out
}

func (p *parser) str(g *gString) *ast.String {
	if g == nil {
		return nil
	}
	n := &ast.String{Raw: g.Raw, Pos: p.leaf(g.Pos, g.Raw)}
	v, err := strconv.Unquote(g.Raw)
	switch {
	case err == nil:
		n.Value = v
	case strings.HasPrefix(g.Raw, `"`) && (len(g.Raw) == 1 || !strings.HasSuffix(g.Raw, `"`)):
		n.Value = g.Raw[1:] // unterminated: the lexer reported it
	case strings.HasPrefix(g.Raw, `'`):
		n.Value = strings.Trim(g.Raw, `'`) // single quotes: the lexer reported it
	default:
		n.Value = g.Raw[1 : len(g.Raw)-1]
		p.errorf(n.Pos, CodeInvalidString, "invalid escape in string %s: the escapes are Go's, such as \\n, \\t, \\\", \\\\ and \\uHHHH", g.Raw)
	}
	return n
}

func (p *parser) dur(g *gDuration) *ast.Duration {
	if g == nil {
		return nil
	}
	n := &ast.Duration{Raw: g.Raw, Pos: p.leaf(g.Pos, g.Raw)}
	v, msg := parseDuration(g.Raw)
	if msg != "" {
		p.errorf(n.Pos, CodeInvalidDuration, "%s", msg)
	}
	n.Value = v
	if v > 0 && strings.HasSuffix(g.Raw, businessDay) {
		n.Business = int64(v / (24 * time.Hour))
	}
	return n
}

func (p *parser) expr(g *gExpr) *ast.Expr {
	if g == nil {
		return nil
	}
	return &ast.Expr{Text: g.Text, Pos: p.leaf(g.Pos, g.Text)}
}

func (p *parser) int(g *gInt) *ast.Int {
	if g == nil {
		return nil
	}
	n := &ast.Int{Raw: g.Raw, Pos: p.leaf(g.Pos, g.Raw)}
	v, err := strconv.ParseInt(g.Raw, 10, 64)
	if err != nil {
		p.errorf(n.Pos, CodeInvalidNumber, "number %s is too large", g.Raw)
	}
	n.Value = v
	return n
}

func (p *parser) clock(g *gClock) *ast.Clock {
	return &ast.Clock{Raw: g.Raw, Pos: p.leaf(g.Pos, g.Raw)}
}

func (p *parser) percent(g *gPercent) *ast.Percent {
	n := &ast.Percent{Raw: g.Raw, Pos: p.leaf(g.Pos, g.Raw)}
	v, err := strconv.ParseFloat(strings.TrimSuffix(g.Raw, "%"), 64)
	if err != nil {
		p.errorf(n.Pos, CodeInvalidPercent, "invalid split weight %s", g.Raw)
	}
	n.Value = v
	return n
}

func (p *parser) path(g *gPath) *ast.Path {
	n := &ast.Path{Parts: lowerAll(g.Parts, p.ident)}
	n.Pos = pos.Join(n.Parts[0].Pos, n.Parts[len(n.Parts)-1].Pos)
	return n
}

// durationUnits are the units of a duration literal.
var durationUnits = map[string]int64{"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

// businessDay is the unit of a count of business days, 2bd. It stands
// alone: parseDuration reads it as that many days, and dur marks it.
const businessDay = "bd"

// maxDurationSeconds keeps a duration within time.Duration.
const maxDurationSeconds = int64(math.MaxInt64 / time.Second)

// parseDuration reads a duration literal such as 3d or 1d12h. It returns a
// message when the literal is malformed.
func parseDuration(raw string) (d time.Duration, msg string) {
	var total int64
	last := int64(math.MaxInt64) // the previous unit: units must decrease
	i := 0
	for i < len(raw) {
		j := i
		for j < len(raw) && isDigit(raw[j]) {
			j++
		}
		if j == i || (j < len(raw) && raw[j] == '.') {
			return 0, fmt.Sprintf("invalid duration %s: write whole numbers of a unit, such as 1d12h", raw)
		}
		k := j
		for k < len(raw) && isLetter(raw[k]) {
			k++
		}
		n, err := strconv.ParseInt(raw[i:j], 10, 64)
		unit, ok := durationUnits[raw[j:k]]
		if raw[j:k] == businessDay {
			if i > 0 || k < len(raw) {
				return 0, fmt.Sprintf("invalid duration %s: a count of business days stands alone, such as 2bd", raw)
			}
			unit, ok = durationUnits["d"], true
		}
		if !ok {
			return 0, fmt.Sprintf("unknown duration unit %q in %s: use s, m, h, d, w or bd (business days)", raw[j:k], raw)
		}
		if unit >= last {
			return 0, fmt.Sprintf("invalid duration %s: write each unit once, largest first, such as 1d12h", raw)
		}
		last = unit
		if err != nil || n > maxDurationSeconds/unit || total+n*unit > maxDurationSeconds {
			return 0, fmt.Sprintf("duration %s is too long", raw)
		}
		total += n * unit
		i = k
	}
	return time.Duration(total) * time.Second, ""
}
