package compiler

// The schema model: the contact's fields and the events, gathered from the
// `contact` and `event` declarations of every file of a workspace (and from
// the standard library's CRM schema when a file says `use crm`). Every
// later check reads types from here; CEL types are derived from it in
// celenv.go.

import (
	"slices"
	"sort"
	"strings"

	"github.com/google/cel-go/cel"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/pos"
)

// Kind is the kind of a schema type.
type Kind int

// The kinds of schema types.
const (
	KindString Kind = iota
	KindInt
	KindDouble
	KindBool
	KindTimestamp
	KindDuration
	KindEnum
	KindList
	KindMap
	KindObject
)

// scalars are the named types of the language.
var scalars = map[string]Kind{
	"string": KindString, "int": KindInt, "double": KindDouble, "bool": KindBool,
	"timestamp": KindTimestamp, "duration": KindDuration,
}

var scalarNames = sortedNames(scalars)

// Type is a schema type.
type Type struct {
	Kind     Kind
	Elem     *Type    // the element of a list, the value of a map
	Values   []string // the values of an enum, in declared order
	Object   *Object  // the fields of an object
	Optional bool     // the field may be absent
}

// String prints the type as it is written in a schema.
func (t *Type) String() string {
	var s string
	switch t.Kind {
	case KindEnum:
		s = "enum(" + strings.Join(t.Values, ", ") + ")"
	case KindList:
		s = "list<" + t.Elem.String() + ">"
	case KindMap:
		s = "map<string, " + t.Elem.String() + ">"
	case KindObject:
		s = "{…}"
	default:
		s = kindNames[t.Kind]
	}
	if t.Optional {
		s += "?"
	}
	return s
}

// Describe names the type in a sentence: "an int", "an optional string",
// "an object", "a list<string>".
func (t *Type) Describe() string {
	name := strings.TrimSuffix(t.String(), "?")
	if t.Kind == KindObject {
		name = "object"
	}
	if t.Optional {
		return "an optional " + name
	}
	return withArticle(name)
}

// HasValue reports whether v is one of an enum's values.
func (t *Type) HasValue(v string) bool { return slices.Contains(t.Values, v) }

// CEL returns the type as conditions see it: enums are strings, objects
// are object types named by their path, optional fields have their value's
// type (absence is tested with has()).
func (t *Type) CEL() *cel.Type {
	switch t.Kind {
	case KindString, KindEnum:
		return cel.StringType
	case KindInt:
		return cel.IntType
	case KindDouble:
		return cel.DoubleType
	case KindBool:
		return cel.BoolType
	case KindTimestamp:
		return cel.TimestampType
	case KindDuration:
		return cel.DurationType
	case KindList:
		return cel.ListType(t.Elem.CEL())
	case KindMap:
		return cel.MapType(cel.StringType, t.Elem.CEL())
	}
	return cel.ObjectType(t.Object.Name)
}

// Object is a set of named fields: the contact, an event's payload, or a
// nested object.
type Object struct {
	Name   string   // the CEL type name: contactType, then the path (contactType + ".company"), or eventType(name)
	Fields []*Field // in declared order
	byName map[string]*Field
}

func newObject(name string) *Object {
	return &Object{Name: name, byName: map[string]*Field{}}
}

// Field returns the field called name, or nil.
func (o *Object) Field(name string) *Field { return o.byName[name] }

// Names returns the field names, sorted.
func (o *Object) Names() []string {
	out := make([]string, 0, len(o.Fields))
	for _, f := range o.Fields {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return out
}

func (o *Object) add(f *Field) { o.Fields = append(o.Fields, f); o.byName[f.Name] = f }

// Field is a field of an object, with where it was declared.
type Field struct {
	Name string
	Type *Type
	File string
	Pos  pos.Span // the field's name in File
}

// Event is a declared event and its payload.
type Event struct {
	Name    string
	Payload *Object // fields of the payload; empty when it has none
	File    string
	Pos     pos.Span // the event's name in File
}

// Schema is the contact and the events of a workspace.
type Schema struct {
	Contact *Object
	Events  map[string]*Event
}

// EventNames returns the declared events, sorted.
func (s *Schema) EventNames() []string { return sortedNames(s.Events) }

// Path resolves a dotted field path (`company.size`) from the contact.
func (s *Schema) Path(parts []string) *Field {
	return resolve(s.Contact, parts)
}

func resolve(o *Object, parts []string) *Field {
	var f *Field
	for _, p := range parts {
		if o == nil {
			return nil
		}
		if f = o.Field(p); f == nil {
			return nil
		}
		o = f.Type.Object
	}
	return f
}

// topReserved are names a contact field cannot take: the variables every
// condition has besides the fields.
var topReserved = map[string]bool{"event": true, "now": true, "contact": true, "journey": true}

// reserved are names no field can take: CEL's reserved words.
var reserved = map[string]bool{
	"in": true, "as": true, "break": true, "const": true, "continue": true, "else": true,
	"for": true, "function": true, "if": true, "import": true, "let": true, "loop": true,
	"package": true, "namespace": true, "return": true, "var": true, "void": true,
	"while": true, "true": true, "false": true, "null": true,
}

// Object type names. They live under a prefix no condition can name, so a
// field path (contact.company) is never read as a type.
const contactType = "journey.schema.contact"

func eventType(name string) string { return "journey.schema.event." + name }

// schemaBuilder gathers declarations into a Schema.
type schemaBuilder struct {
	c      *checker
	schema *Schema
}

// buildSchema reads the contact and event declarations of files, in order.
func (c *checker) buildSchema(files []*ast.File) *Schema {
	b := &schemaBuilder{c: c, schema: &Schema{Contact: newObject(contactType), Events: map[string]*Event{}}}
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.ContactDecl:
				b.fields(f.Name, b.schema.Contact, d.Fields)
			case *ast.EventDecl:
				b.event(f.Name, d)
			}
		}
	}
	return b.schema
}

func (b *schemaBuilder) event(file string, d *ast.EventDecl) {
	name := d.Name.Name
	if prev, ok := b.schema.Events[name]; ok {
		b.c.report(errDuplicate(file, d.Name.Pos, "event", name, prev.File, prev.Pos))
		return
	}
	e := &Event{Name: name, Payload: newObject(eventType(name)), File: file, Pos: d.Name.Pos}
	b.fields(file, e.Payload, d.Fields)
	b.schema.Events[name] = e
}

func (b *schemaBuilder) fields(file string, o *Object, fs []*ast.Field) {
	for _, f := range fs {
		name := f.Name.Name
		if prev := o.Field(name); prev != nil {
			b.c.report(errDuplicate(file, f.Name.Pos, "field", name, prev.File, prev.Pos))
			continue
		}
		if reserved[name] || (o.Name == contactType && topReserved[name]) {
			b.c.report(errReservedName(file, f.Name.Pos, name))
			continue
		}
		t := b.typ(file, o.Name+"."+name, f.Type, true)
		if t == nil {
			continue
		}
		o.add(&Field{Name: name, Type: t, File: file, Pos: f.Name.Pos})
	}
}

// typ converts a declared type; path names the CEL type of a nested
// object. It returns nil after reporting an error.
func (b *schemaBuilder) typ(file, path string, t ast.Type, top bool) *Type {
	switch t := t.(type) {
	case *ast.OptionalType:
		if !top {
			b.c.report(errNestedOptional(file, t.Pos))
			return nil
		}
		inner := b.typ(file, path, t.Elem, false)
		if inner == nil {
			return nil
		}
		inner.Optional = true
		return inner
	case *ast.NamedType:
		k, ok := scalars[t.Name.Name]
		if !ok {
			b.c.report(errUnknownType(file, t.Name))
			return nil
		}
		return &Type{Kind: k}
	case *ast.ListType:
		elem := b.typ(file, path, t.Elem, false)
		if elem == nil {
			return nil
		}
		return &Type{Kind: KindList, Elem: elem}
	case *ast.MapType:
		key := b.typ(file, path, t.Key, false)
		elem := b.typ(file, path, t.Elem, false)
		if key == nil || elem == nil {
			return nil
		}
		if key.Kind != KindString {
			b.c.report(errMapKey(file, t.Key.Span(), key))
			return nil
		}
		return &Type{Kind: KindMap, Elem: elem}
	case *ast.EnumType:
		return b.enum(file, t)
	case *ast.ObjectType:
		o := newObject(path)
		b.fields(file, o, t.Fields)
		return &Type{Kind: KindObject, Object: o}
	}
	return nil
}

func (b *schemaBuilder) enum(file string, t *ast.EnumType) *Type {
	if len(t.Values) == 0 {
		b.c.report(errEmptyEnum(file, t.Pos))
		return nil
	}
	out := &Type{Kind: KindEnum}
	seen := map[string]*ast.Ident{}
	for _, v := range t.Values {
		if prev, ok := seen[v.Name]; ok {
			b.c.report(errDuplicate(file, v.Pos, "enum value", v.Name, file, prev.Pos))
			continue
		}
		seen[v.Name] = v
		out.Values = append(out.Values, v.Name)
	}
	return out
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
