package runtime

// Evaluating conditions for the engine: the variables a condition sees,
// and the stdlib.Context its function library reads.

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/stdlib"
)

// holds evaluates a condition; one that cannot be evaluated (a field the
// contact lacks, say) does not hold.
// A condition of a halted journey holds no longer.
func (r *run) holds(j *Journey, c *compiler.Cond, t time.Time, ev *EventIn) bool {
	out, err := r.eval(j, c, t, ev)
	if err != nil {
		return false
	}
	b, ok := out.Value().(bool)
	return ok && b
}

// value evaluates the value of a `set` as a plain Go value.
func (r *run) value(j *Journey, c *compiler.Cond, t time.Time, ev *EventIn) (any, error) {
	out, err := r.eval(j, c, t, ev)
	if err != nil {
		return nil, err
	}
	return Native(out)
}

// errHalted is the error of an evaluation in a halted journey.
var errHalted = errors.New("the journey is halted")

// eval evaluates a condition of a journey at t; one that goes over its
// cost limit halts the journey for the contact.
func (r *run) eval(j *Journey, c *compiler.Cond, t time.Time, ev *EventIn) (ref.Val, error) {
	if r.halted(j) {
		return nil, errHalted
	}
	act := r.vars(t, ev)
	if len(c.Filters) > 0 {
		rc := r.ctx(t)
		rc.match = r.matcher(j, c, t)
		act.ctx = stdlib.NewContextValue(rc)
	}
	out, err := j.eval(c, act)
	if cancelled := (interpreter.EvalCancelledError{}); errors.As(err, &cancelled) && cancelled.Cause == interpreter.CostLimitExceeded {
		r.halt(j, t, c.Source.String(), fmt.Sprintf("the condition %q went over its cost limit (%d)", c.Text, j.costLimit))
		return nil, errHalted
	}
	return out, err
}

// vars are the variables of a condition at time t: the contact's fields,
// the whole contact, and the event in scope, each in the type the schema
// declares (see coerce); `now`; and the function library's context.
func (r *run) vars(t time.Time, ev *EventIn) *activation {
	schema := r.e.Deployment.Program.Schema
	if r.contact == nil {
		attrs := coerceObject(schema.Contact, r.s.Attrs)
		r.contact = make(map[string]any, len(attrs)+1)
		maps.Copy(r.contact, attrs)
		r.contact["contact"] = attrs
	}
	a := &activation{vars: r.contact, now: t, ctx: stdlib.NewContextValue(r.ctx(t))}
	if ev != nil {
		a.hasEvent = true
		if e := schema.Events[ev.Name]; e != nil {
			a.event = coerceObject(e.Payload, ev.Payload)
		} else {
			a.event = ev.Payload
		}
	}
	return a
}

// activation binds the variables of a condition for cel-go: `now`, the
// function library's context (stdlib.ContextVar), and `event` when one is
// in scope, over vars.
type activation struct {
	vars     map[string]any
	now      time.Time
	ctx      ref.Val
	event    any
	hasEvent bool
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch {
	case name == "now":
		return a.now, true
	case name == stdlib.ContextVar:
		return a.ctx, true
	case name == "event" && a.hasEvent:
		return a.event, true
	}
	v, ok := a.vars[name]
	return v, ok
}

func (a *activation) Parent() interpreter.Activation { return nil }

// coerceObject returns an object's values in the types its schema
// declares. Values come from JSON (an API, a store), where every number is
// a float and a timestamp is a string: CEL would refuse to add a double to
// an int, or to take days_since of a string.
func coerceObject(o *compiler.Object, values map[string]any) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		if f := o.Field(k); f != nil {
			out[k] = coerce(f.Type, v)
		} else {
			out[k] = v
		}
	}
	return out
}

func coerce(t *compiler.Type, v any) any {
	switch t.Kind {
	case compiler.KindInt:
		switch n := v.(type) {
		case float64:
			if n == float64(int64(n)) {
				return int64(n)
			}
		case int:
			return int64(n)
		case json.Number:
			if i, err := n.Int64(); err == nil {
				return i
			}
		}
	case compiler.KindDouble:
		switch n := v.(type) {
		case int64:
			return float64(n)
		case int:
			return float64(n)
		case json.Number:
			if f, err := n.Float64(); err == nil {
				return f
			}
		}
	case compiler.KindTimestamp:
		if s, ok := v.(string); ok {
			if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return ts
			}
		}
	case compiler.KindDuration:
		if s, ok := v.(string); ok {
			if d, err := time.ParseDuration(s); err == nil {
				return d
			}
			var d compiler.Duration
			if d.UnmarshalText([]byte(s)) == nil {
				return time.Duration(d)
			}
		}
	case compiler.KindList:
		if l, ok := v.([]any); ok {
			out := make([]any, len(l))
			for i, x := range l {
				out[i] = coerce(t.Elem, x)
			}
			return out
		}
	case compiler.KindMap:
		if m, ok := v.(map[string]any); ok {
			out := make(map[string]any, len(m))
			for k, x := range m {
				out[k] = coerce(t.Elem, x)
			}
			return out
		}
	case compiler.KindObject:
		if m, ok := v.(map[string]any); ok {
			return coerceObject(t.Object, m)
		}
	}
	return v
}

// Native converts a CEL value to what a contact's attributes hold, as JSON
// would: numbers, strings, booleans, lists, maps; timestamps as RFC 3339
// text and durations as Go durations' text.
func Native(v ref.Val) (any, error) {
	switch x := v.Value().(type) {
	case nil:
		return nil, nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	case time.Duration:
		return x.String(), nil
	case int64, uint64, float64, string, bool:
		return x, nil
	}
	switch v := v.(type) {
	case traits.Lister:
		var out []any
		for it := v.Iterator(); it.HasNext() == types.True; {
			x, err := Native(it.Next())
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	case traits.Mapper:
		out := map[string]any{}
		for it := v.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			x, err := Native(v.Get(k))
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(k.Value())] = x
		}
		return out, nil
	}
	if v == types.NullValue {
		return nil, nil
	}
	return v.Value(), nil
}

// ctx returns the function library's view of the contact at time t.
func (r *run) ctx(t time.Time) *runCtx {
	return &runCtx{s: r.s, now: t, loc: r.location(), holidays: r.e.Deployment.holidays}
}

// runCtx is a stdlib.Context over a contact's state.
type runCtx struct {
	s        *ContactState
	now      time.Time
	loc      *time.Location
	match    func(filter int, e EventMark) bool // the filters of the condition evaluated; nil for none
	holidays stdlib.Holidays
}

func (c *runCtx) Now() time.Time                 { return c.now }
func (c *runCtx) Location() *time.Location       { return c.loc }
func (c *runCtx) Opened(t string) bool           { return c.s.Opened[t] }
func (c *runCtx) Clicked(t string) bool          { return c.s.Clicked[t] }
func (c *runCtx) HasTag(tag string) bool         { return slices.Contains(tagList(c.s.Attrs["tags"]), tag) }
func (c *runCtx) Subscribed(channel string) bool { return c.s.Subscribed(channel) }
func (c *runCtx) Holidays() stdlib.Holidays      { return c.holidays }
func (c *runCtx) InStage(journey, stage string) bool {
	en := c.s.Active(journey)
	return en != nil && en.Stage == stage
}
func (c *runCtx) Count(event string, within time.Duration, filter int) int {
	n := 0
	from := c.now.Add(-within)
	for _, e := range c.s.Events {
		if e.Name == event && !e.At.Before(from) && !e.At.After(c.now) && (filter < 0 || c.match != nil && c.match(filter, e)) {
			n++
		}
	}
	return n
}

// matcher evaluates the filters of condition c on an event of the
// contact's history: whether filter i holds for it, as a condition with
// that event in scope. An event kept without its fields (one that came
// before any deployed filter read its kind) lacks the fields the filter
// reads, and does not match.
func (r *run) matcher(j *Journey, c *compiler.Cond, t time.Time) func(int, EventMark) bool {
	return func(i int, e EventMark) bool {
		if i < 0 || i >= len(c.Filters) {
			return false
		}
		return r.holds(j, c.Filters[i], t, &EventIn{Name: e.Name, Payload: e.Payload})
	}
}

// location is the contact's time zone: its `timezone` attribute if it
// names one, else the engine's default.
func (r *run) location() *time.Location {
	if r.loc != nil {
		return r.loc
	}
	r.loc = time.UTC
	if r.e.Location != nil {
		r.loc = r.e.Location
	}
	if name, ok := r.s.Attrs["timezone"].(string); ok && name != "" {
		if loc, err := loadLocation(name); err == nil {
			r.loc = loc
		}
	}
	return r.loc
}

// Evaluate evaluates a planned program against a contact's state at time
// now, with the variables and function library the engine's conditions
// see (the default engine settings). `journey test` uses it for its
// expectations and values.
func (d *Deployment) Evaluate(s *ContactState, prg cel.Program, now time.Time) (ref.Val, error) {
	r := &run{e: &Engine{Deployment: d}, s: s}
	out, _, err := prg.Eval(r.vars(now, nil))
	return out, err
}
