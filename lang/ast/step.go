package ast

import "github.com/journeylang/journey/lang/pos"

// Step is one step of a block. Every step may carry an `after D` prefix.
type Step interface {
	Node
	// Delay returns the step's `after` prefix, or nil.
	Delay() *After
	stepNode()
}

// After is the prefix of a step: `after D`, `after D at HH:MM`, or
// `at HH:MM` alone. With At, the step runs at the first time of day At in
// the contact's time zone at or after its offset.
type After struct {
	Keyword pos.Span  // the `after` keyword; zero without Delay
	Delay   *Duration // nil for `at HH:MM` alone
	AtKw    pos.Span  // the `at` keyword; zero without At
	At      *Clock    // nil when absent
	Pos     pos.Span
}

func (n *After) Span() pos.Span { return n.Pos }

// StepBase holds what every step has.
type StepBase struct {
	After   *After   // nil when the step runs as soon as its block starts
	Keyword pos.Span // the step's keyword (`send`, `if`, …)
	Pos     pos.Span // the whole step, `after` prefix included
}

func (b *StepBase) Delay() *After  { return b.After }
func (b *StepBase) Span() pos.Span { return b.Pos }

// Send is `send [CHANNEL] "template"`; Channel nil means email.
type Send struct {
	StepBase
	Channel  *Ident
	Template *String
}

// Notify is `notify TEAM "text"`: an internal alert.
type Notify struct {
	StepBase
	Team *Ident
	Text *String
}

// Task is `task "title" [for WHO] [due D]`: a CRM task.
type Task struct {
	StepBase
	Title *String
	For   *Ident    // nil when absent
	Due   *Duration // nil when absent
}

// Set is `set field = EXPR`.
type Set struct {
	StepBase
	Field *Path
	Value *Expr
}

// Tag is `tag "x"`, or `untag "x"` when Remove.
type Tag struct {
	StepBase
	Remove bool
	Tag    *String
}

// Webhook is `webhook NAME`.
type Webhook struct {
	StepBase
	Name *Ident
}

// Goto is `goto Stage`.
type Goto struct {
	StepBase
	Stage *Ident
}

// Next is `next`: move to the next stage in file order.
type Next struct {
	StepBase
}

// ExitStep is `exit ["reason"]`: leave the journey.
type ExitStep struct {
	StepBase
	Reason *String // nil when absent
}

// If is `if EXPR BLOCK [else BLOCK | else if …]`.
type If struct {
	StepBase
	Cond   *Expr
	Then   *Block
	ElseKw pos.Span // the `else` keyword, when present
	ElseIf *If      // `else if …`; nil otherwise
	Else   *Block   // `else { … }`; nil otherwise
}

// Split is `split [NAME] { 50% a { … } 50% b { … } }`.
type Split struct {
	StepBase
	Name  *Ident // nil when unnamed
	Arms  []*Arm
	Open  pos.Span
	Close pos.Span
}

// Arm is one arm of a split: `50% NAME BLOCK`.
type Arm struct {
	Weight *Percent
	Name   *Ident
	Body   *Block
	Pos    pos.Span
}

func (n *Arm) Span() pos.Span { return n.Pos }

// Percent is a weight such as 50% or 33.5%.
type Percent struct {
	Value float64 // 50 for 50%
	Raw   string  // as written, `%` included
	Pos   pos.Span
}

func (n *Percent) Span() pos.Span { return n.Pos }

// Wait is `wait for EVENT[, EVENT…] [when EXPR] within D BLOCK [timeout
// BLOCK]`: any one of the listed events resolves it.
type Wait struct {
	StepBase
	Events    []*Ident // in written order; at least one
	When      *Expr    // nil when absent
	Within    *Duration
	Body      *Block
	TimeoutKw pos.Span
	Timeout   *Block // nil when absent
}

// BadStep covers text the parser could not read as a step.
type BadStep struct {
	StepBase
}

func (*Send) stepNode()     {}
func (*Notify) stepNode()   {}
func (*Task) stepNode()     {}
func (*Set) stepNode()      {}
func (*Tag) stepNode()      {}
func (*Webhook) stepNode()  {}
func (*Goto) stepNode()     {}
func (*Next) stepNode()     {}
func (*ExitStep) stepNode() {}
func (*If) stepNode()       {}
func (*Split) stepNode()    {}
func (*Wait) stepNode()     {}
func (*BadStep) stepNode()  {}
