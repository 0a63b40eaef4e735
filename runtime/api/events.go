package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/runtime/store"
)

// eventFields are the fields of an event in POST /v1/events.
var eventFields = []string{"id", "contact", "name", "payload", "at"}

// EventsResult is the answer to POST /v1/events.
type EventsResult struct {
	Accepted     int      `json:"accepted"`                // events stored
	Duplicates   int      `json:"duplicates"`              // events whose id was seen before: ignored
	DuplicateIDs []string `json:"duplicate_ids,omitempty"` // their ids, in the order given
}

// postEvents takes one event, or a batch {"events": [...]}. Every event
// is validated before any is stored, and all are stored in one
// transaction, or none.
func (s *Server) postEvents(w http.ResponseWriter, r *http.Request) {
	d, body, ok := s.intakeRequest(w, r, IntakeEvent)
	if !ok {
		return
	}
	v := &validator{}
	events := readEvents(v, d.Program.Schema, body, &intakeTime{now: s.cfg.Clock(), window: s.cfg.DedupeWindow})
	if !v.ok() {
		s.invalid(w, r, IntakeEvent, v.errs)
		return
	}
	items := make([]store.BatchItem, len(events))
	for i, e := range events {
		items[i].Event = e
	}
	res := &EventsResult{}
	if err := s.storeBatch(r.Context(), items, res); err != nil {
		s.unavailable(w, r, err)
		return
	}
	s.countEvents(res)
	s.stored()
	writeJSON(w, http.StatusAccepted, res)
}

// storeBatch stores the inputs of one request, in one transaction, and
// counts its events in res: accepted, or duplicates of an event stored
// before or given earlier in the request.
func (s *Server) storeBatch(ctx context.Context, items []store.BatchItem, res *EventsResult) error {
	out, err := s.cfg.Store.AddBatch(ctx, &store.AddBatchParams{Items: items})
	if err != nil {
		return fmt.Errorf("storing %d inputs (none was stored): %w", len(items), err)
	}
	dups := out.Duplicates
	for i, it := range items {
		switch {
		case it.Event == nil:
		case len(dups) > 0 && dups[0] == i:
			dups = dups[1:]
			res.Duplicates++
			res.DuplicateIDs = append(res.DuplicateIDs, it.Event.ID)
		default:
			res.Accepted++
		}
	}
	return nil
}

// countEvents reports the events of res to Config.Intake.
func (s *Server) countEvents(res *EventsResult) {
	s.intake(IntakeEvent, IntakeAccepted, res.Accepted)
	s.intake(IntakeEvent, IntakeDuplicate, res.Duplicates)
}

// intakeTime is the time of an intake and the dedupe window it keeps.
type intakeTime struct {
	now    time.Time     // when the events are received: their Received, and At when not given
	window time.Duration // events stamped further back than this before now are refused; runtime.DefaultDedupeWindow when 0
}

// oldest is the earliest stamp an event may have.
func (it *intakeTime) oldest() time.Time {
	w := it.window
	if w <= 0 {
		w = store.DefaultDedupeWindow
	}
	return it.now.Add(-w)
}

// readEvents validates a body of POST /v1/events and returns its events.
func readEvents(v *validator, schema *compiler.Schema, body any, it *intakeTime) []*store.AddEventParams {
	obj, ok := body.(map[string]any)
	if !ok {
		v.fail("", CodeWrongType, fmt.Sprintf(`the body must be a JSON object: one event, or {"events": [...]}; got %s`, jsonKind(body)), "")
		return nil
	}
	raw, batch := obj["events"]
	if !batch {
		if e := readEvent(v, schema, obj, "", it); e != nil {
			return []*store.AddEventParams{e}
		}
		return nil
	}
	for _, k := range sortedKeys(obj) {
		if k != "events" {
			v.fail(k, CodeUnknownField, fmt.Sprintf(`%s: unknown field %q: a batch is {"events": [...]}; each event carries its own fields`, k, k), "")
		}
	}
	list := v.batch("events", "events", raw)
	out := make([]*store.AddEventParams, 0, len(list))
	for i, x := range list {
		if e := readEvent(v, schema, x, fmt.Sprintf("events[%d]", i), it); e != nil {
			out = append(out, e)
		}
	}
	return out
}

// batch reads the array of a batch, of at most MaxBatch elements; what
// names them. It returns nil when it fails.
func (v *validator) batch(field, what string, raw any) []any {
	list, ok := raw.([]any)
	if !ok {
		v.wrongType(field, "an array of "+what, raw)
		return nil
	}
	if len(list) > MaxBatch {
		v.fail(field, CodeTooManyEvents, fmt.Sprintf("%s: %d %s; a batch holds at most %d", field, len(list), what, MaxBatch), "")
		return nil
	}
	return list
}

// readEvent validates one event; path is where it is in the body. An
// event stamped before the dedupe window is refused: its identity may have
// been pruned, and a repeat of it would be taken again.
func readEvent(v *validator, schema *compiler.Schema, x any, path string, it *intakeTime) *store.AddEventParams {
	m, ok := x.(map[string]any)
	if !ok {
		v.wrongType(path, "an event (an object)", x)
		return nil
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(eventFields, k) {
			fp := child(path, k)
			v.fail(fp, CodeUnknownField, fmt.Sprintf("%s: unknown field %q; an event has id, contact, name, payload and at", fp, k), diag.Suggest(k, eventFields))
		}
	}
	e := &store.AddEventParams{
		ID:       v.requiredString(m, path, "id", "the event's unique id, for deduplication"),
		Contact:  v.requiredString(m, path, "contact", "the id of the contact"),
		Name:     v.requiredString(m, path, "name", "the name of a declared event"),
		At:       it.now,
		Received: it.now,
	}
	if e.ID != "" {
		v.id(child(path, "id"), "an event's id", e.ID)
	}
	if e.Contact != "" {
		v.id(child(path, "contact"), "a contact's id", e.Contact)
	}
	var decl *compiler.Event
	if e.Name != "" {
		if decl = schema.Events[e.Name]; decl == nil {
			fp := child(path, "name")
			v.fail(fp, CodeBadValue, fmt.Sprintf("%s: no event %q is declared", fp, e.Name), diag.Suggest(e.Name, schema.EventNames()))
		}
	}
	payload := m["payload"]
	if payload == nil {
		payload = map[string]any{}
	}
	if decl != nil {
		e.Payload = v.object(decl.Payload, payload, child(path, "payload"), false)
	}
	e.At = v.eventTime(m, path, "at", it)
	return e
}

// eventTime reads the optional time an event happened, the intake's when
// absent; one stamped before the dedupe window is refused.
func (v *validator) eventTime(m map[string]any, path, name string, it *intakeTime) time.Time {
	at, ok := v.optionalTime(m, path, name)
	if !ok {
		return it.now
	}
	if oldest := it.oldest(); at.Before(oldest) {
		fp := child(path, name)
		v.fail(fp, CodeTooOld, fmt.Sprintf("%s: %s is older than the dedupe window of %s, which began at %s: a repeat of an event that old might no longer be recognised, so it is refused",
			fp, at.Format(time.RFC3339Nano), compiler.Duration(it.now.Sub(oldest)), oldest.UTC().Format(time.RFC3339)), "")
	}
	return at
}

// requiredString reads a field that must be a non-empty string.
func (v *validator) requiredString(m map[string]any, path, name, what string) string {
	fp := child(path, name)
	x, given := m[name]
	s, ok := x.(string)
	switch {
	case !given:
		v.fail(fp, CodeMissingField, fmt.Sprintf("%s: missing: %s", fp, what), "")
	case !ok:
		v.wrongType(fp, "a string: "+what, x)
	case s == "":
		v.fail(fp, CodeBadValue, fmt.Sprintf("%s: empty: %s", fp, what), "")
	default:
		return s
	}
	return ""
}

// optionalTime reads an optional RFC 3339 time; absent and null are not
// given.
func (v *validator) optionalTime(m map[string]any, path, name string) (time.Time, bool) {
	x := m[name]
	if x == nil {
		return time.Time{}, false
	}
	fp := child(path, name)
	s, ok := x.(string)
	if !ok {
		v.wrongType(fp, "an RFC 3339 timestamp (text)", x)
		return time.Time{}, false
	}
	t, err := parseTime(s)
	if err != nil {
		v.fail(fp, CodeBadValue, fmt.Sprintf("%s: %q is not an RFC 3339 timestamp such as \"2026-03-02T09:00:00Z\"", fp, s), "")
		return time.Time{}, false
	}
	return t.UTC(), true
}
