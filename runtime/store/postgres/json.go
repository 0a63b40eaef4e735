package postgres

// JSON between the Postgres store and its jsonb columns.

import (
	"bytes"
	"encoding/json"
)

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
