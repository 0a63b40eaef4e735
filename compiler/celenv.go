package compiler

// CEL environments built from the schema. Every condition sees the contact
// fields as top-level variables with their declared types, `now` as a
// timestamp, and the journey function library. Where an event is in scope
// (an `entry on` or `stage … on` condition, a `wait for` condition and its
// body) it sees `event`, typed by that event's payload; elsewhere `event`
// is undeclared and using it is an error.
//
// Nested objects are typed, not dyn: the provider below answers cel-go's
// questions about object types ("contact.company", "event.deal_won") from
// the schema. At run time the values are plain maps; cel-go selects their
// fields by key, so the same checked program runs on them.

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"

	"github.com/journeylang/journey/stdlib"
)

// provider extends cel-go's type registry with the schema's object types.
type provider struct {
	types.Provider
	objects map[string]*Object
}

func newProvider(s *Schema) (*provider, error) {
	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	p := &provider{Provider: reg, objects: map[string]*Object{}}
	p.add(s.Contact)
	for _, name := range s.EventNames() {
		p.add(s.Events[name].Payload)
	}
	return p, nil
}

// add registers o and the objects nested in it.
func (p *provider) add(o *Object) {
	p.objects[o.Name] = o
	for _, f := range o.Fields {
		for t := f.Type; t != nil; t = t.Elem {
			if t.Kind == KindObject {
				p.add(t.Object)
			}
		}
	}
}

func (p *provider) FindStructType(name string) (*types.Type, bool) {
	if _, ok := p.objects[name]; ok {
		return types.NewTypeTypeWithParam(types.NewObjectType(name)), true
	}
	return p.Provider.FindStructType(name)
}

func (p *provider) FindStructFieldNames(name string) ([]string, bool) {
	if o, ok := p.objects[name]; ok {
		return o.Names(), true
	}
	return p.Provider.FindStructFieldNames(name)
}

func (p *provider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if o, ok := p.objects[name]; ok {
		f := o.Field(field)
		if f == nil {
			return nil, false
		}
		return &types.FieldType{Type: f.Type.CEL()}, true
	}
	return p.Provider.FindStructFieldType(name, field)
}

// envs holds the CEL environment without an event and one per event, or
// per list of events (events.go).
type envs struct {
	schema  *Schema
	types   *provider
	base    *cel.Env
	byEvent map[string]*cel.Env
	common  map[string]*Object // the common payload of each list of events
}

func newEnvs(s *Schema) (*envs, error) {
	p, err := newProvider(s)
	if err != nil {
		return nil, err
	}
	opts := []cel.EnvOption{
		cel.CustomTypeProvider(p),
		cel.Variable("now", cel.TimestampType),
		// The whole contact, for has(contact.nps) on an optional field.
		cel.Variable("contact", cel.ObjectType(contactType)),
	}
	for _, f := range s.Contact.Fields {
		opts = append(opts, cel.Variable(f.Name, f.Type.CEL()))
	}
	opts = append(opts, stdlib.Declarations()...)
	base, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, fmt.Errorf("building the CEL environment: %w", err)
	}
	return &envs{schema: s, types: p, base: base, byEvent: map[string]*cel.Env{}, common: map[string]*Object{}}, nil
}

// env returns the environment for a condition with the named event in
// scope — or events, as the IR lists them — or with none when event is "".
// An event the schema does not declare (already reported) is in scope as
// dyn, so its condition is still checked without a second error about it.
func (e *envs) env(event string) *cel.Env {
	if event == "" {
		return e.base
	}
	if env, ok := e.byEvent[event]; ok {
		return env
	}
	t := cel.DynType
	if o := e.payload(event); o != nil {
		t = cel.ObjectType(o.Name)
	}
	env, err := e.base.Extend(cel.Variable("event", t))
	if err != nil {
		// Extending a valid environment with one variable cannot fail.
		panic(err)
	}
	e.byEvent[event] = env
	return env
}

// payload returns the type of `event` for the named event, or the common
// payload of a list of events; nil when one of them is not declared.
func (e *envs) payload(event string) *Object {
	if !strings.Contains(event, eventSep) {
		return e.schema.Payload(event)
	}
	if o, ok := e.common[event]; ok {
		return o
	}
	o := e.schema.Payload(event)
	if o != nil {
		e.types.add(o)
	}
	e.common[event] = o
	return o
}

// names are what a condition may name at the top level, for "did you mean".
func (e *envs) names(event string) []string {
	out := append(e.schema.Contact.Names(), "now", "contact")
	if event != "" {
		out = append(out, "event")
	}
	for _, f := range stdlib.Functions {
		out = append(out, f.Name)
	}
	return out
}
