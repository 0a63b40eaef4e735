package compiler

// The form of a journey its version digests. A version is the SHA-256 of
// the journey as JSON without its source positions (lower.go, version), in
// the form that encoding the journey, decoding the result into plain maps
// and encoding those again gives: every object's keys sorted, no "source"
// key at any depth, every number written as a float64 is. Journeys
// compiled before keep their versions only if that form stays byte for
// byte the same, so digestJSON writes it directly, in one pass over the
// journey by reflection, rather than by that round trip, which cost as
// much as encoding the whole bundle. The tests compare the two on every
// kind of field (digest_test.go).

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// digestField is one field of a struct as encoding/json writes it.
type digestField struct {
	name      string
	index     int
	omitEmpty bool
}

// digestFields caches, by struct type, its fields sorted by JSON name,
// without "source" and the fields JSON leaves out.
var digestFields sync.Map // reflect.Type → []digestField

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

func fieldsOf(t reflect.Type) []digestField {
	if fs, ok := digestFields.Load(t); ok {
		return fs.([]digestField)
	}
	var fs []digestField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == "source" {
			continue
		}
		fs = append(fs, digestField{name: name, index: i, omitEmpty: opts == "omitempty"})
	}
	slices.SortFunc(fs, func(a, b digestField) int { return strings.Compare(a.name, b.name) })
	digestFields.Store(t, fs)
	return fs
}

// digestJSON appends v's digested form to b.
func digestJSON(b []byte, v reflect.Value) []byte {
	if v.Type().Implements(textMarshaler) {
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			panic("compiler: a journey does not encode: " + err.Error())
		}
		return appendJSONString(b, string(text))
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, "null"...)
		}
		return digestJSON(b, v.Elem())
	case reflect.Struct:
		b = append(b, '{')
		first := true
		for _, f := range fieldsOf(v.Type()) {
			fv := v.Field(f.index)
			if f.omitEmpty && emptyJSON(fv) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, f.name)
			b = append(b, ':')
			b = digestJSON(b, fv)
		}
		return append(b, '}')
	case reflect.Slice:
		if v.IsNil() {
			return append(b, "null"...)
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, v.Bytes())
			return append(b, '"')
		}
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			b = digestJSON(b, v.Index(i))
		}
		return append(b, ']')
	case reflect.String:
		return appendJSONString(b, v.String())
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return appendJSONFloat(b, float64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return appendJSONFloat(b, float64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		return appendJSONFloat(b, v.Float())
	}
	panic("compiler: a journey holds a " + v.Type().String() + ", which its version does not digest")
}

// emptyJSON reports whether encoding/json leaves v out under omitempty.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// appendJSONFloat writes f as encoding/json writes a float64.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// encoding/json writes 1e-07 as 1e-7.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONString writes s as the round trip writes a string, HTML
// characters escaped: plain printable ASCII directly, anything else
// through encoding/json itself. A byte that is not UTF-8 becomes U+FFFD,
// which the round trip's second encoding writes as it is, not escaped.
func appendJSONString(b []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			if !utf8.ValidString(s) {
				var valid strings.Builder
				for _, r := range s { // each byte that is not UTF-8 gives one RuneError
					valid.WriteRune(r)
				}
				s = valid.String()
			}
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
