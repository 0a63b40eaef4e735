package parser

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/journeylang/journey/lang/diag"
)

// Diagnostic codes of the parser. Each is documented with an example in
// docs/diagnostics.md; codes are only ever added, never renamed.
const (
	CodeUnexpectedCharacter diag.Code = "UnexpectedCharacter"
	CodeUnterminatedString  diag.Code = "UnterminatedString"
	CodeUnclosedBlock       diag.Code = "UnclosedBlock"
	CodeStrayBracket        diag.Code = "StrayBracket"
	CodeUnexpectedToken     diag.Code = "UnexpectedToken"
	CodeUnknownStep         diag.Code = "UnknownStep"
	CodeUnknownDeclaration  diag.Code = "UnknownDeclaration"
	CodeMissingCondition    diag.Code = "MissingCondition"
	CodeMissingDurationUnit diag.Code = "MissingDurationUnit"
	CodeInvalidDuration     diag.Code = "InvalidDuration"
	CodeInvalidPercent      diag.Code = "InvalidPercent"
	CodeInvalidNumber       diag.Code = "InvalidNumber"
	CodeInvalidString       diag.Code = "InvalidString"
	CodeOrphanItem          diag.Code = "OrphanItem"
	CodeEmptyEntry          diag.Code = "EmptyEntry"
	CodeMissingType         diag.Code = "MissingType"
	CodeMissingStep         diag.Code = "MissingStep"
	CodeUnknownStatement    diag.Code = "UnknownStatement"
	CodeOversizedFile       diag.Code = "OversizedFile"
	CodeExcessiveNesting    diag.Code = "ExcessiveNesting"
	CodeTooManyErrors       diag.Code = "TooManyErrors"
	CodeMissingComma        diag.Code = "MissingComma"
)

// The messages of the limits (limits.go).

// oversizedFile is the message for a file of size bytes, over MaxFileSize.
func oversizedFile(size int) string {
	return fmt.Sprintf("file too large: it is %s bytes, and a file may hold at most %s (4 MiB); nothing of it is read",
		thousands(size), thousands(MaxFileSize))
}

// oversizedFileDetail says what to do about an oversized file.
const oversizedFileDetail = "the caret marks the first byte past the limit; split the file: a workspace is a folder of files, and each journey has a file of its own"

// excessiveNesting is the message for the bracket c that would open
// nesting level level, over MaxNesting.
func excessiveNesting(c byte, level int) string {
	return fmt.Sprintf("nesting too deep: this '%c' opens level %d, and blocks and brackets nest at most %d levels; the file is not read past it",
		c, level, MaxNesting)
}

// excessiveNestingDetail says how levels are counted, and what to do.
const excessiveNestingDetail = "each block, object, list and type bracket opens a level, and each `else if` one more than the `if` before it; a branch this deep reads better as stages of its own, reached with `goto`"

// unexpectedCharacter is the message for the character r, of size bytes
// and first byte c, that begins no token; a byte that is not UTF-8 is
// named by its value.
func unexpectedCharacter(r rune, size int, c byte) string {
	if r == utf8.RuneError && size == 1 {
		return fmt.Sprintf("invalid UTF-8 byte 0x%02X: source is UTF-8 text", c)
	}
	return "unexpected character " + quoteRune(r)
}

// tooManyErrors is the message that takes the place of the error after the
// first MaxErrors of a file.
func tooManyErrors() string {
	return fmt.Sprintf("too many errors: %d are reported, and the file is not read past this one", MaxErrors)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var stepNames = sortedKeys(stepKeywords)
var topNames = sortedKeys(topKeywords)

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// triggerFollowers are the words that may follow the events of a trigger.
var triggerFollowers = map[string]bool{"when": true, "within": true}

// eventListWord returns the word that opens the trigger's list of events
// that the token at follows — `on` in `on a`, `for` in `wait for a, b` —
// or "" when it follows no such list.
func eventListWord(toks []token, at int) string {
	i := at - 1
	for i >= 1 && toks[i].Type == tIdent {
		switch w := toks[i-1].Value; {
		case w == "on" && (toks[0].Value == "entry" || toks[0].Value == "stage"):
			return w
		case w == "for" && i >= 2 && toks[i-2].Value == "wait":
			return w
		case w == ",":
			i -= 2
			continue
		}
		return ""
	}
	return ""
}

// describe names a token for a message: `"sned"`, `end of file`, `'{'`.
func describe(t lexer.Token) string {
	switch t.Type {
	case lexer.EOF:
		return "end of input"
	case tString:
		return "string " + t.Value
	case tExpr:
		return "condition `" + t.Value + "`"
	case tIdent:
		return fmt.Sprintf("%q", t.Value)
	case tInt, tFloat:
		return "number " + t.Value
	case tDuration:
		return "duration " + t.Value
	case tPercent:
		return "weight " + t.Value
	case tClock:
		return "time " + t.Value
	}
	return "'" + t.Value + "'"
}

// syntaxError turns participle's error for a chunk into a diagnostic,
// recognising the common mistakes so the message says what to write.
func (p *parser) syntaxError(err error, toks []token) diag.Diagnostic {
	var unexpected lexer.Token
	expect := ""
	var perr participle.Error
	switch e := err.(type) {
	case *participle.UnexpectedTokenError:
		unexpected = e.Unexpected
		if i := strings.Index(e.Message(), "(expected "); i >= 0 {
			expect = strings.TrimSuffix(e.Message()[i+len("(expected "):], ")")
		}
	default:
		if errors.As(err, &perr) {
			unexpected = tokenAt(toks, perr.Position().Offset)
		} else {
			unexpected = toks[0].Token
		}
	}
	at := len(toks)
	for i, t := range toks {
		if t.Pos.Offset >= unexpected.Pos.Offset {
			at = i
			break
		}
	}
	var prev lexer.Token
	if at > 0 {
		prev = toks[at-1].Token
	}
	d := diag.Diagnostic{Severity: diag.Error, Code: CodeUnexpectedToken, File: p.file, Range: p.tokenSpan(unexpected)}
	if unexpected.EOF() && at > 0 {
		// Point just after the last token, where something is missing.
		end := endOf(prev)
		d.Range = p.lines.Span(end, end)
	}
	ctx := context(toks, at)
	isNumber := unexpected.Type == tInt || unexpected.Type == tFloat
	// blockEnd: the parser could have closed the block here, so the
	// unexpected word stands where a new step or statement begins.
	blockEnd := strings.HasPrefix(expect, "GClose") || strings.HasPrefix(expect, "GRBrace")
	afterPrefix := at >= 2 && prev.Type == tDuration && toks[at-2].Value == "after"
	switch {
	case at == 0 && unexpected.Type == tIdent && !topKeywords[unexpected.Value]:
		d.Code = CodeUnknownDeclaration
		d.Message = fmt.Sprintf("unknown declaration %q", unexpected.Value)
		d.Detail = "a file holds use, contact, event, budget, team, rule, holidays, journey and test declarations, and a journey's clauses and stages"
		d.Suggestion = diag.Suggest(unexpected.Value, topNames)
	case toks[0].Value == "on" && at == 1:
		// `on change WORD` misspelt, or a stage's or an entry's `on EVENT`
		// cut off from its header (see startsItem).
		d.Message = fmt.Sprintf("unexpected %s; expected 'change'", describe(unexpected))
		d.Detail = "a line that starts with `on` is the journey's setting `on change migrate` or `on change drain`; an event trigger `on EVENT` follows `entry` or `stage NAME`"
		if unexpected.Type == tIdent {
			d.Suggestion = diag.Suggest(unexpected.Value, []string{"change"})
		}
	case toks[0].Value == "on" && at == 2 && toks[1].Value == "change":
		d.Message = fmt.Sprintf("unexpected %s; expected 'migrate' or 'drain'", describe(unexpected))
	case unexpected.Type == tIdent && !triggerFollowers[unexpected.Value] && eventListWord(toks, at) != "":
		d.Code = CodeMissingComma
		d.Message = fmt.Sprintf("unexpected %s: separate the events of a trigger with commas, as in `%s %s, %s`", describe(unexpected), eventListWord(toks, at), prev.Value, unexpected.Value)
	case triggerFollowers[prev.Value] && at >= 2 && toks[at-2].Value == "," && eventListWord(toks, at-2) != "":
		// `on a, when x`: the word after the comma was taken for an event.
		d.Code = CodeMissingComma
		d.Range = p.tokenSpan(toks[at-2].Token)
		d.Message = fmt.Sprintf("the events of this trigger end with a comma: name another event after it, or remove it before `%s`", prev.Value)
	case prev.Type == tIdent && (prev.Value == "when" || prev.Value == "if"):
		d.Code = CodeMissingCondition
		d.Range = p.lines.Span(endOf(prev), endOf(prev))
		d.Message = fmt.Sprintf("missing condition after `%s`", prev.Value)
	case unexpected.Type == tInt && durationKeyword[prev.Value]:
		d.Code = CodeMissingDurationUnit
		v := unexpected.Value
		d.Message = fmt.Sprintf("duration %s needs a unit: %ss, %sm, %sh, %sd or %sw", v, v, v, v, v, v)
	case isNumber && ctx == inSplit && at+1 < len(toks) && toks[at+1].Value == "%":
		d.Code = CodeInvalidPercent
		d.Range = p.lines.Span(unexpected.Pos.Offset, endOf(toks[at+1].Token))
		d.Message = fmt.Sprintf("write the split weight without a space: %s%%", unexpected.Value)
	case isNumber && ctx == inSplit:
		d.Code = CodeInvalidPercent
		d.Message = fmt.Sprintf("split weight %s needs a percent sign: %s%%", unexpected.Value, unexpected.Value)
	case unexpected.Value == "<" && toks[0].Value == "event":
		d.Message = "unexpected '<': an event's payload is written in braces, as in `event page_viewed { path: string }`"
	case unexpected.Value == "<" && (toks[0].Value != "stage" && ctx != inSteps || prev.Value == "split" || at >= 2 && toks[at-2].Value == "split"):
		d.Message = "unexpected '<': only blocks of steps take the angle form; write braces here"
	case unexpected.Value == "<" && unexpected.Type == tPunct && at+1 < len(toks) && toks[at+1].Type == tIdent && !stepKeywords[toks[at+1].Value]:
		// `stage A < emial "x" >`: the `<` was not taken for a block
		// because no step follows it.
		next := toks[at+1].Token
		unknownStep(&d, next.Value)
		d.Range = p.tokenSpan(next)
	case afterPrefix && (unexpected.Type != tIdent || stepKeywords[unexpected.Value]):
		d.Code = CodeMissingStep
		d.Message = fmt.Sprintf("`after %s` needs a step to delay, such as `after %s send \"welcome\"`", prev.Value, prev.Value)
	case unexpected.Type == tIdent && (ctx == inSteps && blockEnd || afterPrefix) && !stepKeywords[unexpected.Value]:
		unknownStep(&d, unexpected.Value)
	case unexpected.Type == tIdent && ctx == inTest && blockEnd && !testKeywords[unexpected.Value]:
		d.Code = CodeUnknownStatement
		d.Message = fmt.Sprintf("unknown test statement %q", unexpected.Value)
		d.Detail = "a test statement is one of: " + strings.Join(testNames, ", ")
		d.Suggestion = diag.Suggest(unexpected.Value, testNames)
	case unexpected.Type == tIdent && (topKeywords[unexpected.Value] || onChangeAt(toks, at)) && !toks[at].lineStart:
		d.Message = fmt.Sprintf("unexpected %q: start each declaration, clause and stage on a line of its own", unexpected.Value)
	case unexpected.Value == ":" && at >= 3 && toks[at-2].Value == ":":
		d.Code = CodeMissingType
		d.Range = p.tokenSpan(toks[at-3].Token)
		d.Message = fmt.Sprintf("field %q has no type", toks[at-3].Value)
	default:
		d.Message = fmt.Sprintf("unexpected %s", describe(unexpected))
		want := expected(expect)
		if want == "" {
			want = follows[prev.Value]
		}
		if want != "" {
			d.Message += "; expected " + want
		}
		if toks[0].Value == "budget" {
			d.Detail = "a budget is written `budget 20 sends per 1d`, or `budget off` for none"
		}
	}
	return d
}

// onChangeAt reports whether toks[at] begins `on change`.
func onChangeAt(toks []token, at int) bool {
	return toks[at].Value == "on" && at+1 < len(toks) && toks[at+1].Value == "change"
}

// unknownStep makes d report word, which stands where a step belongs.
func unknownStep(d *diag.Diagnostic, word string) {
	d.Code = CodeUnknownStep
	d.Message = fmt.Sprintf("unknown step %q", word)
	d.Detail = "a step is one of: " + strings.Join(stepNames, ", ")
	d.Suggestion = diag.Suggest(word, stepNames)
}

// durationKeyword lists the words a duration follows.
var durationKeyword = map[string]bool{"after": true, "within": true, "due": true, "per": true, "at": true, "by": true}

// follows says what a keyword takes, for when participle does not.
var follows = map[string]string{"reenter": "'never' or 'after' and a duration", "budget": "a number of sends or 'off'"}

// testKeywords begin a statement of a test block.
var testKeywords = map[string]bool{"journey": true, "contact": true, "start": true, "at": true, "event": true, "set": true, "unsubscribe": true, "resubscribe": true, "expect": true}

var testNames = sortedKeys(testKeywords)

// Where a token stands, for messages.
const (
	inOther = iota
	inSteps // a block of steps
	inSplit // the arms of a split
	inTest  // a test block
)

// context finds the bracket around toks[at] and says what it holds.
func context(toks []token, at int) int {
	if at >= len(toks) {
		at = len(toks) - 1
	}
	depth := toks[at].depth
	for i := at - 1; i >= 0; i-- {
		t := toks[i]
		if t.depth >= depth || (t.Value != "{" && t.Type != tBlockOpen) {
			continue
		}
		if t.Type == tBlockOpen {
			return inSteps
		}
		word := func(back int) string {
			if i-back >= 0 {
				return toks[i-back].Value
			}
			return ""
		}
		switch {
		case word(1) == "split" || word(2) == "split":
			return inSplit
		case word(2) == "test":
			return inTest
		case word(1) == "contact" || word(2) == "event" || word(1) == ":" || word(2) == "contact":
			return inOther
		}
		return inSteps
	}
	return inOther
}

// expected turns the first item of participle's expectation into words.
func expected(expect string) string {
	first := expect
	if strings.HasPrefix(first, "(") {
		if i := strings.Index(first, ")"); i > 0 {
			first = first[1:i]
		}
	} else if i := strings.IndexByte(first, ' '); i > 0 {
		first = first[:i]
	}
	var words []string
	for _, alt := range strings.Split(first, "|") {
		alt = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(alt), "?"))
		if w, ok := grammarWords[alt]; ok {
			words = append(words, w)
		} else if strings.HasPrefix(alt, `"`) {
			words = append(words, "'"+strings.Trim(alt, `"`)+"'")
		}
	}
	return strings.Join(words, " or ")
}

// grammarWords names the grammar's productions for messages.
var grammarWords = map[string]string{
	"GIdent": "a name", "GString": "a string", "GInt": "a whole number",
	"GDuration": "a duration such as 3d", "GClock": "a time such as 09:00",
	"GPercent": "a weight such as 50%", "GExpr": "a condition",
	"GBlock": "a block", "GOpen": "'{'", "GClose": "'}'", "GLBrace": "'{'", "GRBrace": "'}'", "GIf": "'if'",
	"GType": "a type", "GObject": "'{'", "GPath": "a field name",
	"GValue": "a value", "GField": "a field", "GTimeout": "'timeout'",
	"GExpectKind": "what to expect (stage, sent, notified, task, tagged, exited, goal, suppressed, capped, unsubscribed, arm, enrolled)",
	"GAt":         "'at'", "GAfter": "'after'", "GDayRange": "days such as mon-fri",
	"Ident": "a name", "String": "a string", "Int": "a whole number", "Float": "a number",
	"Duration": "a duration such as 3d", "Clock": "a time such as 09:00",
	"Percent": "a weight such as 50%", "Expr": "a condition",
	"BlockOpen": "'<'", "BlockClose": "'>'",
}

// tokenAt returns the token at offset, or the last one.
func tokenAt(toks []token, offset int) lexer.Token {
	for _, t := range toks {
		if t.Pos.Offset >= offset {
			return t.Token
		}
	}
	return toks[len(toks)-1].Token
}
