package runtime

// JSON between the Postgres store and its jsonb columns.

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// pgJSONOrNull is an object as a jsonb parameter: its JSON text, or NULL
// for a nil map.
func pgJSONOrNull(m map[string]any) (any, error) {
	if m == nil {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// pgObject decodes an input's payload or attributes. Numbers come back as
// they went in from Go: an integer as int64, any other number as float64
// (encoding/json alone would make every number a float64, and CEL does not
// add a double to an int). NULL and JSON null give a nil map.
func pgObject(b []byte) (map[string]any, error) {
	if b == nil || bytes.Equal(b, []byte("null")) {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	for k, v := range m {
		m[k] = pgNumbers(v)
	}
	return m, nil
}

// pgNumbers replaces the json.Numbers in a decoded value by int64 or
// float64.
func pgNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(v), 64)
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = pgNumbers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = pgNumbers(x)
		}
	}
	return v
}

// pgCanonicalJSON turns jsonb's text of an action payload back into what
// encoding/json wrote (compact, keys sorted), numbers kept as written; a
// JSON null gives nil.
func pgCanonicalJSON(b []byte) (json.RawMessage, error) {
	if b == nil || bytes.Equal(b, []byte("null")) {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// pgRawOrNull is an action payload as jsonb text; nil is JSON null (the
// column is NOT NULL).
func pgRawOrNull(b json.RawMessage) string {
	if len(b) == 0 {
		return "null"
	}
	return string(b)
}
