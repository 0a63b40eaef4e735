package api

// The Segment-spec intake: POST /v1/identify, /v1/track, /v1/page and
// /v1/batch take the calls of Segment's tracking spec, as its libraries
// send them, so that an application instrumented for Segment sends to
// Journey by changing its endpoint and write key. Each call is validated
// against the workspace's schema as the native intake's are, and a batch
// is taken whole or not at all:
//
//   - identify: an update of the contact userId with its traits (PUT
//     /v1/contacts/{id});
//   - track: the event named by event, with properties as its payload;
//   - page: the event page_viewed, when the workspace declares it;
//   - messageId is the event's id, so a repeat is ignored; timestamp is
//     when it happened (or when the update took effect).
//
// Names are matched as written or else in snake_case: the event "Order
// Completed" is order_completed, the trait firstName is first_name.
// docs/api.md lists the rules.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/runtime/store"
)

// The calls of the spec the intake takes, and PageEvent, the event a page
// call becomes.
const (
	SegmentIdentify = "identify"
	SegmentTrack    = "track"
	SegmentPage     = "page"
	PageEvent       = "page_viewed"
)

// segmentTypes are the calls taken, in the order the errors name them.
var segmentTypes = []string{SegmentIdentify, SegmentTrack, SegmentPage}

// segmentCommon are the fields the spec gives every call. Those the
// intake does not read (context, integrations, the library's own times)
// are taken and ignored.
var segmentCommon = []string{"_metadata", "anonymousId", "channel", "context", "integrations", "messageId",
	"originalTimestamp", "receivedAt", "sentAt", "timestamp", "type", "userId", "version", "writeKey"}

// segmentOwn are the fields of each call besides the common ones.
var segmentOwn = map[string][]string{
	SegmentIdentify: {"traits"},
	SegmentTrack:    {"event", "properties"},
	SegmentPage:     {"category", "name", "properties"},
}

// segmentEnvelope are the fields of a batch besides "batch": taken and
// ignored.
var segmentEnvelope = []string{"_metadata", "context", "integrations", "messageId", "sentAt", "timestamp", "writeKey"}

// pageProperties are the properties the spec gives a page (and that
// analytics.js fills in itself): those page_viewed does not declare are
// dropped rather than refused.
var pageProperties = []string{"category", "keywords", "name", "path", "referrer", "search", "title", "url"}

// SegmentResult is the answer to the Segment-spec routes: the events
// stored and ignored as POST /v1/events counts them, and the contact
// updates queued.
type SegmentResult struct {
	Success  bool `json:"success"`  // true, as Segment answers
	Contacts int  `json:"contacts"` // contact updates queued (identify calls)
	EventsResult
}

// segmentCall is one call read: a contact update or an event.
type segmentCall struct {
	update *store.PutContactParams
	event  *store.AddEventParams
}

// postSegment takes the calls of one type (identify, track or page), or
// a batch of calls of any of them when typ is "".
func (s *Server) postSegment(typ string) http.HandlerFunc {
	kind := IntakeEvent
	if typ == SegmentIdentify {
		kind = IntakeContact
	}
	return func(w http.ResponseWriter, r *http.Request) {
		d, body, ok := s.intakeRequest(w, r, kind)
		if !ok {
			return
		}
		sr := &segmentReader{v: &validator{loose: true}, schema: d.Program.Schema, it: &intakeTime{now: s.cfg.Clock(), window: s.cfg.DedupeWindow}}
		var calls []*segmentCall
		if typ == "" {
			calls = sr.batch(body)
		} else if c := sr.call(body, "", typ); c != nil {
			calls = []*segmentCall{c}
		}
		if !sr.v.ok() {
			s.invalid(w, r, kind, sr.v.errs)
			return
		}
		s.storeSegment(w, r, calls)
	}
}

// storeSegment stores calls read whole, in order, in one transaction.
func (s *Server) storeSegment(w http.ResponseWriter, r *http.Request, calls []*segmentCall) {
	res := &SegmentResult{Success: true}
	items := make([]store.BatchItem, len(calls))
	for i, c := range calls {
		items[i] = store.BatchItem{Update: c.update, Event: c.event}
		if c.update != nil {
			res.Contacts++
		}
	}
	if err := s.storeBatch(r.Context(), items, &res.EventsResult); err != nil {
		s.unavailable(w, r, err)
		return
	}
	s.intake(IntakeContact, IntakeAccepted, res.Contacts)
	s.countEvents(&res.EventsResult)
	s.stored()
	writeJSON(w, http.StatusOK, res)
}

// segmentReader reads the calls of one request.
type segmentReader struct {
	v      *validator
	schema *compiler.Schema
	it     *intakeTime
}

// batch reads {"batch": [...]}.
func (sr *segmentReader) batch(body any) []*segmentCall {
	v := sr.v
	obj, ok := body.(map[string]any)
	if !ok {
		v.fail("", CodeWrongType, fmt.Sprintf(`the body must be a JSON object: {"batch": [...]}; got %s`, jsonKind(body)), "")
		return nil
	}
	sr.known(obj, "", append([]string{"batch"}, segmentEnvelope...), `a batch is {"batch": [...]}, with the spec's optional context, sentAt and messageId`)
	raw, given := obj["batch"]
	if !given {
		v.fail("batch", CodeMissingField, "batch: missing: the array of calls", "")
		return nil
	}
	list := v.batch("batch", "calls", raw)
	out := make([]*segmentCall, 0, len(list))
	for i, x := range list {
		if c := sr.call(x, fmt.Sprintf("batch[%d]", i), ""); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// call reads one call at path; typ is the call's type when its route
// says it, "" in a batch, where its "type" does.
func (sr *segmentReader) call(x any, path, typ string) *segmentCall {
	v := sr.v
	m, ok := x.(map[string]any)
	if !ok {
		v.wrongType(path, "a call (an object)", x)
		return nil
	}
	if typ = sr.callType(m, path, typ); typ == "" {
		return nil
	}
	sr.known(m, path, append(slices.Clone(segmentCommon), segmentOwn[typ]...), "a "+typ+" call has "+strings.Join(segmentOwn[typ], ", ")+" and the spec's common fields")
	contact := sr.userID(m, path)
	if typ == SegmentIdentify {
		u := &store.PutContactParams{ID: contact, At: sr.it.now}
		if at, ok := v.optionalTime(m, path, "timestamp"); ok {
			u.At = at
		}
		u.Attrs = v.object(sr.schema.Contact, orEmpty(m["traits"]), child(path, "traits"), true)
		return &segmentCall{update: u}
	}
	e := &store.AddEventParams{
		ID:       v.requiredString(m, path, "messageId", "the call's unique id, for deduplication"),
		Contact:  contact,
		At:       v.eventTime(m, path, "timestamp", sr.it),
		Received: sr.it.now,
	}
	if e.ID != "" {
		v.id(child(path, "messageId"), "a messageId", e.ID)
	}
	props := orEmpty(m["properties"])
	var decl *compiler.Event
	if typ == SegmentTrack {
		decl = sr.event(m, path)
	} else {
		decl = sr.page(m, path)
		props = pagePayload(decl, m, props)
	}
	if decl != nil {
		e.Name = decl.Name
		e.Payload = v.object(decl.Payload, props, child(path, "properties"), false)
	}
	return &segmentCall{event: e}
}

// callType checks a call's "type": required in a batch, else optional and
// the route's.
func (sr *segmentReader) callType(m map[string]any, path, route string) string {
	v := sr.v
	fp := child(path, "type")
	raw, given := m["type"]
	if route != "" && !given {
		return route
	}
	if route == "" && !given {
		v.fail(fp, CodeMissingField, fmt.Sprintf("%s: missing: the call's type, one of %s", fp, strings.Join(segmentTypes, ", ")), "")
		return ""
	}
	typ, ok := raw.(string)
	switch {
	case !ok:
		v.wrongType(fp, "a string: one of "+strings.Join(segmentTypes, ", "), raw)
		return ""
	case route != "" && typ != route:
		v.fail(fp, CodeBadValue, fmt.Sprintf("%s: %q sent to /v1/%s; send it to /v1/%s or in a batch to /v1/batch", fp, typ, route, typ), "")
		return ""
	case !slices.Contains(segmentTypes, typ):
		v.fail(fp, CodeBadValue, fmt.Sprintf("%s: %q calls are not taken; Journey takes %s", fp, typ, strings.Join(segmentTypes, ", ")), diag.Suggest(typ, segmentTypes))
		return ""
	}
	return typ
}

// userID reads the contact a call is about: its userId. A call with only
// an anonymousId is refused: Journey keeps contacts by a known id.
func (sr *segmentReader) userID(m map[string]any, path string) string {
	v := sr.v
	if m["userId"] == nil && m["anonymousId"] != nil {
		fp := child(path, "userId")
		v.fail(fp, CodeMissingField, fmt.Sprintf("%s: missing: a call with only an anonymousId is refused, as Journey keeps contacts by their userId; send identified calls only", fp), "")
		return ""
	}
	id := v.requiredString(m, path, "userId", "the id of the contact")
	if id != "" {
		v.id(child(path, "userId"), "a contact's id", id)
	}
	return id
}

// event reads a track call's event name: a declared event of that name,
// or else of its snake_case form.
func (sr *segmentReader) event(m map[string]any, path string) *compiler.Event {
	name := sr.v.requiredString(m, path, "event", "the name of a declared event")
	if name == "" {
		return nil
	}
	if decl := sr.schema.Events[name]; decl != nil {
		return decl
	}
	if decl := sr.schema.Events[snakeCase(name)]; decl != nil {
		return decl
	}
	fp := child(path, "event")
	sr.v.fail(fp, CodeBadValue, fmt.Sprintf("%s: no event %q is declared, nor %q", fp, name, snakeCase(name)), diag.Suggest(snakeCase(name), sr.schema.EventNames()))
	return nil
}

// page returns the event a page call becomes, or refuses the call when
// the workspace does not declare it.
func (sr *segmentReader) page(m map[string]any, path string) *compiler.Event {
	if decl := sr.schema.Events[PageEvent]; decl != nil {
		return decl
	}
	fp := child(path, "type")
	sr.v.fail(fp, CodeBadValue, fmt.Sprintf("%s: a page call becomes the event %s, which the workspace does not declare; declare it, for example `event %s { path: string?, url: string?, title: string?, name: string? }`", fp, PageEvent, PageEvent), "")
	return nil
}

// pagePayload is a page call's properties, with its name and category
// when the properties lack them; the spec's page properties that the
// event does not declare are dropped.
func pagePayload(decl *compiler.Event, m map[string]any, props any) any {
	p, ok := props.(map[string]any)
	if !ok || decl == nil {
		return props
	}
	out := make(map[string]any, len(p)+2)
	for _, k := range []string{"name", "category"} {
		if x, given := m[k]; given {
			out[k] = x
		}
	}
	for k, x := range p {
		out[k] = x
	}
	for k := range out {
		if slices.Contains(pageProperties, k) && decl.Payload.Field(k) == nil {
			delete(out, k)
		}
	}
	return out
}

// known refuses the fields of m that are not in names; what says what
// the object holds.
func (sr *segmentReader) known(m map[string]any, path string, names []string, what string) {
	for _, k := range sortedKeys(m) {
		if !slices.Contains(names, k) {
			fp := child(path, k)
			sr.v.fail(fp, CodeUnknownField, fmt.Sprintf("%s: unknown field %q; %s", fp, k, what), diag.Suggest(k, names))
		}
	}
}

// orEmpty is x, or an empty object when x is absent or null.
func orEmpty(x any) any {
	if x == nil {
		return map[string]any{}
	}
	return x
}

// snakeCase writes a name in snake_case: "Order Completed" is
// order_completed, "firstName" first_name, "pageURL" page_url. Runs of
// other characters than letters and digits become one underscore.
func snakeCase(s string) string {
	rs := []rune(s)
	var b strings.Builder
	under := false // an underscore comes before the next letter or digit
	for i, r := range rs {
		switch {
		case unicode.IsUpper(r):
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
				unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
				under = true
			}
			r = unicode.ToLower(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		default:
			under = true
			continue
		}
		if under && b.Len() > 0 {
			b.WriteByte('_')
		}
		under = false
		b.WriteRune(r)
	}
	return b.String()
}
