package api

// Validating JSON values against the workspace's schema: a contact's
// attributes, an event's payload. The validator walks a value decoded with
// json.Decoder.UseNumber, collects every problem with the path of the
// field in the request body, and returns the value in the form the engine
// reads (see runtime's coerce): ints as int64, doubles as float64,
// timestamps as RFC 3339 text in UTC, durations as Go durations' text.

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/runtime/store"
)

// Error codes: the "code" of an error answer.
const (
	CodeMalformedJSON        = "malformed_json"         // the body is not JSON
	CodeDuplicateKey         = "duplicate_key"          // an object of the body has a key twice
	CodeUnknownField         = "unknown_field"          // a field the schema does not declare
	CodeMissingField         = "missing_field"          // a required field is absent
	CodeWrongType            = "wrong_type"             // a value of the wrong JSON type
	CodeBadValue             = "bad_value"              // the right type, but not a valid value
	CodeNullNotAllowed       = "null_not_allowed"       // null for a field that is not optional
	CodeTooManyEvents        = "too_many_events"        // a batch larger than MaxBatch
	CodeTooOld               = "too_old"                // an event stamped before the dedupe window
	CodeBodyTooLarge         = "body_too_large"         // the body passes the limit
	CodeUnauthorized         = "unauthorized"           // no token, or the wrong one
	CodeForbidden            = "forbidden"              // no token configured, and not a loopback client, Host or Origin
	CodeNotFound             = "not_found"              // no such route or contact
	CodeMethodNotAllowed     = "method_not_allowed"     // the route exists, not with this method
	CodeUnsupportedMediaType = "unsupported_media_type" // no token configured, and a write that is not application/json
	CodeNoDeployment         = "no_deployment"          // no bundle is loaded yet
	CodeStoreUnavailable     = "store_unavailable"      // the store failed, or did not answer in time: send the request again
	CodeInternal             = "internal"               // the server failed (a bug); details are in its log
)

// maxErrors bounds the problems one answer lists.
const maxErrors = 100

// MaxIDLength bounds an id — a contact's, an event's — in bytes.
const MaxIDLength = 256

// FieldError is one problem with a request, naming the field.
type FieldError struct {
	Message    string `json:"error"`
	Field      string `json:"field,omitempty"` // the path in the body: events[3].payload.amount
	Code       string `json:"code"`
	DidYouMean string `json:"did_you_mean,omitempty"`
}

// validator collects the problems of one request.
type validator struct {
	errs []*FieldError
	// loose: a key of an object matches the field of its name or, when
	// there is none, the field of its snake_case form (firstName matches
	// first_name), as the Segment-spec intake takes traits and properties.
	loose bool
}

// field returns the field of o that the key k sets, or nil.
func (v *validator) field(o *compiler.Object, k string) *compiler.Field {
	f := o.Field(k)
	if f == nil && v.loose {
		f = o.Field(snakeCase(k))
	}
	return f
}

func (v *validator) fail(field, code, msg, suggestion string) {
	if len(v.errs) >= maxErrors {
		return
	}
	if suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", suggestion)
	}
	v.errs = append(v.errs, &FieldError{Field: field, Code: code, Message: msg, DidYouMean: suggestion})
}

// ok reports whether no problem was found.
func (v *validator) ok() bool { return len(v.errs) == 0 }

// object validates an object's fields. When partial (an update of a
// contact), fields may be absent and null removes an optional one (it is
// kept as nil); otherwise every field that is not optional must be there,
// and null for an optional field means absent (it is dropped).
func (v *validator) object(o *compiler.Object, val any, path string, partial bool) map[string]any {
	m, ok := val.(map[string]any)
	if !ok {
		v.wrongType(path, "an object", val)
		return nil
	}
	out := make(map[string]any, len(m))
	given := make(map[string]string, len(m)) // the key that set each field
	for _, k := range sortedKeys(m) {
		x := m[k]
		fp := child(path, k)
		f := v.field(o, k)
		if f == nil {
			near := k
			if v.loose {
				near = snakeCase(k)
			}
			v.fail(fp, CodeUnknownField, fmt.Sprintf("%s: unknown field %q", fp, k), diag.Suggest(near, o.Names()))
			continue
		}
		if other, dup := given[f.Name]; dup {
			v.fail(fp, CodeDuplicateKey, fmt.Sprintf("%s: %q and %q both set the field %s; give it once", fp, other, k, f.Name), "")
			continue
		}
		given[f.Name] = k
		k = f.Name
		if x == nil {
			switch {
			case !f.Type.Optional:
				v.fail(fp, CodeNullNotAllowed, fmt.Sprintf("%s: null is allowed only for an optional field; %s is %s", fp, k, f.Type.Describe()), "")
			case partial:
				out[k] = nil
			}
			continue
		}
		out[k] = v.value(f.Type, x, fp, partial)
	}
	if !partial {
		for _, f := range o.Fields {
			if _, ok := given[f.Name]; !ok && !f.Type.Optional {
				fp := child(path, f.Name)
				v.fail(fp, CodeMissingField, fmt.Sprintf("%s: missing: %s is %s and required", fp, f.Name, f.Type.Describe()), "")
			}
		}
	}
	return out
}

// value validates a value of type t at path. partial applies to an object
// that is the direct value of a field (it merges into the stored one); the
// elements of lists and maps are replaced whole, so they are never partial.
func (v *validator) value(t *compiler.Type, val any, path string, partial bool) any {
	switch t.Kind {
	case compiler.KindString:
		if s, ok := val.(string); ok {
			v.text(path, s)
			return s
		}
		v.wrongType(path, "a string", val)
	case compiler.KindBool:
		if b, ok := val.(bool); ok {
			return b
		}
		v.wrongType(path, "a boolean", val)
	case compiler.KindInt:
		n, ok := val.(json.Number)
		if !ok {
			v.wrongType(path, "an int", val)
			return nil
		}
		i, problem := parseInt(string(n))
		if problem != "" {
			v.fail(path, CodeBadValue, fmt.Sprintf("%s: %s is %s", path, n, problem), "")
			return nil
		}
		return i
	case compiler.KindDouble:
		n, ok := val.(json.Number)
		if !ok {
			v.wrongType(path, "a double", val)
			return nil
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			v.fail(path, CodeBadValue, fmt.Sprintf("%s: %s is out of the range of a double", path, n), "")
			return nil
		}
		return f
	case compiler.KindTimestamp:
		s, ok := val.(string)
		if !ok {
			v.wrongType(path, "a timestamp (RFC 3339 text)", val)
			return nil
		}
		ts, err := parseTime(s)
		if err != nil {
			v.fail(path, CodeBadValue, fmt.Sprintf("%s: %q is not an RFC 3339 timestamp such as \"2026-03-02T09:00:00Z\"", path, s), "")
			return nil
		}
		return ts.UTC().Format(time.RFC3339Nano)
	case compiler.KindDuration:
		s, ok := val.(string)
		if !ok {
			v.wrongType(path, "a duration (text such as \"1h30m\" or \"3d\")", val)
			return nil
		}
		d, ok := ParseDuration(s)
		if !ok {
			v.fail(path, CodeBadValue, fmt.Sprintf("%s: %q is not a duration such as \"90s\", \"1h30m\", \"3d\" or \"2w\"", path, s), "")
			return nil
		}
		return d.String()
	case compiler.KindEnum:
		s, ok := val.(string)
		if !ok {
			v.wrongType(path, "one of "+strings.Join(t.Values, ", ")+" (a string)", val)
			return nil
		}
		if !t.HasValue(s) {
			v.fail(path, CodeBadValue, fmt.Sprintf("%s: %q is not one of %s", path, s, strings.Join(t.Values, ", ")), diag.Suggest(s, t.Values))
			return nil
		}
		return s
	case compiler.KindList:
		l, ok := val.([]any)
		if !ok {
			v.wrongType(path, "a list ("+t.String()+")", val)
			return nil
		}
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = v.element(t.Elem, x, path+"["+strconv.Itoa(i)+"]")
		}
		return out
	case compiler.KindMap:
		m, ok := val.(map[string]any)
		if !ok {
			v.wrongType(path, "a map ("+t.String()+")", val)
			return nil
		}
		out := make(map[string]any, len(m))
		for _, k := range sortedKeys(m) {
			kp := path + "[" + strconv.Quote(k) + "]"
			if strings.IndexByte(k, 0) >= 0 {
				v.fail(kp, CodeBadValue, fmt.Sprintf("%s: the key contains a NUL character (\\u0000), which cannot be stored", kp), "")
				continue
			}
			out[k] = v.element(t.Elem, m[k], kp)
		}
		return out
	case compiler.KindObject:
		return v.object(t.Object, val, path, partial)
	}
	return nil
}

// element validates an element of a list or a map: never null, never
// partial.
func (v *validator) element(t *compiler.Type, val any, path string) any {
	if val == nil {
		v.fail(path, CodeNullNotAllowed, fmt.Sprintf("%s: null is not allowed here; expected %s", path, describe(t)), "")
		return nil
	}
	return v.value(t, val, path, false)
}

// text checks a string value: it may hold any text but NUL, which a
// Postgres store cannot keep.
func (v *validator) text(path, s string) {
	if strings.IndexByte(s, 0) >= 0 {
		v.fail(path, CodeBadValue, fmt.Sprintf("%s: the text contains a NUL character (\\u0000), which cannot be stored", path), "")
	}
}

// id checks an id (a contact's, an event's) named field; what is the
// id's description.
func (v *validator) id(field, what, s string) bool {
	if problem := idProblem(s); problem != "" {
		v.fail(field, CodeBadValue, fmt.Sprintf("%s: %s; %s is 1 to %d bytes of UTF-8 text without control characters", field, problem, what, MaxIDLength), "")
		return false
	}
	return true
}

// idProblem says what is wrong with an id, or "".
func idProblem(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > MaxIDLength:
		return fmt.Sprintf("%d bytes long", len(s))
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	}
	for i, r := range s {
		if unicode.IsControl(r) {
			return fmt.Sprintf("a control character (%U) at byte %d", r, i)
		}
	}
	return ""
}

func (v *validator) wrongType(path, want string, got any) {
	where := path
	if where == "" {
		where = "the value"
	}
	v.fail(path, CodeWrongType, fmt.Sprintf("%s: expected %s, got %s", where, want, jsonKind(got)), "")
}

// describe names a type without its optional mark: "an int".
func describe(t *compiler.Type) string {
	c := *t
	c.Optional = false
	return c.Describe()
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + string(v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func child(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Error returns the problem's message.
func (e *FieldError) Error() string { return e.Message }

// ValidateEvent validates one event as POST /v1/events takes it — a value
// decoded with json.Decoder.UseNumber — for other intakes (`journey
// import`). path prefixes the fields named in problems ("" for none). The
// event is received at now, and happened then when it has no "at"; one
// stamped further back than window (runtime.DefaultDedupeWindow when 0)
// is refused (CodeTooOld).
func ValidateEvent(schema *compiler.Schema, event any, path string, now time.Time, window time.Duration) (*store.AddEventParams, []*FieldError) {
	v := &validator{}
	e := readEvent(v, schema, event, path, &intakeTime{now: now, window: window})
	if !v.ok() {
		return nil, v.errs
	}
	return e, nil
}

// ValidateContactID checks a contact's id as PUT /v1/contacts/{id} does,
// for other intakes; field names it in the problem.
func ValidateContactID(id, field string) *FieldError {
	v := &validator{}
	if !v.id(field, "a contact's id", id) {
		return v.errs[0]
	}
	return nil
}

// ValidateAttributes validates an update of a contact's attributes as
// PUT /v1/contacts/{id} takes it (a value decoded with UseNumber): fields
// may be absent, null removes an optional one.
func ValidateAttributes(schema *compiler.Schema, attrs any, path string) (map[string]any, []*FieldError) {
	v := &validator{}
	out := v.object(schema.Contact, attrs, path, true)
	if !v.ok() {
		return nil, v.errs
	}
	return out, nil
}
