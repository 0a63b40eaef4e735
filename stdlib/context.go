package stdlib

import (
	"reflect"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// Context is what the library's functions read of the runtime: the clock,
// and the contact's history and positions. The engine provides one per
// evaluation, through the hidden variable ContextVar.
type Context interface {
	Now() time.Time
	Location() *time.Location                     // the contact's time zone
	Opened(template string) bool                  // an email from the template was opened
	Clicked(template string) bool                 // a link in an email from the template was clicked
	Count(event string, within time.Duration) int // events of the kind in the window up to now
	HasTag(tag string) bool                       // the contact carries the tag
	InStage(journey, stage string) bool           // the contact is in the stage of the journey
}

// ContextValue carries a Context into CEL as ContextVar's value.
type ContextValue struct{ Context }

// NewContextValue wraps ctx for an activation: vars[ContextVar] = NewContextValue(ctx).
func NewContextValue(ctx Context) ref.Val { return ContextValue{ctx} }

func (v ContextValue) ConvertToNative(reflect.Type) (any, error) { return v.Context, nil }
func (v ContextValue) ConvertToType(t ref.Type) ref.Val {
	return types.NewErr("journey context does not convert to %s", t)
}
func (v ContextValue) Equal(o ref.Val) ref.Val { return types.Bool(o == ref.Val(v)) }
func (v ContextValue) Type() ref.Type          { return ContextType }
func (v ContextValue) Value() any              { return v.Context }

// bindings implement the hidden forms of the library's functions.
var bindings = map[string]func(ctx Context, args []ref.Val) ref.Val{
	"days_since": func(ctx Context, a []ref.Val) ref.Val {
		return types.Int(ctx.Now().Sub(a[0].Value().(time.Time)) / (24 * time.Hour))
	},
	"hours_since": func(ctx Context, a []ref.Val) ref.Val {
		return types.Int(ctx.Now().Sub(a[0].Value().(time.Time)) / time.Hour)
	},
	"opened":  func(ctx Context, a []ref.Val) ref.Val { return types.Bool(ctx.Opened(str(a[0]))) },
	"clicked": func(ctx Context, a []ref.Val) ref.Val { return types.Bool(ctx.Clicked(str(a[0]))) },
	"count": func(ctx Context, a []ref.Val) ref.Val {
		return types.Int(ctx.Count(str(a[0]), a[1].Value().(time.Duration)))
	},
	"has_tag":  func(ctx Context, a []ref.Val) ref.Val { return types.Bool(ctx.HasTag(str(a[0]))) },
	"in_stage": func(ctx Context, a []ref.Val) ref.Val { return types.Bool(ctx.InStage(str(a[0]), str(a[1]))) },
}

func str(v ref.Val) string { return string(v.(types.String)) }

// binding returns the implementation of a function's hidden form.
func binding(name string) cel.OverloadOpt {
	impl := bindings[name]
	return cel.FunctionBinding(func(args ...ref.Val) ref.Val {
		ctx, ok := args[0].(ContextValue)
		if !ok || ctx.Context == nil {
			return types.NewErr("%s: no journey context in this evaluation", name)
		}
		return impl(ctx.Context, args[1:])
	})
}
