package testrun

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// expect checks one expectation at time now, recording a failure.
func (x *exec) expect(e *ast.Expect, now time.Time) error {
	state, err := x.state()
	if err != nil {
		return err
	}
	history, err := x.store.History(x.ctx, &store.HistoryParams{Contact: x.contact})
	if err != nil {
		return err
	}
	ok, got, err := x.holds(e, state, history, now)
	if err != nil {
		return err
	}
	if ok != e.Not {
		return nil
	}
	if e.Not && got == "" {
		got = "it did"
	}
	x.res.Failures = append(x.res.Failures, &Failure{
		File: x.file, Line: int(e.Pos.Start.Line), Col: int(e.Pos.Start.Col),
		At: now.Sub(x.res.Start), Expectation: expectation(e), Got: got, Timeline: history,
	})
	return nil
}

// holds evaluates an expectation without its `not`, and says what was
// found instead.
func (x *exec) holds(e *ast.Expect, s *runtime.ContactState, history []runtime.Record, now time.Time) (bool, string, error) {
	journey := x.res.Journey
	var recs []runtime.Record
	for _, r := range history {
		if r.Journey == journey {
			recs = append(recs, r)
		}
	}
	current := s.Last(journey)
	if e.Cond != nil {
		ok, err := x.condition(e.Cond.Text, s, now)
		if err != nil {
			return false, "", err
		}
		return ok, "it does not hold: " + x.attrs(s, e.Cond.Text), nil
	}
	kind := e.Kind.Name
	switch kind {
	case "stage":
		switch {
		case current == nil:
			return false, "the contact is not in journey " + journey, nil
		case current.Status != runtime.StatusActive:
			return false, "the contact left journey " + journey + " (" + current.Reason + ") in stage " + current.Stage, nil
		}
		return current.Stage == e.Name.Name, "the contact is in stage " + current.Stage, nil
	case "enrolled":
		if current != nil && current.Status == runtime.StatusActive {
			return true, "the contact is enrolled, in stage " + current.Stage, nil
		}
		if current != nil {
			return false, "the contact left (" + current.Reason + ")", nil
		}
		return false, "the contact never entered journey " + journey, nil
	case "exited":
		if current == nil {
			return false, "the contact never entered journey " + journey, nil
		}
		if current.Status == runtime.StatusActive {
			return false, "the contact is still in stage " + current.Stage, nil
		}
		if e.Text != nil && current.Reason != e.Text.Value && current.Reason != "exit: "+e.Text.Value {
			return false, "it left with reason " + strconv.Quote(current.Reason), nil
		}
		return true, "it left (" + current.Reason + ")", nil
	case "tagged":
		tags := tagsOf(s.Attrs["tags"])
		return slices.Contains(tags, e.Text.Value), "the tags are " + fmt.Sprint(tags), nil
	}
	recKind := map[string]string{
		"sent": runtime.RecSent, "notified": runtime.RecNotified, "task": runtime.RecTask,
		"goal": runtime.RecGoal, "suppressed": runtime.RecSuppressed, "capped": runtime.RecCapped, "arm": runtime.RecArm,
		"unsubscribed": runtime.RecUnsubscribed,
	}[kind]
	want := ""
	switch {
	case e.Text != nil && kind != "notified":
		want = e.Text.Value
	case e.Name != nil:
		want = e.Name.Name
	}
	by := now
	if e.By != nil {
		by = x.res.Start.Add(e.By.Value)
	}
	var seen []string
	for _, r := range recs {
		if r.Kind != recKind || r.At.After(by) {
			continue
		}
		seen = append(seen, fmt.Sprintf("%s (+%s)", r.Detail, compiler.Duration(r.At.Sub(x.res.Start))))
		if r.Detail != want {
			continue
		}
		if kind == "sent" && e.Name != nil && !x.actionHas(r, "channel", e.Name.Name) {
			continue
		}
		if kind == "sent" && (e.Subject != nil || e.Containing != nil) {
			if miss := x.message(r, e); miss != "" {
				seen[len(seen)-1] = fmt.Sprintf("%s (+%s) %s", r.Detail, compiler.Duration(r.At.Sub(x.res.Start)), miss)
				continue
			}
		}
		if kind == "notified" && e.Text != nil && !x.actionHas(r, "text", e.Text.Value) {
			continue
		}
		return true, fmt.Sprintf("%s %s at +%s", kind, r.Detail, compiler.Duration(r.At.Sub(x.res.Start))), nil
	}
	what := map[string]string{
		"sent": "sends", "notified": "notifications", "task": "tasks", "goal": "goals",
		"suppressed": "suppressed sends", "capped": "capped sends", "arm": "split arms",
		"unsubscribed": "sends skipped as unsubscribed",
	}[kind]
	if len(seen) == 0 {
		return false, "no " + what + " by +" + compiler.Duration(by.Sub(x.res.Start)).String(), nil
	}
	return false, what + " by +" + compiler.Duration(by.Sub(x.res.Start)).String() + ": " + strings.Join(seen, ", "), nil
}

// message compares a send's rendered message with an expectation's
// `subject` and `containing`: "" when it matches, else what it was.
func (x *exec) message(r runtime.Record, e *ast.Expect) string {
	p := x.payload(r)
	if p == nil {
		return "with no message in the outbox"
	}
	subject, _ := p["subject"].(string)
	text, _ := p["text"].(string)
	html, _ := p["html"].(string)
	if e.Subject != nil && subject != e.Subject.Value {
		return "with subject " + strconv.Quote(subject)
	}
	if e.Containing != nil && !strings.Contains(text, e.Containing.Value) && !strings.Contains(html, e.Containing.Value) {
		return fmt.Sprintf("whose text does not contain %q: %q", e.Containing.Value, text)
	}
	return ""
}

// payload returns the payload of the outbox action of a record, or nil.
func (x *exec) payload(r runtime.Record) map[string]any {
	actions, err := x.store.Outbox(x.ctx, &store.OutboxParams{Contact: x.contact})
	if err != nil {
		return nil
	}
	for _, a := range actions {
		if a.Step != r.Step || !a.Due.Equal(r.At) {
			continue
		}
		var p map[string]any
		if json.Unmarshal(a.Payload, &p) == nil {
			return p
		}
	}
	return nil
}

// actionHas reports whether the outbox action of a record has the value
// in its payload.
func (x *exec) actionHas(r runtime.Record, key, want string) bool {
	actions, err := x.store.Outbox(x.ctx, &store.OutboxParams{Contact: x.contact})
	if err != nil {
		return false
	}
	for _, a := range actions {
		if a.Step != r.Step || !a.Due.Equal(r.At) {
			continue
		}
		var p map[string]any
		if json.Unmarshal(a.Payload, &p) == nil && fmt.Sprint(p[key]) == want {
			return true
		}
	}
	return false
}

// condition evaluates an `expect EXPR` as the engine would at now.
func (x *exec) condition(text string, s *runtime.ContactState, now time.Time) (bool, error) {
	prg, err := x.d.Program.Plan(text)
	if err != nil {
		return false, err
	}
	out, err := x.d.Evaluate(s, prg, now)
	if err != nil {
		return false, nil // a field the contact lacks: the condition does not hold
	}
	b, ok := out.Value().(bool)
	return ok && b, nil
}

// value evaluates a test's `set` value against the contact at now.
func (x *exec) value(text string, now time.Time) (any, error) {
	prg, err := x.d.Program.Plan(text)
	if err != nil {
		return nil, err
	}
	s, err := x.state()
	if err != nil {
		return nil, err
	}
	out, err := x.d.Evaluate(s, prg, now)
	if err != nil {
		return nil, err
	}
	return runtime.Native(out)
}

// state is the test's contact as the store has it, or a contact with no
// attributes before the test gives it any.
func (x *exec) state() (*runtime.ContactState, error) {
	s, err := x.store.Contact(x.ctx, x.contact)
	if err == store.ErrNotFound {
		return &runtime.ContactState{ID: x.contact, Attrs: map[string]any{}}, nil
	}
	return s, err
}

// attrs shows the contact's values of the fields an expression names.
func (x *exec) attrs(s *runtime.ContactState, text string) string {
	var parts []string
	for _, f := range x.d.Program.Schema.Contact.Names() {
		if strings.Contains(text, f) {
			v, ok := s.Attrs[f]
			if !ok {
				parts = append(parts, f+" is absent")
				continue
			}
			b, _ := json.Marshal(v)
			parts = append(parts, f+" = "+string(b))
		}
	}
	if len(parts) == 0 {
		return "it is false"
	}
	return strings.Join(parts, ", ")
}

func tagsOf(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// expectation writes an expectation back as it was written.
func expectation(e *ast.Expect) string {
	var b strings.Builder
	b.WriteString("expect ")
	if e.Not {
		b.WriteString("not ")
	}
	if e.Cond != nil {
		b.WriteString(e.Cond.Text)
		return b.String()
	}
	b.WriteString(e.Kind.Name)
	if e.Name != nil {
		b.WriteString(" " + e.Name.Name)
	}
	if e.Text != nil {
		b.WriteString(" " + e.Text.Raw)
	}
	if e.Subject != nil {
		b.WriteString(" subject " + e.Subject.Raw)
	}
	if e.Containing != nil {
		b.WriteString(" containing " + e.Containing.Raw)
	}
	if e.By != nil {
		b.WriteString(" by " + e.By.Raw)
	}
	return b.String()
}
