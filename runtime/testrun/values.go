package testrun

import (
	"strconv"

	"github.com/journeylang/journey/lang/ast"
)

// Object converts a test's object literal (a contact fixture, an event's
// payload) to attribute values as JSON would give them: strings, int64 or
// float64 numbers, booleans, nil, lists and objects; durations as text.
func Object(o *ast.Object) map[string]any {
	out := map[string]any{}
	if o == nil {
		return out
	}
	for _, f := range o.Fields {
		out[f.Key.Name] = value(f.Value)
	}
	return out
}

func value(v ast.Value) any {
	switch v := v.(type) {
	case *ast.String:
		return v.Value
	case *ast.Number:
		if i, err := strconv.ParseInt(v.Raw, 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(v.Raw, 64)
		return f
	case *ast.Word:
		switch v.Name {
		case "true":
			return true
		case "false":
			return false
		}
		return nil
	case *ast.Duration:
		return v.Value.String()
	case *ast.List:
		out := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			out[i] = value(e)
		}
		return out
	case *ast.Object:
		return Object(v)
	}
	return nil
}
