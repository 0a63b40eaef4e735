package stdlib

import (
	"fmt"
	"reflect"
	"time"
)

// TemplateFunction is one function a message template may call, beside
// the built-in functions of Go's text/template (and, or, not, len, index,
// print, printf, eq, …). docs/language.md ("Templates") describes each.
type TemplateFunction struct {
	Name      string
	Signature string
	Doc       string
}

// TemplateFunctions are the functions of message templates, in
// documentation order. TemplateFuncs implements them.
var TemplateFunctions = []TemplateFunction{
	{
		Name: "default", Signature: "default FALLBACK VALUE",
		Doc: "VALUE, or FALLBACK when VALUE is absent or empty: {{.first_name | default \"there\"}}.",
	},
	{
		Name: "date", Signature: "date LAYOUT TIME",
		Doc: "A timestamp in Go's layout notation, in UTC: {{.trial_ends | date \"2 January 2006\"}}.",
	},
	{
		Name: "unsubscribe_url", Signature: "unsubscribe_url",
		Doc: "The message's one-click unsubscribe link, or \"\" when the runtime has none for it.",
	},
}

// TemplateBuiltins are the functions text/template itself provides.
var TemplateBuiltins = []string{
	"and", "call", "html", "index", "js", "len", "not", "or", "print", "printf",
	"println", "slice", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
}

// TemplateFuncs implements TemplateFunctions for one rendering;
// unsubscribeURL is what unsubscribe_url returns.
func TemplateFuncs(unsubscribeURL string) map[string]any {
	return TemplateFuncsWith(func() string { return unsubscribeURL })
}

// TemplateFuncsWith implements TemplateFunctions for a template parsed
// once and executed for many messages: unsubscribe_url returns what
// unsubscribeURL returns when the execution calls it.
func TemplateFuncsWith(unsubscribeURL func() string) map[string]any {
	return map[string]any{
		"default":         defaultValue,
		"date":            formatDate,
		"unsubscribe_url": unsubscribeURL,
	}
}

// defaultValue returns v, or fallback when v is nil or its type's zero
// value or an empty string, list or map.
func defaultValue(fallback, v any) any {
	if v == nil {
		return fallback
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String, reflect.Slice, reflect.Map:
		if rv.Len() == 0 {
			return fallback
		}
	}
	return v
}

// formatDate formats a timestamp, a time.Time or RFC 3339 text, in UTC.
func formatDate(layout string, v any) (string, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format(layout), nil
	case string:
		ts, err := time.Parse(time.RFC3339Nano, t)
		if err != nil {
			return "", fmt.Errorf("date: %q is not a timestamp", t)
		}
		return ts.UTC().Format(layout), nil
	case nil:
		return "", fmt.Errorf("date: no timestamp")
	}
	return "", fmt.Errorf("date: %v is not a timestamp", v)
}
