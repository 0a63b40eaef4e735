package compiler

// The checker's diagnostics: one constructor per kind, so every message is
// written once. Codes are documented with an example in
// docs/diagnostics.md and are only ever added.

import (
	"fmt"
	"strings"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/lang/pos"
)

// Diagnostic codes of the checker.
const (
	CodeDuplicateField        diag.Code = "DuplicateField"
	CodeDuplicateEvent        diag.Code = "DuplicateEvent"
	CodeDuplicateEnumValue    diag.Code = "DuplicateEnumValue"
	CodeDuplicateJourney      diag.Code = "DuplicateJourney"
	CodeDuplicateStage        diag.Code = "DuplicateStage"
	CodeDuplicateGoal         diag.Code = "DuplicateGoal"
	CodeDuplicateArm          diag.Code = "DuplicateArm"
	CodeDuplicateSplit        diag.Code = "DuplicateSplit"
	CodeDuplicateTest         diag.Code = "DuplicateTest"
	CodeDuplicatePolicy       diag.Code = "DuplicatePolicy"
	CodeReservedName          diag.Code = "ReservedName"
	CodeUnknownType           diag.Code = "UnknownType"
	CodeInvalidMapKey         diag.Code = "InvalidMapKey"
	CodeEmptyEnum             diag.Code = "EmptyEnum"
	CodeNestedOptional        diag.Code = "NestedOptional"
	CodeUnknownLibrary        diag.Code = "UnknownLibrary"
	CodeUndefinedName         diag.Code = "UndefinedName"
	CodeUndefinedField        diag.Code = "UndefinedField"
	CodeUnknownFunction       diag.Code = "UnknownFunction"
	CodeEventOutOfScope       diag.Code = "EventOutOfScope"
	CodeMismatchedTypes       diag.Code = "MismatchedTypes"
	CodeWrongArguments        diag.Code = "WrongArguments"
	CodeInvalidCondition      diag.Code = "InvalidCondition"
	CodeNonBoolCondition      diag.Code = "NonBoolCondition"
	CodeUnassignableValue     diag.Code = "UnassignableValue"
	CodeInvalidEnumValue      diag.Code = "InvalidEnumValue"
	CodeConstantCondition     diag.Code = "ConstantCondition"
	CodeUnknownStage          diag.Code = "UnknownStage"
	CodeUnknownEvent          diag.Code = "UnknownEvent"
	CodeUnknownTemplate       diag.Code = "UnknownTemplate"
	CodeUnknownChannel        diag.Code = "UnknownChannel"
	CodeUnknownJourney        diag.Code = "UnknownJourney"
	CodeUnknownGoal           diag.Code = "UnknownGoal"
	CodeUnknownArm            diag.Code = "UnknownArm"
	CodeDecreasingOffset      diag.Code = "DecreasingOffset"
	CodeInvalidSplitWeights   diag.Code = "InvalidSplitWeights"
	CodeNextInLastStage       diag.Code = "NextInLastStage"
	CodeInvalidWindow         diag.Code = "InvalidWindow"
	CodeInvalidCap            diag.Code = "InvalidCap"
	CodeInvalidReenter        diag.Code = "InvalidReenter"
	CodeInvalidOnChange       diag.Code = "InvalidOnChange"
	CodeInvalidBudget         diag.Code = "InvalidBudget"
	CodeDuplicateBudget       diag.Code = "DuplicateBudget"
	CodeZeroDuration          diag.Code = "ZeroDuration"
	CodeEmptyJourney          diag.Code = "EmptyJourney"
	CodeUnsentTemplate        diag.Code = "UnsentTemplate"
	CodeEmptyFile             diag.Code = "EmptyFile"
	CodeTooManyJourneys       diag.Code = "TooManyJourneys"
	CodeMisplacedTest         diag.Code = "MisplacedTest"
	CodeMisplacedJourney      diag.Code = "MisplacedJourney"
	CodeMissingTestJourney    diag.Code = "MissingTestJourney"
	CodeInvalidFixture        diag.Code = "InvalidFixture"
	CodeInvalidTime           diag.Code = "InvalidTime"
	CodeUnreachableStage      diag.Code = "UnreachableStage"
	CodeUnreachableStep       diag.Code = "UnreachableStep"
	CodeRepeatedEvent         diag.Code = "RepeatedEvent"
	CodeUncommonField         diag.Code = "UncommonField"
	CodeSkippedStage          diag.Code = "SkippedStage"
	CodeZeroDelayLoop         diag.Code = "ZeroDelayLoop"
	CodeExpensiveCondition    diag.Code = "ExpensiveCondition"
	CodeInvalidTemplate       diag.Code = "InvalidTemplate"
	CodeUnknownHeader         diag.Code = "UnknownHeader"
	CodeInvalidHeader         diag.Code = "InvalidHeader"
	CodeUnguardedField        diag.Code = "UnguardedField"
	CodeUnknownTeam           diag.Code = "UnknownTeam"
	CodeDuplicateTeam         diag.Code = "DuplicateTeam"
	CodeInvalidTimeOfDay      diag.Code = "InvalidTimeOfDay"
	CodeMisplacedBusinessDays diag.Code = "MisplacedBusinessDays"
	CodeTimedFilter           diag.Code = "TimedFilter"
	CodeDuplicateRule         diag.Code = "DuplicateRule"
	CodeInvalidRule           diag.Code = "InvalidRule"
	CodeInvalidHoliday        diag.Code = "InvalidHoliday"
)

func newError(file string, span pos.Span, code diag.Code, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{Severity: diag.Error, Code: code, File: file, Range: span, Message: fmt.Sprintf(format, args...)}
}

func newWarning(file string, span pos.Span, code diag.Code, format string, args ...any) diag.Diagnostic {
	d := newError(file, span, code, format, args...)
	d.Severity = diag.Warning
	return d
}

// withSuggestion adds a "did you mean" from candidates.
func withSuggestion(d diag.Diagnostic, name string, candidates []string) diag.Diagnostic {
	d.Suggestion = diag.Suggest(name, candidates)
	return d
}

func at(file string, span pos.Span) string {
	return fmt.Sprintf("%s:%d:%d", file, span.Start.Line, span.Start.Col)
}

var duplicateCodes = map[string]diag.Code{
	"field": CodeDuplicateField, "event": CodeDuplicateEvent, "enum value": CodeDuplicateEnumValue,
	"journey": CodeDuplicateJourney, "stage": CodeDuplicateStage, "goal": CodeDuplicateGoal, "rule": CodeDuplicateRule,
	"split arm": CodeDuplicateArm, "split": CodeDuplicateSplit, "test": CodeDuplicateTest,
	"team": CodeDuplicateTeam,
}

func errDuplicate(file string, span pos.Span, kind, name, prevFile string, prev pos.Span) diag.Diagnostic {
	d := newError(file, span, duplicateCodes[kind], "duplicate %s %q", kind, name)
	d.Detail = "first declared at " + at(prevFile, prev)
	return d
}

func errDuplicatePolicy(file string, span pos.Span, keyword string, prev pos.Span) diag.Diagnostic {
	d := newError(file, span, CodeDuplicatePolicy, "a journey has one `%s` clause", keyword)
	d.Detail = "the first is at " + at(file, prev)
	return d
}

func errReservedName(file string, span pos.Span, name string) diag.Diagnostic {
	if topReserved[name] {
		return newError(file, span, CodeReservedName, "%q cannot name a contact field: conditions use the name %s", name, map[string]string{
			"event": "for the event in scope", "now": "for the current time", "contact": "for the whole contact", "journey": "internally",
		}[name])
	}
	return newError(file, span, CodeReservedName, "%q cannot name a field: it is a reserved word of CEL, the language of conditions", name)
}

func errUnknownType(file string, n *ast.Ident) diag.Diagnostic {
	d := newError(file, n.Pos, CodeUnknownType, "unknown type %q", n.Name)
	d.Detail = "types are " + strings.Join(scalarNames, ", ") + ", enum(…), list<T>, map<string, T> and nested { … } objects"
	return withSuggestion(d, n.Name, scalarNames)
}

func errMapKey(file string, span pos.Span, key *Type) diag.Diagnostic {
	return newError(file, span, CodeInvalidMapKey, "map keys are strings, not %s: write map<string, T>", key)
}

func errEmptyEnum(file string, span pos.Span) diag.Diagnostic {
	return newError(file, span, CodeEmptyEnum, "an enum needs at least one value")
}

func errNestedOptional(file string, span pos.Span) diag.Diagnostic {
	return newError(file, span, CodeNestedOptional, "only a field can be optional: write `name: T?`, not a `?` inside a type")
}

func errUnknownLibrary(file string, n *ast.Ident) diag.Diagnostic {
	d := newError(file, n.Pos, CodeUnknownLibrary, "unknown standard schema %q; the standard library has crm", n.Name)
	return withSuggestion(d, n.Name, []string{"crm"})
}

func errUnknownEvent(file string, n *ast.Ident, events []string) diag.Diagnostic {
	d := newError(file, n.Pos, CodeUnknownEvent, "unknown event %q", n.Name)
	if len(events) == 0 {
		d.Detail = "no event is declared: declare it with `event " + n.Name + " { … }`"
	}
	return withSuggestion(d, n.Name, events)
}

func errUnknownStage(file string, n *ast.Ident, stages []string) diag.Diagnostic {
	return withSuggestion(newError(file, n.Pos, CodeUnknownStage, "unknown stage %q", n.Name), n.Name, stages)
}

// errUnknownGoal is `expect goal NAME` for a goal the journey lacks; the
// message names the goals it has.
func errUnknownGoal(file string, n *ast.Ident, journey string, goals []string) diag.Diagnostic {
	d := newError(file, n.Pos, CodeUnknownGoal, "journey %s has no goal %q: %s", journey, n.Name, theNames("goal", "it has no goal", goals))
	return withSuggestion(d, n.Name, goals)
}

// errUnknownArm is `expect arm NAME` for an arm no split of the journey
// has; the message names the arms there are.
func errUnknownArm(file string, n *ast.Ident, journey string, arms []string) diag.Diagnostic {
	d := newError(file, n.Pos, CodeUnknownArm, "journey %s has no split arm %q: %s", journey, n.Name, theNames("arm", "it has no split", arms))
	return withSuggestion(d, n.Name, arms)
}

// maxListed is how many names a message lists before it says how many
// more there are.
const maxListed = 10

// theNames is "its NOUNs are a, b and c" for names (the first maxListed
// of them, then "and N more"), "its only NOUN is a" for one name, or none
// when there are no names.
func theNames(noun, none string, names []string) string {
	switch n := len(names); {
	case n == 0:
		return none
	case n == 1:
		return "its only " + noun + " is " + names[0]
	case n > maxListed:
		return fmt.Sprintf("its %ss are %s and %d more", noun, strings.Join(names[:maxListed], ", "), n-maxListed)
	default:
		return "its " + noun + "s are " + strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
}

func errUnknownTemplate(file string, s *ast.String, templates []string) diag.Diagnostic {
	d := newError(file, s.Pos, CodeUnknownTemplate, "unknown template %q: there is no templates/%s.md or templates/%s.html", s.Value, s.Value, s.Value)
	return withSuggestion(d, s.Value, templates)
}

func errUnknownChannel(file string, n *ast.Ident) diag.Diagnostic {
	d := newError(file, n.Pos, CodeUnknownChannel, "unknown channel %q: a send goes by email (the default), sms or push", n.Name)
	return withSuggestion(d, n.Name, channelNames)
}

func errUnknownField(file string, n *ast.Ident, path string, candidates []string) diag.Diagnostic {
	d := newError(file, n.Pos, CodeUndefinedField, "undefined field %q", path)
	return withSuggestion(d, n.Name, candidates)
}

func errDecreasingOffset(file string, a *ast.After, prev *ast.After) diag.Diagnostic {
	d := newError(file, prefixSpan(a), CodeDecreasingOffset, "%s comes before the step above it (%s): offsets in a block never decrease", prefixText(a), prefixText(prev))
	d.Detail = "offsets count from the start of the block; order the steps by time, or put the later ones in a block of their own"
	return d
}

func errSplitWeights(file string, span pos.Span, sum float64) diag.Diagnostic {
	return newError(file, span, CodeInvalidSplitWeights, "split weights add up to %s%%, not 100%%", strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", sum), "0"), "."))
}

func errZeroWeight(file string, p *ast.Percent) diag.Diagnostic {
	return newError(file, p.Pos, CodeInvalidSplitWeights, "a split arm needs a weight above 0%%")
}

func errNextInLastStage(file string, span pos.Span, stage string) diag.Diagnostic {
	return newError(file, span, CodeNextInLastStage, "`next` in %s, the last stage: there is no next stage; use `exit` or `goto`", stage)
}

func errWindow(file string, span pos.Span, format string, args ...any) diag.Diagnostic {
	d := newError(file, span, CodeInvalidWindow, format, args...)
	d.Detail = "a window is written `window 09:00-18:00 mon-fri`: times HH:MM from 00:00 to 24:00, days mon tue wed thu fri sat sun, alone or as ranges, separated by commas"
	return d
}

func errCap(file string, span pos.Span, format string, args ...any) diag.Diagnostic {
	d := newError(file, span, CodeInvalidCap, format, args...)
	d.Detail = "a cap is written `cap 3 sends per 7d`"
	return d
}

func errReenter(file string, span pos.Span, word string) diag.Diagnostic {
	d := newError(file, span, CodeInvalidReenter, "reenter takes `never` or `after DURATION`, not %q", word)
	return withSuggestion(d, word, []string{"never"})
}

func errOnChange(file string, span pos.Span, word string) diag.Diagnostic {
	d := newError(file, span, CodeInvalidOnChange, "on change takes `migrate` or `drain`, not %q", word)
	d.Detail = "`migrate` (the default) moves the contacts in flight to a new version of the journey; `drain` lets them finish the version they started on"
	return withSuggestion(d, word, onChangeWords)
}

// budgetForm says how a budget is written.
const budgetForm = "a budget is written `budget 20 sends per 1d`, or `budget off` for none"

func errBudgetCount(file string, span pos.Span, count int64) diag.Diagnostic {
	d := newError(file, span, CodeInvalidBudget, "a budget of %d sends lets nothing through; the count must be 1 or more", count)
	d.Detail = "to send without a budget, write `budget off`"
	d.Suggestion = "off"
	return d
}

func errBudgetUnit(file string, n *ast.Ident) diag.Diagnostic {
	d := newError(file, n.Pos, CodeInvalidBudget, "a budget counts sends, not %q", n.Name)
	d.Detail = budgetForm
	return withSuggestion(d, n.Name, []string{"sends"})
}

func errBudgetWord(file string, n *ast.Ident) diag.Diagnostic {
	d := newError(file, n.Pos, CodeInvalidBudget, "budget takes a number of sends or `off`, not %q", n.Name)
	d.Detail = budgetForm
	return withSuggestion(d, n.Name, []string{"off"})
}

func errDuplicateBudget(file string, span pos.Span, prevFile string, prev pos.Span) diag.Diagnostic {
	d := newError(file, span, CodeDuplicateBudget, "a workspace has one `budget`")
	d.Detail = "the first is at " + at(prevFile, prev)
	return d
}

func errInvalidTimeOfDay(file string, c *ast.Clock) diag.Diagnostic {
	d := newError(file, c.Pos, CodeInvalidTimeOfDay, "%s is not a time of day: write 00:00 to 23:59", c.Raw)
	d.Detail = "a step's `at` is a local time in the contact's time zone, such as at 10:00"
	return d
}

func errMisplacedBusinessDays(file string, d *ast.Duration, what string) diag.Diagnostic {
	e := newError(file, d.Pos, CodeMisplacedBusinessDays, "%s is counted in calendar time: write %dd, not %s", what, d.Business, d.Raw)
	e.Detail = "business days (bd) count in a step's after, a task's due and a wait's within"
	return e
}

func errZeroDuration(file string, d *ast.Duration, what string) diag.Diagnostic {
	return newError(file, d.Pos, CodeZeroDuration, "%s must be longer than 0", what)
}

func errEmptyFile(file string, span pos.Span) diag.Diagnostic {
	if isTestFile(file) {
		return newError(file, span, CodeEmptyFile, "this test file holds no test")
	}
	return newError(file, span, CodeEmptyFile, "this file declares nothing: a journey file declares one journey")
}

func errTooManyJourneys(file string, n *ast.Ident, first *ast.Journey) diag.Diagnostic {
	d := newError(file, n.Pos, CodeTooManyJourneys, "a second journey in one file: a journey file declares exactly one journey")
	d.Detail = "the first is " + first.Name.Name + " at " + at(file, first.Name.Pos) + "; move this one to a file of its own"
	return d
}

func errMisplacedTest(file string, span pos.Span) diag.Diagnostic {
	return newError(file, span, CodeMisplacedTest, "tests live in files named *_test.journey")
}

func errMisplacedJourney(file string, span pos.Span) diag.Diagnostic {
	return newError(file, span, CodeMisplacedJourney, "a journey cannot be declared in a test file")
}

func errInvalidEnumValue(file string, span pos.Span, value, path string, enum *Type) diag.Diagnostic {
	d := newError(file, span, CodeInvalidEnumValue, "%q is not a value of %s", value, path)
	d.Detail = path + " is one of: " + strings.Join(enum.Values, ", ")
	return withSuggestion(d, value, enum.Values)
}

func errNonBool(file string, span pos.Span, got string) diag.Diagnostic {
	return newError(file, span, CodeNonBoolCondition, "a condition must be a bool, and this one is %s", got)
}

func errConstant(file string, span pos.Span, value bool) diag.Diagnostic {
	return newWarning(file, span, CodeConstantCondition, "this condition is always %t", value)
}

// errRepeatedEvent is an event listed a second time in one trigger.
func errRepeatedEvent(file string, n *ast.Ident) diag.Diagnostic {
	return newError(file, n.Pos, CodeRepeatedEvent, "event %s is listed twice in this trigger", n.Name)
}

// errUncommonField rewrites d, cel-go's undefined field for event.NAME in a
// condition of a trigger of several events, to say which events lack the
// field or how they type it.
func errUncommonField(d diag.Diagnostic, name, events, why string) diag.Diagnostic {
	d.Code = CodeUncommonField
	d.Message = fmt.Sprintf("event.%s is not common to the events of this trigger (%s): %s", name, events, why)
	d.Detail = "in a condition of several events, `event` has the fields they all have, with the same type"
	d.Suggestion = ""
	return d
}

// errUnreachableSteps warns of the steps rest that follow the step end
// (an exit, a goto or a next) in its block; the range covers them all.
func errUnreachableSteps(file string, end ast.Step, rest []ast.Step) diag.Diagnostic {
	what, left := "`exit`", "the contact has left the journey"
	switch end := end.(type) {
	case *ast.Goto:
		what, left = "`goto "+end.Stage.Name+"`", "the contact has left the stage"
	case *ast.Next:
		what, left = "`next`", "the contact has left the stage"
	}
	kw := stepKeyword(end)
	span := pos.Join(rest[0].Span(), rest[len(rest)-1].Span())
	steps := "this step never runs"
	if len(rest) > 1 {
		steps = fmt.Sprintf("this step and the %d after it never run", len(rest)-1)
	}
	d := newWarning(file, span, CodeUnreachableStep, "%s: %s at line %d comes first in this block, and %s", steps, what, kw.Start.Line, left)
	d.Detail = "steps in a block run in written order, at offsets that never decrease; move these above it, or into a block of their own"
	return d
}

func errUnreachable(file string, n *ast.Ident) diag.Diagnostic {
	d := newWarning(file, n.Pos, CodeUnreachableStage, "no contact can reach stage %s", n.Name)
	d.Detail = "it is not the first stage, it has no `when` or `on` trigger that can hold, and no stage that contacts reach leads to it with `goto` or `next`"
	return d
}

func errSkipped(file string, n *ast.Ident, by *ast.Stage) diag.Diagnostic {
	return newWarning(file, n.Pos, CodeSkippedStage, "contacts never stay in stage %s: the trigger of stage %s, further on, always holds, so they move on to it", n.Name, by.Name.Name)
}

func errZeroDelayLoop(file string, span pos.Span, jump string, cycle []string) diag.Diagnostic {
	d := newError(file, span, CodeZeroDelayLoop, "%s loops back without a wait: %s", jump, strings.Join(cycle, " → "))
	d.Detail = "nothing on the way waits, so a contact would go round within one instant, for ever: put an `after` delay on a step of the loop, or take the jump in a `wait for` body or its `timeout`"
	return d
}

func errExpensive(file string, span pos.Span, cost, limit uint64) diag.Diagnostic {
	d := newError(file, span, CodeExpensiveCondition, "this condition may cost up to %s to evaluate, above the limit of %s", thousands(cost), thousands(limit))
	d.Detail = fmt.Sprintf("the estimate takes a list or map to hold up to %d elements and a string up to %s characters; a loop over a list inside another multiplies their sizes: nest fewer loops", listSize, thousands(stringSize))
	return d
}

// errTooMany takes the place of a file's first error past
// parser.MaxErrors: the checker reports no more of that file's errors.
func errTooMany(d diag.Diagnostic) diag.Diagnostic {
	return newError(d.File, d.Range, parser.CodeTooManyErrors, "too many errors: %d are reported, and the file's other errors are not", parser.MaxErrors)
}

func errInvalidTemplate(file string, lines *pos.Lines, src string, at func(int) int, err error) diag.Diagnostic {
	span, msg := parseErrorSpan(lines, src, at, err)
	return newError(file, span, CodeInvalidTemplate, "template syntax: %s", msg)
}

func errUnknownHeader(file string, span pos.Span, key string) diag.Diagnostic {
	d := newError(file, span, CodeUnknownHeader, "unknown template header %q", key)
	d.Detail = "a template's header lines are " + strings.Join(HeaderKeys, " and ") + "; the header ends at the first line that is no `key: value`, so a body that begins with one starts after a blank line"
	return withSuggestion(d, strings.ToLower(key), HeaderKeys)
}

func errInvalidHeader(file string, span pos.Span, format string, args ...any) diag.Diagnostic {
	return newError(file, span, CodeInvalidHeader, format, args...)
}

func errUndefinedTemplateField(file string, span pos.Span, path, name string, candidates []string) diag.Diagnostic {
	d := newError(file, span, CodeUndefinedField, "undefined field %q", path)
	return withSuggestion(d, name, candidates)
}

func errFieldOfScalar(file string, span pos.Span, path string, t *Type, name string) diag.Diagnostic {
	return newError(file, span, CodeUndefinedField, "undefined field %q: %s is %s, which has no fields", name, path, t.Describe())
}

func errUnknownTemplateFunction(file string, span pos.Span, name string, candidates []string) diag.Diagnostic {
	d := newError(file, span, CodeUnknownFunction, "unknown template function %q", name)
	d.Detail = "templates may call text/template's functions and " + strings.Join(templateOwnNames(), ", ")
	return withSuggestion(d, name, candidates)
}

func warnUnguardedField(file string, span pos.Span, path string) diag.Diagnostic {
	d := newWarning(file, span, CodeUnguardedField, "%s is optional: a contact without it reads \"<no value>\" here", path)
	d.Detail = "write {{with ." + path + "}}{{.}}{{end}}, {{if ." + path + "}}…{{end}} or {{." + path + " | default \"…\"}}"
	return d
}

func errUnknownTeam(file string, n *ast.Ident, teams []string) diag.Diagnostic {
	d := newError(file, n.Pos, CodeUnknownTeam, "unknown team %q", n.Name)
	d.Detail = "declare it in the workspace, `team " + n.Name + " \"address\"`; `owner` is the contact's owner"
	return withSuggestion(d, n.Name, teams)
}

func errOwnerTeam(file string, n *ast.Ident) diag.Diagnostic {
	return newError(file, n.Pos, CodeReservedName, "%q cannot name a team: it is the contact's owner, known to every workspace", n.Name)
}
