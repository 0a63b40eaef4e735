package compiler

import (
	"encoding/json"
	"fmt"
	"sort"
)

// The schema as a bundle stores it: fields in declared order, events by
// name, object type names left to be derived from their paths.

type schemaJSON struct {
	Contact []fieldJSON `json:"contact"`
	Events  []eventJSON `json:"events"`
}

type eventJSON struct {
	Name    string      `json:"name"`
	Payload []fieldJSON `json:"payload,omitempty"`
}

type fieldJSON struct {
	Name string   `json:"name"`
	Type typeJSON `json:"type"`
}

type typeJSON struct {
	Kind     string      `json:"kind"`
	Elem     *typeJSON   `json:"elem,omitempty"`
	Values   []string    `json:"values,omitempty"`
	Fields   []fieldJSON `json:"fields,omitempty"`
	Optional bool        `json:"optional,omitempty"`
}

var kindNames = map[Kind]string{
	KindString: "string", KindInt: "int", KindDouble: "double", KindBool: "bool",
	KindTimestamp: "timestamp", KindDuration: "duration", KindEnum: "enum",
	KindList: "list", KindMap: "map", KindObject: "object",
}

// MarshalJSON writes the schema in its stored form.
func (s *Schema) MarshalJSON() ([]byte, error) {
	out := schemaJSON{Contact: fieldsJSON(s.Contact), Events: []eventJSON{}}
	for _, name := range s.EventNames() {
		out.Events = append(out.Events, eventJSON{Name: name, Payload: fieldsJSON(s.Events[name].Payload)})
	}
	return json.Marshal(out)
}

func fieldsJSON(o *Object) []fieldJSON {
	out := []fieldJSON{}
	for _, f := range o.Fields {
		out = append(out, fieldJSON{Name: f.Name, Type: typeToJSON(f.Type)})
	}
	return out
}

func typeToJSON(t *Type) typeJSON {
	out := typeJSON{Kind: kindNames[t.Kind], Values: t.Values, Optional: t.Optional}
	if t.Elem != nil {
		e := typeToJSON(t.Elem)
		out.Elem = &e
	}
	if t.Object != nil {
		out.Fields = fieldsJSON(t.Object)
	}
	return out
}

// UnmarshalJSON reads the stored form.
func (s *Schema) UnmarshalJSON(b []byte) error {
	var in schemaJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	contact, err := objectFromJSON(contactType, in.Contact)
	if err != nil {
		return err
	}
	s.Contact, s.Events = contact, map[string]*Event{}
	for _, e := range in.Events {
		payload, err := objectFromJSON(eventType(e.Name), e.Payload)
		if err != nil {
			return err
		}
		s.Events[e.Name] = &Event{Name: e.Name, Payload: payload}
	}
	return nil
}

func objectFromJSON(name string, fields []fieldJSON) (*Object, error) {
	o := newObject(name)
	for _, f := range fields {
		t, err := typeFromJSON(name+"."+f.Name, f.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s.%s: %w", name, f.Name, err)
		}
		o.add(&Field{Name: f.Name, Type: t})
	}
	return o, nil
}

func typeFromJSON(path string, in typeJSON) (*Type, error) {
	t := &Type{Values: in.Values, Optional: in.Optional, Kind: -1}
	for k, name := range kindNames {
		if name == in.Kind {
			t.Kind = k
		}
	}
	switch {
	case t.Kind < 0:
		return nil, fmt.Errorf("unknown kind %q", in.Kind)
	case t.Kind == KindList || t.Kind == KindMap:
		if in.Elem == nil {
			return nil, fmt.Errorf("a %s without an element type", in.Kind)
		}
		elem, err := typeFromJSON(path, *in.Elem)
		if err != nil {
			return nil, err
		}
		t.Elem = elem
	case t.Kind == KindObject:
		o, err := objectFromJSON(path, in.Fields)
		if err != nil {
			return nil, err
		}
		t.Object = o
	}
	return t, nil
}

// Digest is the schema's content hash: two workspaces with the same fields
// and events, of the same types, have the same digest.
func (s *Schema) Digest() string {
	b, err := s.MarshalJSON()
	if err != nil {
		panic("compiler: a schema does not encode: " + err.Error())
	}
	return sha256Hex(b)
}

// envConfig describes the CEL environment a schema and the function
// library make, in a canonical JSON form: a bundle stores it, and the
// runtime compares it with its own to refuse a bundle built for another
// environment.
func envConfig(e *envs) ([]byte, error) {
	conf, err := e.base.ToConfig("journey")
	if err != nil {
		return nil, err
	}
	sort.Slice(conf.Variables, func(a, b int) bool { return conf.Variables[a].Name < conf.Variables[b].Name })
	sort.Slice(conf.Functions, func(a, b int) bool { return conf.Functions[a].Name < conf.Functions[b].Name })
	sort.Slice(conf.Features, func(a, b int) bool { return conf.Features[a].Name < conf.Features[b].Name })
	sort.Slice(conf.Extensions, func(a, b int) bool { return conf.Extensions[a].Name < conf.Extensions[b].Name })
	return json.Marshal(conf)
}
