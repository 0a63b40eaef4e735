// Package stdlib is Journey's standard library: what every workspace can
// use without writing it.
//
// Today it holds the standard CRM contact schema, crm.journey: a `contact`
// declaration with the fields CRMs share (lifecycle stage, lead score,
// source, owner, email engagement, last login, product usage, open tickets,
// NPS, renewal date, plan, time zone, tags and firmographics). A workspace
// uses it as is, or extends it with a `contact { … }` declaration of its
// own. It also holds the CEL function library conditions call (days_since,
// opened, count, has_tag, in_stage and the rest: functions.go), with the
// Context through which the runtime serves it (context.go).
//
// The schema is ordinary Journey source, embedded in the binary: it is
// parsed, formatted and checked like any workspace file, under the name
// CRMFile, so a diagnostic about it points into crm.journey.
package stdlib

import _ "embed"

// CRMFile is the name the CRM schema's diagnostics and positions use.
const CRMFile = "stdlib/crm.journey"

//go:embed crm.journey
var crm []byte

// CRM returns the source of the standard CRM contact schema. The slice is
// a fresh copy on every call: callers may keep or modify it.
func CRM() []byte {
	return append([]byte(nil), crm...)
}
