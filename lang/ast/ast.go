// Package ast is the syntax tree of the Journey language: what the parser
// produces and what the formatter, the checker, the compiler and the
// language server read.
//
// Every node has a Span; names and keywords that diagnostics point at keep
// their own (an *Ident carries its span, a clause its Keyword span).
// Conditions are not parsed here: an *Expr is the CEL text exactly as
// written, with the span of its first byte, so the checker can hand it to
// cel-go and map cel-go's positions back into the .journey file.
//
// A tree may be partial. Where the parser could not make sense of a
// declaration or a step it leaves a *BadDecl or *BadStep covering the text
// it skipped, and reports a diagnostic; every other node is complete.
package ast

import (
	"time"

	"github.com/journeylang/journey/lang/pos"
)

// Node is any node of the tree.
type Node interface {
	Span() pos.Span
}

// File is one .journey source file.
type File struct {
	Name     string     // file name as given to the parser
	Decls    []Decl     // in source order
	Comments []*Comment // every comment of the file, in source order
	Pos      pos.Span   // the whole file
}

func (f *File) Span() pos.Span { return f.Pos }

// Journeys returns the journey declarations of the file.
func (f *File) Journeys() []*Journey {
	var out []*Journey
	for _, d := range f.Decls {
		if j, ok := d.(*Journey); ok {
			out = append(out, j)
		}
	}
	return out
}

// Comment is a `//` comment; Text includes the slashes, not the newline.
type Comment struct {
	Text string
	Pos  pos.Span
}

func (c *Comment) Span() pos.Span { return c.Pos }

// Ident is a name: a field, event, stage, journey, team, channel...
type Ident struct {
	Name string
	Pos  pos.Span
}

func (n *Ident) Span() pos.Span { return n.Pos }

// String is a double-quoted string literal.
type String struct {
	Value string // unquoted
	Raw   string // as written, quotes included
	Pos   pos.Span
}

func (n *String) Span() pos.Span { return n.Pos }

// Duration is a duration literal such as 3d or 1d12h. Units: s, m, h, d
// (24h) and w (7d). Zero is written 0 (only where a time of day in a test is
// meant, see At). A count of business days, 2bd, stands alone: Business
// holds it, and Value its least calendar length (2bd is at least 2d), by
// which the checker orders offsets.
type Duration struct {
	Value    time.Duration
	Business int64  // business days (Monday to Friday, not holidays); 0 for a calendar duration
	Raw      string // as written
	Pos      pos.Span
}

func (n *Duration) Span() pos.Span { return n.Pos }

// Expr is a CEL expression kept as raw text for the checker.
type Expr struct {
	Text string // exactly as written, without surrounding blanks
	Pos  pos.Span
}

func (n *Expr) Span() pos.Span { return n.Pos }

// Path is a dotted field reference such as company.size.
type Path struct {
	Parts []*Ident
	Pos   pos.Span
}

func (n *Path) Span() pos.Span { return n.Pos }

// String returns the dotted form.
func (n *Path) String() string {
	s := ""
	for i, p := range n.Parts {
		if i > 0 {
			s += "."
		}
		s += p.Name
	}
	return s
}

// Decl is a top-level declaration.
type Decl interface {
	Node
	declNode()
}

// UseDecl is `use NAME`: it brings a schema of the standard library into
// the workspace (`use crm`).
type UseDecl struct {
	Keyword pos.Span
	Name    *Ident
	Pos     pos.Span
}

// ContactDecl declares (part of) the contact schema: `contact { … }`.
type ContactDecl struct {
	Keyword pos.Span
	Fields  []*Field
	Pos     pos.Span
}

// EventDecl declares an event and its payload: `event NAME { … }`.
type EventDecl struct {
	Keyword pos.Span
	Name    *Ident
	Fields  []*Field // nil when the event has no payload block
	Inline  bool     // the payload block was written on one line
	Pos     pos.Span
}

// BudgetDecl is the workspace's send budget: `budget N sends per DURATION`
// (at most N sends to a contact in any period of that length, over all
// journeys) or `budget off` (none). Word holds `off`, or any other word for
// the checker to reject.
type BudgetDecl struct {
	Keyword pos.Span
	Count   *Int      // nil with Word
	Unit    *Ident    // `sends`; nil with Word
	Per     *Duration // nil with Word
	Word    *Ident    // `off`, or nil with Count
	Pos     pos.Span
}

// TeamDecl declares a team that `notify` and `task … for` may name:
// `team sales "sales@acme.example"`. The address is for the runtime's
// sinks; the contact's `owner` is a team without a declaration.
type TeamDecl struct {
	Keyword pos.Span
	Name    *Ident
	Address *String // nil when absent
	Pos     pos.Span
}

// RuleDecl is a workspace rule, a reaction that is no journey: `rule NAME
// on EVENT[, EVENT…] [when EXPR] BLOCK` runs its steps on each such event,
// `rule NAME when EXPR [every D] BLOCK` when the condition becomes true
// (and, with every, again each D while it holds). Its steps change the
// contact (set, tag, untag); the checker refuses any other and any delay.
type RuleDecl struct {
	Keyword pos.Span
	Name    *Ident
	On      []*Ident  // the events, in written order; nil for a condition rule
	When    *Expr     // nil when absent
	EveryKw pos.Span  // the `every` keyword; zero without Every
	Every   *Duration // nil when absent
	Body    *Block
	Pos     pos.Span
}

// HolidaysDecl lists days that business days skip, besides Saturdays and
// Sundays: `holidays "2026-12-25", "2026-12-26"`, dates written
// YYYY-MM-DD, read in each contact's time zone.
type HolidaysDecl struct {
	Keyword pos.Span
	Dates   []*String
	Pos     pos.Span
}

// Journey is a journey header and everything up to the next top-level
// declaration: its policies and its stages, in source order.
type Journey struct {
	Keyword pos.Span
	Name    *Ident
	Title   *String // optional display name
	Items   []Item  // clauses and stages in source order
	Pos     pos.Span
}

// Stages returns the journey's stages in order.
func (j *Journey) Stages() []*Stage {
	var out []*Stage
	for _, it := range j.Items {
		if s, ok := it.(*Stage); ok {
			out = append(out, s)
		}
	}
	return out
}

// Test is a `test "name" { … }` block of a *_test.journey file.
type Test struct {
	Keyword pos.Span
	Name    *String
	Stmts   []TestStmt
	Pos     pos.Span
}

// BadDecl covers text the parser could not read as a declaration.
type BadDecl struct {
	Pos pos.Span
}

func (d *UseDecl) Span() pos.Span      { return d.Pos }
func (d *ContactDecl) Span() pos.Span  { return d.Pos }
func (d *EventDecl) Span() pos.Span    { return d.Pos }
func (d *BudgetDecl) Span() pos.Span   { return d.Pos }
func (d *TeamDecl) Span() pos.Span     { return d.Pos }
func (d *RuleDecl) Span() pos.Span     { return d.Pos }
func (d *HolidaysDecl) Span() pos.Span { return d.Pos }
func (d *Journey) Span() pos.Span      { return d.Pos }
func (d *Test) Span() pos.Span         { return d.Pos }
func (d *BadDecl) Span() pos.Span      { return d.Pos }

func (*UseDecl) declNode()      {}
func (*ContactDecl) declNode()  {}
func (*EventDecl) declNode()    {}
func (*BudgetDecl) declNode()   {}
func (*TeamDecl) declNode()     {}
func (*RuleDecl) declNode()     {}
func (*HolidaysDecl) declNode() {}
func (*Journey) declNode()      {}
func (*Test) declNode()         {}
func (*BadDecl) declNode()      {}

// Field is a schema field: `name: Type`.
type Field struct {
	Name *Ident
	Type Type
	Pos  pos.Span
}

func (n *Field) Span() pos.Span { return n.Pos }

// Type is a schema type.
type Type interface {
	Node
	typeNode()
}

// NamedType is a scalar type: string, int, double, bool, timestamp,
// duration (the parser accepts any name; the checker judges it).
type NamedType struct {
	Name *Ident
}

// ListType is list<Elem>.
type ListType struct {
	Elem Type
	Pos  pos.Span
}

// MapType is map<Key, Elem>.
type MapType struct {
	Key  Type
	Elem Type
	Pos  pos.Span
}

// EnumType is enum(a, b, c).
type EnumType struct {
	Values []*Ident
	Pos    pos.Span
}

// ObjectType is a nested object `{ field: Type … }`.
type ObjectType struct {
	Fields []*Field
	Inline bool // written on one line
	Pos    pos.Span
}

// OptionalType is `T?`: the field may be absent.
type OptionalType struct {
	Elem Type
	Pos  pos.Span
}

func (n *NamedType) Span() pos.Span    { return n.Name.Pos }
func (n *ListType) Span() pos.Span     { return n.Pos }
func (n *MapType) Span() pos.Span      { return n.Pos }
func (n *EnumType) Span() pos.Span     { return n.Pos }
func (n *ObjectType) Span() pos.Span   { return n.Pos }
func (n *OptionalType) Span() pos.Span { return n.Pos }

func (*NamedType) typeNode()    {}
func (*ListType) typeNode()     {}
func (*MapType) typeNode()      {}
func (*EnumType) typeNode()     {}
func (*ObjectType) typeNode()   {}
func (*OptionalType) typeNode() {}
