package ast

import "github.com/journeylang/journey/lang/pos"

// Item is what a journey holds: a policy clause or a stage.
type Item interface {
	Node
	itemNode()
}

// Entry is `entry on EVENT[, EVENT…] [when EXPR]` or `entry when EXPR`.
// Any one of the listed events triggers it.
type Entry struct {
	Keyword pos.Span
	On      []*Ident // the events, in written order; nil for a condition-only entry
	When    *Expr    // nil when absent
	Pos     pos.Span
}

// Exit is `exit when EXPR`.
type Exit struct {
	Keyword pos.Span
	When    *Expr
	Pos     pos.Span
}

// Goal is `goal NAME when EXPR`.
type Goal struct {
	Keyword pos.Span
	Name    *Ident
	When    *Expr
	Pos     pos.Span
}

// Suppress is `suppress when EXPR`.
type Suppress struct {
	Keyword pos.Span
	When    *Expr
	Pos     pos.Span
}

// Window is `window HH:MM-HH:MM [DAYS]`, e.g. `window 09:00-18:00 mon-fri`.
type Window struct {
	Keyword pos.Span
	From    *Clock
	To      *Clock
	Days    []*DayRange // empty: every day
	Pos     pos.Span
}

// Clock is a time of day written HH:MM.
type Clock struct {
	Raw string
	Pos pos.Span
}

func (n *Clock) Span() pos.Span { return n.Pos }

// DayRange is a weekday (`sat`) or a range of them (`mon-fri`).
type DayRange struct {
	From *Ident
	To   *Ident // nil for a single day
	Pos  pos.Span
}

func (n *DayRange) Span() pos.Span { return n.Pos }

// Cap is `cap N UNIT per DURATION`, e.g. `cap 3 sends per 7d`.
type Cap struct {
	Keyword pos.Span
	Count   *Int
	Unit    *Ident
	Per     *Duration
	Pos     pos.Span
}

// Int is an integer literal.
type Int struct {
	Value int64
	Raw   string
	Pos   pos.Span
}

func (n *Int) Span() pos.Span { return n.Pos }

// Reenter is `reenter never` or `reenter after DURATION` (Word holds any
// other word, for the checker to reject).
type Reenter struct {
	Keyword pos.Span
	Word    *Ident    // `never`, or nil with After
	After   *Duration // nil with Word
	Pos     pos.Span
}

// OnChange is `on change WORD`: what a new version of the journey does to
// the contacts in flight, `migrate` or `drain` (Word holds any other word,
// for the checker to reject).
type OnChange struct {
	Keyword pos.Span // the two words `on change`
	Word    *Ident
	Pos     pos.Span
}

// Stage is `stage NAME [on EVENT[, EVENT…]] [when EXPR] [BLOCK]`: any one
// of the listed events triggers it.
type Stage struct {
	Keyword pos.Span
	Name    *Ident
	On      []*Ident // the events, in written order; nil when absent
	When    *Expr    // nil when absent
	Body    *Block   // nil when the stage has no steps
	Pos     pos.Span
}

func (n *Entry) Span() pos.Span    { return n.Pos }
func (n *Exit) Span() pos.Span     { return n.Pos }
func (n *Goal) Span() pos.Span     { return n.Pos }
func (n *Suppress) Span() pos.Span { return n.Pos }
func (n *Window) Span() pos.Span   { return n.Pos }
func (n *Cap) Span() pos.Span      { return n.Pos }
func (n *Reenter) Span() pos.Span  { return n.Pos }
func (n *OnChange) Span() pos.Span { return n.Pos }
func (n *Stage) Span() pos.Span    { return n.Pos }

func (*Entry) itemNode()    {}
func (*Exit) itemNode()     {}
func (*Goal) itemNode()     {}
func (*Suppress) itemNode() {}
func (*Window) itemNode()   {}
func (*Cap) itemNode()      {}
func (*Reenter) itemNode()  {}
func (*OnChange) itemNode() {}
func (*Stage) itemNode()    {}

// Block is a list of steps in braces, or in the angle form `< … >`.
type Block struct {
	Angle bool     // written `< … >`; the formatter prints braces
	Open  pos.Span // the opening `{` or `<`
	Close pos.Span // the closing `}` or `>`
	Steps []Step
	Pos   pos.Span
}

func (n *Block) Span() pos.Span { return n.Pos }

// BadItem covers text inside a journey the parser could not read as a
// clause or a stage.
type BadItem struct {
	Pos pos.Span
}

func (n *BadItem) Span() pos.Span { return n.Pos }
func (*BadItem) itemNode()        {}
