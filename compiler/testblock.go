package compiler

// Checking test blocks against the journey they name: every stage,
// template, goal, arm and event a test mentions exists, its fixtures fit
// the schema, its conditions check, and its clock only moves forward.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

func (c *checker) tests(f *ast.File) {
	if !isTestFile(f.Name) {
		return
	}
	names := map[string]*ast.String{}
	for _, d := range f.Decls {
		t, ok := d.(*ast.Test)
		if !ok {
			continue
		}
		if prev, ok := names[t.Name.Value]; ok {
			c.report(errDuplicate(f.Name, t.Name.Pos, "test", t.Name.Value, f.Name, prev.Pos))
		} else {
			names[t.Name.Value] = t.Name
		}
		c.test(f.Name, t)
	}
}

func (c *checker) test(file string, t *ast.Test) {
	var info *journeyInfo
	named := false
	once := map[string]pos.Span{}
	for _, st := range t.Stmts {
		var kw pos.Span
		word := ""
		switch st := st.(type) {
		case *ast.TestJourney:
			kw, word = st.Keyword, "journey"
		case *ast.TestContact:
			kw, word = st.Keyword, "contact"
		case *ast.TestStart:
			kw, word = st.Keyword, "start"
		}
		if word == "" {
			continue
		}
		if prev, ok := once[word]; ok {
			d := newError(file, kw, CodeDuplicateTest, "a test has one `%s` statement", word)
			d.Detail = "the first is at " + at(file, prev)
			c.report(d)
			continue
		}
		once[word] = kw
	}
	for _, st := range t.Stmts {
		if tj, ok := st.(*ast.TestJourney); ok && !named {
			named = true
			if info = c.journeys[tj.Name.Name]; info == nil {
				d := newError(file, tj.Name.Pos, CodeUnknownJourney, "unknown journey %q", tj.Name.Name)
				c.report(withSuggestion(d, tj.Name.Name, sortedNames(c.journeys)))
			}
		}
	}
	if !named {
		c.report(newError(file, t.Name.Pos, CodeMissingTestJourney, "this test names no journey: add `journey NAME` to it"))
	}
	var now time.Duration
	var nowAt *ast.At
	for _, st := range t.Stmts {
		if at := st.Time(); at != nil && c.calendar(file, at.Time, "a test's clock") {
			if at.Time.Value < now {
				c.report(newError(file, at.Time.Pos, CodeInvalidTime, "at %s comes before at %s above it: a test's clock only moves forward", at.Time.Raw, nowAt.Time.Raw))
			} else {
				now, nowAt = at.Time.Value, at
			}
		}
		c.testStmt(file, info, st)
	}
}

func (c *checker) testStmt(file string, info *journeyInfo, st ast.TestStmt) {
	switch st := st.(type) {
	case *ast.TestContact:
		c.fixture(file, st.Value, c.schema.Contact, "")
	case *ast.TestStart:
		if _, err := time.Parse(time.RFC3339, st.Start.Value); err != nil {
			c.report(newError(file, st.Start.Pos, CodeInvalidTime, "%q is not an RFC 3339 time such as \"2026-03-02T09:00:00Z\"", st.Start.Value))
		}
	case *ast.TestEvent:
		if name := c.event(file, st.Name); c.schema.Events[name] != nil && st.Payload != nil {
			c.fixture(file, st.Payload, c.schema.Events[name].Payload, "event."+name)
		}
	case *ast.TestSet:
		if f, path := c.fieldPath(file, st.Field); f != nil {
			c.value(file, st.Value, "", f, path)
		}
	case *ast.TestConsent:
		if !slices.Contains(consentChannels, st.Channel.Name) {
			d := newError(file, st.Channel.Pos, CodeUnknownChannel, "unknown channel %q: consent is kept for email and sms", st.Channel.Name)
			c.report(withSuggestion(d, st.Channel.Name, consentChannels))
		}
	case *ast.Expect:
		c.expect(file, info, st)
	}
}

func (c *checker) expect(file string, info *journeyInfo, e *ast.Expect) {
	c.calendar(file, e.By, "a test's clock")
	if e.Cond != nil {
		c.condition(file, e.Cond, "")
		return
	}
	switch e.Kind.Name {
	case "sent", "suppressed", "capped", "unsubscribed":
		if e.Name != nil && !slices.Contains(channelNames, e.Name.Name) {
			c.report(errUnknownChannel(file, e.Name))
		}
		c.template(file, e.Text)
	}
	if info == nil {
		return
	}
	switch e.Kind.Name {
	case "stage":
		if !info.hasStage(e.Name.Name) {
			c.report(errUnknownStage(file, e.Name, stageNames(info)))
		}
	case "goal":
		if !info.hasGoal(e.Name.Name) {
			c.report(errUnknownGoal(file, e.Name, info.name, sortedNames(info.goals)))
		}
	case "arm":
		if !info.arms[e.Name.Name] {
			c.report(errUnknownArm(file, e.Name, info.name, sortedNames(info.arms)))
		}
	}
}

// fixture checks an object literal against the object it stands for.
func (c *checker) fixture(file string, v *ast.Object, o *Object, path string) {
	seen := map[string]*ast.Ident{}
	for _, f := range v.Fields {
		full := joinPath(path, f.Key.Name)
		if prev, ok := seen[f.Key.Name]; ok {
			d := newError(file, f.Key.Pos, CodeInvalidFixture, "%s is given twice", full)
			d.Detail = "the first is at " + at(file, prev.Pos)
			c.report(d)
			continue
		}
		seen[f.Key.Name] = f.Key
		field := o.Field(f.Key.Name)
		if field == nil {
			c.report(errUnknownField(file, f.Key, full, o.Names()))
			continue
		}
		c.fits(file, f.Value, field.Type, full)
	}
}

// fits checks that a literal value has the field's type.
func (c *checker) fits(file string, v ast.Value, t *Type, path string) {
	mismatch := func(span pos.Span, what string) {
		c.report(newError(file, span, CodeInvalidFixture, "%s is %s, not %s", path, t.Describe(), what))
	}
	switch v := v.(type) {
	case *ast.String:
		switch t.Kind {
		case KindString:
		case KindEnum:
			if !t.HasValue(v.Value) {
				c.report(errInvalidEnumValue(file, v.Pos, v.Value, path, t))
			}
		case KindTimestamp:
			if _, err := time.Parse(time.RFC3339, v.Value); err != nil {
				c.report(newError(file, v.Pos, CodeInvalidFixture, "%s is a timestamp: %q is not an RFC 3339 time such as \"2026-03-02T09:00:00Z\"", path, v.Value))
			}
		default:
			mismatch(v.Pos, "a string")
		}
	case *ast.Number:
		isInt := !strings.ContainsAny(v.Raw, ".eE")
		if t.Kind != KindDouble && !(t.Kind == KindInt && isInt) {
			mismatch(v.Pos, fmt.Sprintf("the number %s", v.Raw))
		}
	case *ast.Duration:
		if t.Kind != KindDuration {
			mismatch(v.Pos, "a duration")
		} else {
			c.calendar(file, v, "a duration field")
		}
	case *ast.Word:
		switch {
		case v.Name == "null" && !t.Optional:
			c.report(newError(file, v.Pos, CodeInvalidFixture, "%s is not optional: it cannot be null", path))
		case v.Name != "null" && t.Kind != KindBool:
			mismatch(v.Pos, v.Name)
		}
	case *ast.List:
		if t.Kind != KindList {
			mismatch(v.Pos, "a list")
			return
		}
		for _, el := range v.Elems {
			c.fits(file, el, t.Elem, path+"[]")
		}
	case *ast.Object:
		switch t.Kind {
		case KindObject:
			c.fixture(file, v, t.Object, path)
		case KindMap:
			for _, f := range v.Fields {
				c.fits(file, f.Value, t.Elem, joinPath(path, f.Key.Name))
			}
		default:
			mismatch(v.Pos, "an object")
		}
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
