package compiler

// Workspace rules (docs/semantics.md rule 13): reactions that are no
// journey. `rule NAME on EVENT[, EVENT…] [when EXPR] { … }` runs its steps
// on each such event; `rule NAME when EXPR [every D] { … }` when its
// condition becomes true, and with `every`, again each D while it holds.
// A rule's steps change the contact, at once: `set`, `tag` and `untag`,
// with no `after`. Rules are declared in any file, named once in the
// workspace, and run in written order: the files by name, then the order
// in each file.

import (
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// Rule is a compiled rule: what a bundle carries to the runtime.
type Rule struct {
	Name   string    `json:"name"`
	On     string    `json:"on,omitempty"`    // the events, joined by commas; "" for a condition rule
	When   *Cond     `json:"when,omitempty"`  // nil for an event rule that runs on every such event
	Every  Duration  `json:"every,omitempty"` // a condition rule: runs again each Every while When holds; 0 for once each time it becomes true
	Steps  []*Step   `json:"steps"`
	Source SourcePos `json:"source"`
}

// rules checks the workspace's rules and returns those that checked, in
// written order, with their files.
func (c *checker) rules() ([]*ast.RuleDecl, map[*ast.RuleDecl]string) {
	var out []*ast.RuleDecl
	files := map[*ast.RuleDecl]string{}
	first := map[string]*ast.RuleDecl{}
	for _, f := range c.ws.Files {
		for _, d := range f.Decls {
			r, ok := d.(*ast.RuleDecl)
			if !ok {
				continue
			}
			if prev := first[r.Name.Name]; prev != nil {
				c.report(errDuplicate(f.Name, r.Name.Pos, "rule", r.Name.Name, files[prev], prev.Name.Pos))
				continue
			}
			first[r.Name.Name], files[r] = r, f.Name
			if c.rule(f.Name, r) {
				out = append(out, r)
			}
		}
	}
	return out, files
}

// rule checks one rule; it reports whether it checked.
func (c *checker) rule(file string, r *ast.RuleDecl) bool {
	n, _ := c.diags.Count()
	if isTestFile(file) {
		c.report(newError(file, r.Keyword, CodeInvalidRule, "a rule belongs in a journey file, not a test file"))
	}
	event := c.events(file, r.On)
	switch {
	case r.On == nil && r.When == nil:
		c.report(newError(file, pos.Join(r.Keyword, r.Name.Pos), CodeInvalidRule, "rule %s runs on nothing: give it `on EVENT` or `when EXPR`", r.Name.Name))
	case r.Every != nil && r.On != nil:
		c.report(newError(file, pos.Join(r.EveryKw, r.Every.Pos), CodeInvalidRule, "`every` repeats a rule on a condition while it holds; a rule on an event runs on each event"))
	case r.Every != nil && c.calendar(file, r.Every, "a rule's every") && r.Every.Value <= 0 && c.readable(file, r.Every):
		c.report(errZeroDuration(file, r.Every, "a rule's every"))
	}
	if r.When != nil {
		c.condition(file, r.When, event)
	}
	for _, st := range r.Body.Steps {
		if a := st.Delay(); a != nil {
			c.report(newError(file, a.Pos, CodeInvalidRule, "a rule's steps run at once, when it runs: a delay belongs in a journey"))
		}
		switch st := st.(type) {
		case *ast.Set:
			if f, path := c.fieldPath(file, st.Field); f != nil {
				c.value(file, st.Value, event, f, path)
			}
		case *ast.Tag:
		default:
			c.report(newError(file, stepKeyword(st), CodeInvalidRule, "a rule changes the contact with set, tag and untag; this step belongs in a journey"))
		}
	}
	errs, _ := c.diags.Count()
	return errs == n
}

// lowerRules lowers the rules that checked, in written order.
func (l *lowerer) rules(rs []*ast.RuleDecl, files map[*ast.RuleDecl]string) []*Rule {
	var out []*Rule
	for _, r := range rs {
		l.file = files[r]
		out = append(out, &Rule{
			Name:   r.Name.Name,
			On:     eventNames(r.On),
			When:   l.cond(r.When),
			Every:  Duration(durationOf(r.Every)),
			Steps:  l.block("rule:"+r.Name.Name, r.Body.Steps),
			Source: l.source(r.Pos.Start),
		})
	}
	return out
}

func durationOf(d *ast.Duration) int64 {
	if d == nil {
		return 0
	}
	return int64(d.Value)
}

// DumpRules prints the workspace's rules, as `journey inspect` shows them:
// each rule's header, then its steps; nothing for none.
func DumpRules(rs []*Rule) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString("rule " + r.Name)
		if r.On != "" {
			b.WriteString(" on " + r.On)
		}
		if r.When != nil {
			b.WriteString(" when " + condText(r.When))
		}
		if r.Every != 0 {
			b.WriteString(" every " + r.Every.String())
		}
		b.WriteString("\n")
		dumpSteps(&b, r.Steps, "  ")
	}
	return b.String()
}
