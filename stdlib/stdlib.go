// Package stdlib is Journey's standard library: what every workspace can
// use without writing it.
//
// Today it holds the standard CRM contact schema, crm.journey: a `contact`
// declaration with the fields CRMs share (lifecycle stage, lead score,
// source, owner, email engagement, last login, product usage, open tickets,
// NPS, renewal date, plan, time zone, tags and firmographics). A workspace
// uses it as is, or extends it with a `contact { … }` declaration of its
// own. The CEL function library (days_since, opened, clicked, count,
// has_tag, in_stage) and the standard actions and sinks join it with the
// checker and the runtime.
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
