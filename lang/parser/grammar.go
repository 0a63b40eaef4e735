package parser

// The participle grammar. Its structs stay inside this package: lower.go
// turns them into the ast package's nodes. The grammar is kept as text in
// docs/language.md (EBNF); the two must agree.
//
// A file is parsed one top-level item at a time (see parse.go), so the root
// production is one item: a declaration, a journey header, a clause or a
// stage. Conditions arrive from the lexer as single Expr tokens.

import "github.com/alecthomas/participle/v2/lexer"

type gItem struct {
	Use      *gUse       `parser:"  @@"`
	Contact  *gContact   `parser:"| @@"`
	Event    *gEventDecl `parser:"| @@"`
	Budget   *gBudget    `parser:"| @@"`
	Team     *gTeam      `parser:"| @@"`
	Rule     *gRule      `parser:"| @@"`
	Holidays *gHolidays  `parser:"| @@"`
	Journey  *gJourney   `parser:"| @@"`
	Entry    *gEntry     `parser:"| @@"`
	Exit     *gExit      `parser:"| @@"`
	Goal     *gGoal      `parser:"| @@"`
	Suppress *gSuppress  `parser:"| @@"`
	Window   *gWindow    `parser:"| @@"`
	Cap      *gCap       `parser:"| @@"`
	Reenter  *gReenter   `parser:"| @@"`
	OnChange *gOnChange  `parser:"| @@"`
	Stage    *gStage     `parser:"| @@"`
	Test     *gTest      `parser:"| @@"`
}

// Leaves: each keeps its own position.

type gIdent struct {
	Pos  lexer.Position
	Name string `parser:"@Ident"`
}

type gString struct {
	Pos lexer.Position
	Raw string `parser:"@String"`
}

type gDuration struct {
	Pos lexer.Position
	Raw string `parser:"@Duration"`
}

type gExpr struct {
	Pos  lexer.Position
	Text string `parser:"@Expr"`
}

type gInt struct {
	Pos lexer.Position
	Raw string `parser:"@Int"`
}

type gClock struct {
	Pos lexer.Position
	Raw string `parser:"@Clock"`
}

type gPercent struct {
	Pos lexer.Position
	Raw string `parser:"@Percent"`
}

type gPath struct {
	Parts []*gIdent `parser:"@@ ( '.' @@ )*"`
}

// Schema.

type gUse struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gIdent `parser:"'use' @@"`
}

type gContact struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Fields []*gField `parser:"'contact' '{' ( @@ ','? )* '}'"`
}

type gEventDecl struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gIdent   `parser:"'event' @@"`
	Open   *gLBrace  `parser:"( @@"`
	Fields []*gField `parser:"  ( @@ ','? )*"`
	Close  *gRBrace  `parser:"  @@ )?"`
}

// gBudget is the workspace's send budget, `budget N sends per D` or
// `budget off`; the checker judges the unit and the word.
type gBudget struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Count  *gInt      `parser:"'budget' ( @@"`
	Unit   *gIdent    `parser:"  @@"`
	Per    *gDuration `parser:"  'per' @@"`
	Word   *gIdent    `parser:"| @@ )"`
}

// gTeam declares a team that `notify` and `task … for` may name, with an
// optional address: `team sales "sales@acme.example"`.
type gTeam struct {
	Pos     lexer.Position
	Tokens  []lexer.Token
	Name    *gIdent  `parser:"'team' @@"`
	Address *gString `parser:"@@?"`
}

type gOpen struct {
	Pos   lexer.Position
	Value string `parser:"@( '{' | BlockOpen )"`
}

// gLBrace and gRBrace delimit what is not a block of steps: payloads,
// objects, splits and tests take braces only.
type gLBrace struct {
	Pos   lexer.Position
	Value string `parser:"@'{'"`
}

type gRBrace struct {
	Pos   lexer.Position
	Value string `parser:"@'}'"`
}

type gClose struct {
	Pos   lexer.Position
	Value string `parser:"@( '}' | BlockClose )"`
}

type gField struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gIdent `parser:"@@ ':'"`
	Type   *gType  `parser:"@@"`
}

type gType struct {
	Pos      lexer.Position
	Tokens   []lexer.Token
	List     *gType    `parser:"(   'list' '<' @@ '>'"`
	MapKey   *gType    `parser:"  | 'map' '<' @@ ','"`
	MapElem  *gType    `parser:"    @@ '>'"`
	Enum     []*gIdent `parser:"  | 'enum' '(' ( @@ ( ',' @@ )* ','? )? ')'"`
	Object   *gObjType `parser:"  | @@"`
	Named    *gIdent   `parser:"  | @@ )"`
	Optional bool      `parser:"@'?'?"`
}

type gObjType struct {
	Open   *gLBrace  `parser:"@@"`
	Fields []*gField `parser:"( @@ ','? )*"`
	Close  *gRBrace  `parser:"@@"`
}

// Journey header and clauses.

type gJourney struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gIdent  `parser:"'journey' @@"`
	Title  *gString `parser:"@@?"`
}

type gEntry struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	On     []*gIdent `parser:"'entry' ( 'on' @@ ( ',' @@ )* )?"`
	When   *gExpr    `parser:"( 'when' @@ )?"`
}

type gExit struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	When   *gExpr `parser:"'exit' 'when' @@"`
}

type gGoal struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gIdent `parser:"'goal' @@"`
	When   *gExpr  `parser:"'when' @@"`
}

type gSuppress struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	When   *gExpr `parser:"'suppress' 'when' @@"`
}

type gWindow struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	From   *gClock      `parser:"'window' @@ '-'"`
	To     *gClock      `parser:"@@"`
	Days   []*gDayRange `parser:"( @@ ( ',' @@ )* )?"`
}

type gDayRange struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	From   *gIdent `parser:"@@"`
	To     *gIdent `parser:"( '-' @@ )?"`
}

type gCap struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Count  *gInt      `parser:"'cap' @@"`
	Unit   *gIdent    `parser:"@@"`
	Per    *gDuration `parser:"'per' @@"`
}

type gReenter struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	After  *gDuration `parser:"'reenter' ( 'after' @@"`
	Word   *gIdent    `parser:"| @@ )"`
}

// gOnChange is `on change WORD`; the checker judges the word.
type gOnChange struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Word   *gIdent `parser:"'on' 'change' @@"`
}

// Stages and steps.

type gStage struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gIdent   `parser:"'stage' @@"`
	On     []*gIdent `parser:"( 'on' @@ ( ',' @@ )* )?"`
	When   *gExpr    `parser:"( 'when' @@ )?"`
	Body   *gBlock   `parser:"@@?"`
}

type gBlock struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Open   *gOpen   `parser:"@@"`
	Steps  []*gStep `parser:"@@*"`
	Close  *gClose  `parser:"@@"`
}

type gStep struct {
	Pos     lexer.Position
	Tokens  []lexer.Token
	After   *gAfter    `parser:"@@?"`
	Send    *gSend     `parser:"(   @@"`
	Notify  *gNotify   `parser:"  | @@"`
	Task    *gTask     `parser:"  | @@"`
	Set     *gSet      `parser:"  | @@"`
	Tag     *gTag      `parser:"  | @@"`
	Webhook *gWebhook  `parser:"  | @@"`
	Goto    *gGoto     `parser:"  | @@"`
	Next    *gNext     `parser:"  | @@"`
	Exit    *gExitStep `parser:"  | @@"`
	If      *gIf       `parser:"  | @@"`
	Split   *gSplit    `parser:"  | @@"`
	Wait    *gWait     `parser:"  | @@ )"`
}

// gAfter is a step's prefix: `after D`, `after D at HH:MM` or `at HH:MM`.
// gRule is a workspace rule: `rule NAME [on EVENTS] [when EXPR] [every D]
// BLOCK`. The checker judges the combination: `on` or `when`, and `every`
// only with a condition alone.
type gRule struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gIdent   `parser:"'rule' @@"`
	On     []*gIdent `parser:"( 'on' @@ ( ',' @@ )* )?"`
	When   *gExpr    `parser:"( 'when' @@ )?"`
	Every  *gEvery   `parser:"@@?"`
	Body   *gBlock   `parser:"@@"`
}

// gHolidays is the workspace's holidays: `holidays "2026-12-25", …`.
type gHolidays struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Dates  []*gString `parser:"'holidays' @@ ( ',' @@ )*"`
}

// gEvery is a condition rule's `every D`.
type gEvery struct {
	Pos   lexer.Position
	Every *gDuration `parser:"'every' @@"`
}

type gAfter struct {
	Pos   lexer.Position
	Delay *gDuration `parser:"( 'after' @@"`
	At    *gStepAt   `parser:"  @@? | @@ )"`
}

// gStepAt is the `at HH:MM` of a step's prefix: a local time of day.
type gStepAt struct {
	Pos   lexer.Position
	Clock *gClock `parser:"'at' @@"`
}

type gSend struct {
	Pos      lexer.Position
	Channel  *gIdent  `parser:"'send' @@?"`
	Template *gString `parser:"@@"`
}

type gNotify struct {
	Pos  lexer.Position
	Team *gIdent  `parser:"'notify' @@"`
	Text *gString `parser:"@@"`
}

type gTask struct {
	Pos   lexer.Position
	Title *gString   `parser:"'task' @@"`
	For   *gIdent    `parser:"( 'for' @@ )?"`
	Due   *gDuration `parser:"( 'due' @@ )?"`
}

type gSet struct {
	Pos   lexer.Position
	Field *gPath `parser:"'set' @@ '='"`
	Value *gExpr `parser:"@@"`
}

type gTag struct {
	Pos  lexer.Position
	Verb string   `parser:"@( 'tag' | 'untag' )"`
	Tag  *gString `parser:"@@"`
}

type gWebhook struct {
	Pos  lexer.Position
	Name *gIdent `parser:"'webhook' @@"`
}

type gGoto struct {
	Pos   lexer.Position
	Stage *gIdent `parser:"'goto' @@"`
}

type gNext struct {
	Pos  lexer.Position
	Next bool `parser:"@'next'"`
}

type gExitStep struct {
	Pos    lexer.Position
	Reason *gString `parser:"'exit' @@?"`
}

type gIf struct {
	Pos  lexer.Position
	Cond *gExpr  `parser:"'if' @@"`
	Then *gBlock `parser:"@@"`
	Else *gElse  `parser:"@@?"`
}

type gElse struct {
	Pos   lexer.Position
	If    *gIf    `parser:"'else' ( @@"`
	Block *gBlock `parser:"| @@ )"`
}

type gSplit struct {
	Pos   lexer.Position
	Name  *gIdent  `parser:"'split' @@?"`
	Open  *gLBrace `parser:"@@"`
	Arms  []*gArm  `parser:"@@*"`
	Close *gRBrace `parser:"@@"`
}

type gArm struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Weight *gPercent `parser:"@@"`
	Name   *gIdent   `parser:"@@"`
	Body   *gBlock   `parser:"@@"`
}

type gWait struct {
	Pos     lexer.Position
	Events  []*gIdent  `parser:"'wait' 'for' @@ ( ',' @@ )*"`
	When    *gExpr     `parser:"( 'when' @@ )?"`
	Within  *gDuration `parser:"'within' @@"`
	Body    *gBlock    `parser:"@@"`
	Timeout *gTimeout  `parser:"@@?"`
}

type gTimeout struct {
	Pos   lexer.Position
	Block *gBlock `parser:"'timeout' @@"`
}

// Tests.

type gTest struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gString     `parser:"'test' @@ '{'"`
	Stmts  []*gTestStmt `parser:"@@*"`
	Close  *gRBrace     `parser:"@@"`
}

type gTestStmt struct {
	Pos     lexer.Position
	Tokens  []lexer.Token
	At      *gAt       `parser:"@@?"`
	Journey *gTJourney `parser:"(   @@"`
	Contact *gTContact `parser:"  | @@"`
	Start   *gTStart   `parser:"  | @@"`
	Event   *gTEvent   `parser:"  | @@"`
	Set     *gSet      `parser:"  | @@"`
	Consent *gTConsent `parser:"  | @@"`
	Expect  *gExpect   `parser:"  | @@ )"`
}

type gAt struct {
	Pos      lexer.Position
	Duration *gDuration `parser:"'at' ( @@"`
	Zero     *gInt      `parser:"| @@ )"`
}

type gTJourney struct {
	Pos  lexer.Position
	Name *gIdent `parser:"'journey' @@"`
}

type gTContact struct {
	Pos   lexer.Position
	ID    *gString `parser:"'contact' @@?"`
	Value *gObject `parser:"@@"`
}

type gTStart struct {
	Pos  lexer.Position
	Time *gString `parser:"'start' @@"`
}

type gTEvent struct {
	Pos     lexer.Position
	Name    *gIdent  `parser:"'event' @@"`
	Payload *gObject `parser:"@@?"`
}

type gTConsent struct {
	Pos     lexer.Position
	Verb    string  `parser:"@( 'unsubscribe' | 'resubscribe' )"`
	Channel *gIdent `parser:"@@"`
}

type gExpect struct {
	Pos  lexer.Position
	Not  bool         `parser:"'expect' @'not'?"`
	Kind *gExpectKind `parser:"( @@"`
	Cond *gExpr       `parser:"| @@ )"`
}

// gExpectKind lists the expectation forms; see ast.Expect.
type gExpectKind struct {
	Pos    lexer.Position
	Named  string     `parser:"(   @( 'stage' | 'goal' | 'arm' )"`
	Name   *gIdent    `parser:"    @@"`
	Sent   bool       `parser:"  | @'sent'"`
	Chan   *gIdent    `parser:"    @@?"`
	SentT  *gString   `parser:"    @@"`
	Subj   *gString   `parser:"    ( 'subject' @@ )?"`
	Contai *gString   `parser:"    ( 'containing' @@ )?"`
	By     *gDuration `parser:"    ( 'by' @@ )?"`
	Notif  bool       `parser:"  | @'notified'"`
	Team   *gIdent    `parser:"    @@"`
	NotifT *gString   `parser:"    @@?"`
	Texted string     `parser:"  | @( 'task' | 'tagged' | 'suppressed' | 'capped' | 'unsubscribed' )"`
	Text   *gString   `parser:"    @@"`
	Exited bool       `parser:"  | @'exited'"`
	Reason *gString   `parser:"    @@?"`
	Enroll bool       `parser:"  | @'enrolled' )"`
}

type gObject struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Open   *gLBrace        `parser:"@@"`
	Fields []*gObjectField `parser:"( @@ ','? )*"`
	Close  *gRBrace        `parser:"@@"`
}

type gObjectField struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Key    *gIdent `parser:"@@ ':'"`
	Value  *gValue `parser:"@@"`
}

type gValue struct {
	Pos      lexer.Position
	Tokens   []lexer.Token
	String   *gString   `parser:"  @@"`
	Duration *gDuration `parser:"| @@"`
	Neg      bool       `parser:"| ( @'-'?"`
	Number   string     `parser:"    @( Int | Float ) )"`
	Word     string     `parser:"| @( 'true' | 'false' | 'null' )"`
	List     *gList     `parser:"| @@"`
	Object   *gObject   `parser:"| @@"`
}

type gList struct {
	Pos   lexer.Position
	Elems []*gValue `parser:"'[' ( @@ ( ',' @@ )* ','? )? ']'"`
}
