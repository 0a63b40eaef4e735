package compiler

// Triggers of several events. `entry on a, b`, `stage S on a, b` and
// `wait for a, b` are triggered by any one of the events listed. The IR
// keeps such a list as one string, the names joined by commas in written
// order (Entry.Event, Stage.On, a wait's Step.Target, Cond.Event): a single
// name is the list of one, so a journey with one event per trigger
// compiles as it always did. EventList splits it and HasEvent matches an
// input against it.
//
// A condition of such a trigger sees `event` typed by the fields the
// events have in common: the same name, and the same type (optionality
// aside: a field optional in one event is optional in the common type).
// A field that only some of the events have, or that they type
// differently, is reported where the condition selects it, naming the
// events that lack it or the types it has.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
)

// eventSep separates the events of a trigger in the IR.
const eventSep = ","

// EventList returns the events of a trigger as the IR keeps them: none for
// "", else one or more names.
func EventList(events string) []string {
	if events == "" {
		return nil
	}
	return strings.Split(events, eventSep)
}

// HasEvent reports whether name is one of the events of a trigger.
func HasEvent(events, name string) bool {
	return slices.Contains(EventList(events), name)
}

// events checks the events of a trigger — each declared, none listed
// twice — and returns them in the IR's form: "" for none.
func (c *checker) events(file string, ids []*ast.Ident) string {
	var names []string
	for _, id := range ids {
		if slices.Contains(names, id.Name) {
			c.report(errRepeatedEvent(file, id))
			continue
		}
		names = append(names, c.event(file, id))
	}
	return strings.Join(names, eventSep)
}

// Payload returns the type of `event` in a condition of a trigger of the
// events given in the IR's form: the payload of a single event, or the
// fields several share; nil when one of them is not declared.
func (s *Schema) Payload(events string) *Object {
	if !strings.Contains(events, eventSep) {
		if ev := s.Events[events]; ev != nil {
			return ev.Payload
		}
		return nil
	}
	o, _ := s.commonPayload(events)
	return o
}

// commonPayload is the payload type that `event` has in a condition of a
// trigger of several events: the fields they have in common. ok is false
// when one of them is not declared (already reported): `event` is then
// dyn.
func (s *Schema) commonPayload(events string) (o *Object, ok bool) {
	names := EventList(events)
	for _, n := range names {
		if s.Events[n] == nil {
			return nil, false
		}
	}
	out := newObject(eventType(events))
	for _, f := range s.Events[names[0]].Payload.Fields {
		common := &Field{Name: f.Name, Type: f.Type, File: f.File, Pos: f.Pos}
		for _, n := range names[1:] {
			g := s.Events[n].Payload.Field(f.Name)
			if g == nil || !sameType(f.Type, g.Type) {
				common = nil
				break
			}
			if g.Type.Optional && !common.Type.Optional {
				t := *common.Type
				t.Optional = true
				common.Type = &t
			}
		}
		if common != nil {
			out.add(common)
		}
	}
	return out, true
}

// sameType reports whether a and b are the same type, whether optional or
// not: the same kind, enum values, element and object fields.
func sameType(a, b *Type) bool {
	if a.Kind != b.Kind || !slices.Equal(a.Values, b.Values) {
		return false
	}
	switch a.Kind {
	case KindList, KindMap:
		return sameType(a.Elem, b.Elem)
	case KindObject:
		if len(a.Object.Fields) != len(b.Object.Fields) {
			return false
		}
		for _, f := range a.Object.Fields {
			g := b.Object.Field(f.Name)
			if g == nil || !sameType(f.Type, g.Type) || f.Type.Optional != g.Type.Optional {
				return false
			}
		}
	}
	return true
}

// uncommonField explains why the field name of `event` is not in the
// common payload of a trigger's events: the events that lack it, or the
// types it has in each. ok is false when no event has it (an undefined
// field, not an uncommon one) or the trigger has one event.
func (s *Schema) uncommonField(events, name string) (why string, ok bool) {
	names := EventList(events)
	if len(names) < 2 {
		return "", false
	}
	var lack, typed []string
	for _, n := range names {
		e := s.Events[n]
		if e == nil {
			return "", false
		}
		if f := e.Payload.Field(name); f != nil {
			what := f.Type.Describe()
			if f.Type.Kind == KindObject {
				what = "an object of " + strings.Join(f.Type.Object.Names(), ", ")
			}
			typed = append(typed, fmt.Sprintf("%s in %s", what, n))
		} else {
			lack = append(lack, n)
		}
	}
	switch {
	case len(typed) == 0:
		return "", false
	case len(lack) == 1:
		return lack[0] + " has no field " + name, true
	case len(lack) > 1:
		return strings.Join(lack[:len(lack)-1], ", ") + " and " + lack[len(lack)-1] + " have no field " + name, true
	}
	return "it is " + strings.Join(typed, ", "), true
}

// uncommon turns the undefined-field diagnostic d, for `event.NAME` in a
// condition of a trigger of several events, into UncommonField when some of
// the events have the field.
func (c *checker) uncommon(d diag.Diagnostic, events, name string) diag.Diagnostic {
	why, ok := c.schema.uncommonField(events, name)
	if !ok {
		return d
	}
	return errUncommonField(d, name, strings.ReplaceAll(events, eventSep, ", "), why)
}
