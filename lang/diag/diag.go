// Package diag holds the one diagnostic type every phase of Journey reports
// with: the parser now, the type checker and the compiler later, and the
// language server, which forwards them to editors.
//
// A Diagnostic is data: a severity, a stable Code, the file and the byte
// range it is about, a one-line message, and optionally a longer detail and
// a suggested replacement for the text under the range. Phases return their
// partial results together with a List of diagnostics and keep going past
// the first error.
//
// Rendering is separate from the error. Diagnostic.Error gives the compact
// "file:line:col: message" form; Render adds the source line, a caret under
// the range and the "did you mean" suggestion; List.JSON gives the same
// information, with ranges, for machines.
//
// Codes are stable: each names a kind of fault, adjective + noun
// ("UnexpectedToken", "UnknownStep"), and once published is never renamed
// or reused. Phases define their own codes beside their messages.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/journeylang/journey/lang/pos"
)

// Severity says how serious a diagnostic is. The zero value is Error.
type Severity int

// The severities, most serious first.
const (
	Error   Severity = iota // the input is wrong; later phases must not run on it
	Warning                 // the input is accepted but probably not what was meant
	Info                    // a remark; never a fault
)

var severityNames = [...]string{Error: "error", Warning: "warning", Info: "info"}

// String is "error", "warning" or "info".
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText encodes s as its name.
func (s Severity) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(severityNames) {
		return nil, fmt.Errorf("diag: invalid severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText decodes a severity from its name.
func (s *Severity) UnmarshalText(text []byte) error {
	for i, name := range severityNames {
		if string(text) == name {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("diag: unknown severity %q", text)
}

// Code identifies a kind of diagnostic. Codes are stable, named adjective +
// noun, and only ever added.
type Code string

// Diagnostic is one finding about a source file.
type Diagnostic struct {
	Severity   Severity
	Code       Code
	File       string   // the file name as the user gave it; "" if unknown
	Range      pos.Span // the subject: what the caret underlines; may be invalid
	Message    string   // one line, lower-case start, no trailing period
	Detail     string   // optional further explanation; may span lines
	Suggestion string   // optional replacement for the text under Range
}

// Error returns "file:line:col: message", with "warning: " or "info: "
// before the message for those severities. Parts that are unknown (no file,
// no position) are left out.
func (d Diagnostic) Error() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		b.WriteString(":")
	}
	if d.Range.IsValid() {
		fmt.Fprintf(&b, "%d:%d:", d.Range.Start.Line, d.Range.Start.Col)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if d.Severity != Error {
		b.WriteString(d.Severity.String())
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// List is the diagnostics of one or more files.
type List []Diagnostic

// Sort orders l by file, then start offset, then severity (errors first).
// It is stable: diagnostics equal in all three keep their order.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Range.Start.Offset, b.Range.Start.Offset),
			cmp.Compare(a.Severity, b.Severity),
		)
	})
}

// HasErrors reports whether l holds a diagnostic of severity Error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(d Diagnostic) bool { return d.Severity == Error })
}

// Count returns the number of errors and of warnings in l. Info
// diagnostics are not counted.
func (l List) Count() (errors, warnings int) {
	for _, d := range l {
		switch d.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		}
	}
	return errors, warnings
}
