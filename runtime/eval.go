package runtime

// Evaluating conditions for the engine: the variables a condition sees,
// and the stdlib.Context its function library reads.

import (
	"slices"
	"strconv"
	"time"

	"github.com/google/cel-go/common/types"

	"github.com/journeylang/journey/compiler"
)

// holds evaluates a condition; one that cannot be evaluated (a field the
// contact lacks, say) does not hold.
func (r *run) holds(j *Journey, c *compiler.Cond, t time.Time, ev *EventIn) bool {
	out, err := j.Eval(c, r.vars(ev), r.ctx(t))
	if err != nil {
		return false
	}
	b, ok := out.Value().(bool)
	return ok && b
}

// vars are the variables of a condition: the contact's fields, the whole
// contact, and the event in scope.
func (r *run) vars(ev *EventIn) map[string]any {
	vars := make(map[string]any, len(r.s.Attrs)+2)
	for k, v := range r.s.Attrs {
		vars[k] = v
	}
	vars["contact"] = r.s.Attrs
	if ev != nil {
		vars["event"] = ev.Payload
	}
	return vars
}

// value evaluates the value of a `set` as a plain Go value.
func (j *Journey) value(c *compiler.Cond, vars map[string]any, ctx *runCtx) (any, error) {
	out, err := j.Eval(c, vars, ctx)
	if err != nil {
		return nil, err
	}
	if out == types.NullValue {
		return nil, nil
	}
	switch v := out.Value().(type) {
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano), nil
	case time.Duration:
		return v.String(), nil
	}
	return plain(out.Value()), nil
}

// plain converts CEL's values to JSON-friendly Go values.
func plain(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plain(x)
		}
		return out
	}
	return v
}

// ctx returns the function library's view of the contact at time t.
func (r *run) ctx(t time.Time) *runCtx { return &runCtx{s: r.s, now: t} }

// runCtx is a stdlib.Context over a contact's state.
type runCtx struct {
	s   *ContactState
	now time.Time
}

func (c *runCtx) Now() time.Time         { return c.now }
func (c *runCtx) Opened(t string) bool   { return c.s.Opened[t] }
func (c *runCtx) Clicked(t string) bool  { return c.s.Clicked[t] }
func (c *runCtx) HasTag(tag string) bool { return slices.Contains(tagList(c.s.Attrs["tags"]), tag) }
func (c *runCtx) InStage(journey, stage string) bool {
	en := c.s.enrollment(journey)
	return en != nil && en.Stage == stage
}
func (c *runCtx) Count(event string, within time.Duration) int {
	n := 0
	from := c.now.Add(-within)
	for _, e := range c.s.Events {
		if e.Name == event && !e.At.Before(from) && !e.At.After(c.now) {
			n++
		}
	}
	return n
}

// location is the contact's time zone: its `timezone` attribute if it
// names one, else the engine's default.
func (r *run) location() *time.Location {
	if name, ok := r.s.Attrs["timezone"].(string); ok && name != "" {
		if loc, err := loadLocation(name); err == nil {
			return loc
		}
	}
	if r.e.Location != nil {
		return r.e.Location
	}
	return time.UTC
}

func itoa(n int) string { return strconv.Itoa(n) }
