package ast

import "github.com/journeylang/journey/lang/pos"

// TestStmt is a statement of a test block.
type TestStmt interface {
	Node
	// Time returns the statement's `at T` prefix, or nil: then it happens
	// at the time of the statement before it.
	Time() *At
	testStmtNode()
}

// At is the `at T` prefix: T is the simulated time since the test's start.
type At struct {
	Keyword pos.Span
	Time    *Duration // `0` parses as a zero Duration
	Pos     pos.Span
}

func (n *At) Span() pos.Span { return n.Pos }

// TestBase holds what every test statement has.
type TestBase struct {
	At      *At      // nil when absent
	Keyword pos.Span // the statement's keyword
	Pos     pos.Span // the whole statement, `at` prefix included
}

func (b *TestBase) Time() *At      { return b.At }
func (b *TestBase) Span() pos.Span { return b.Pos }

// TestJourney is `journey NAME`: the journey under test.
type TestJourney struct {
	TestBase
	Name *Ident
}

// TestContact is `contact ["id"] { field: value … }`: the contact fixture.
type TestContact struct {
	TestBase
	ID    *String // nil when absent
	Value *Object
}

// TestStart is `start "RFC 3339 time"`: where the simulated clock starts.
type TestStart struct {
	TestBase
	Start *String // an RFC 3339 time
}

// TestEvent is `event NAME [{ payload }]`: an event arrives.
type TestEvent struct {
	TestBase
	Name    *Ident
	Payload *Object // nil when absent
}

// TestSet is `set field = EXPR`: an attribute update arrives.
type TestSet struct {
	TestBase
	Field *Path
	Value *Expr
}

// TestConsent is `unsubscribe CHANNEL` or `resubscribe CHANNEL`: the
// contact's consent on the channel changes, as the API's routes change it.
type TestConsent struct {
	TestBase
	Subscribe bool // resubscribe
	Channel   *Ident
}

// Expect is an expectation: `expect [not] KIND …` or `expect EXPR`.
//
// The kinds and their arguments:
//
//	expect stage NAME
//	expect [not] sent [CHANNEL] "template" [by T]
//	expect [not] notified TEAM ["text"]
//	expect [not] task "title"
//	expect [not] tagged "tag"
//	expect [not] exited ["reason"]
//	expect [not] goal NAME
//	expect [not] suppressed "template"
//	expect [not] capped "template"
//	expect [not] unsubscribed "template"
//	expect [not] arm NAME
//	expect [not] enrolled
//	expect [not] EXPR           a CEL condition over the contact
type Expect struct {
	TestBase
	Not  bool
	Kind *Ident    // nil for the EXPR form
	Name *Ident    // stage, channel, team, goal or arm name; nil when absent
	Text *String   // template, title, tag, reason or notification text
	By   *Duration // `by T`; nil when absent
	Cond *Expr     // the EXPR form

	// `expect sent "tpl" subject "S" containing "T"`: the rendered
	// message's subject is S, and its text holds T; nil when absent.
	Subject    *String
	Containing *String
}

func (*TestJourney) testStmtNode() {}
func (*TestContact) testStmtNode() {}
func (*TestStart) testStmtNode()   {}
func (*TestEvent) testStmtNode()   {}
func (*TestSet) testStmtNode()     {}
func (*TestConsent) testStmtNode() {}
func (*Expect) testStmtNode()      {}

// Value is a literal of a contact fixture or an event payload.
type Value interface {
	Node
	valueNode()
}

// Object is `{ key: value, … }`.
type Object struct {
	Fields []*ObjectField
	Inline bool // written on one line
	Pos    pos.Span
}

// ObjectField is `key: value`.
type ObjectField struct {
	Key   *Ident
	Value Value
	Pos   pos.Span
}

func (n *ObjectField) Span() pos.Span { return n.Pos }

// List is `[value, …]`.
type List struct {
	Elems []Value
	Pos   pos.Span
}

// Number is an integer or decimal literal, sign included.
type Number struct {
	Raw string
	Pos pos.Span
}

// Word is a bare word value: true, false or null.
type Word struct {
	Name string
	Pos  pos.Span
}

func (n *Object) Span() pos.Span { return n.Pos }
func (n *List) Span() pos.Span   { return n.Pos }
func (n *Number) Span() pos.Span { return n.Pos }
func (n *Word) Span() pos.Span   { return n.Pos }

func (*Object) valueNode()   {}
func (*List) valueNode()     {}
func (*Number) valueNode()   {}
func (*Word) valueNode()     {}
func (*String) valueNode()   {}
func (*Duration) valueNode() {}
