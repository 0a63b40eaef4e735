package stdlib

import (
	"reflect"
	"slices"
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
	Location() *time.Location     // the contact's time zone
	Opened(template string) bool  // an email from the template was opened
	Clicked(template string) bool // a link in an email from the template was clicked
	// Count is how many events of the kind the contact had in the window
	// up to now; with filter 0 or more, only those for which the filter of
	// that index, among the filters of the condition being evaluated,
	// holds (-1: every one).
	Count(event string, within time.Duration, filter int) int
	HasTag(tag string) bool             // the contact carries the tag
	InStage(journey, stage string) bool // the contact is in the stage of the journey
	Subscribed(channel string) bool     // the contact may be sent marketing on the channel (rule 12)
	Holidays() Holidays                 // the workspace's holidays, which business days skip
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
		return types.Int(Elapsed(ts(a[0]), ctx.Now(), SecondsPerDay))
	},
	"hours_since": func(ctx Context, a []ref.Val) ref.Val {
		return types.Int(Elapsed(ts(a[0]), ctx.Now(), SecondsPerHour))
	},
	"days_until": func(ctx Context, a []ref.Val) ref.Val {
		return types.Int(Elapsed(ctx.Now(), ts(a[0]), SecondsPerDay))
	},
	"hours_until": func(ctx Context, a []ref.Val) ref.Val {
		return types.Int(Elapsed(ctx.Now(), ts(a[0]), SecondsPerHour))
	},
	"business_days_since": func(ctx Context, a []ref.Val) ref.Val {
		loc := location(ctx)
		return types.Int(businessDays(ts(a[0]).In(loc), ctx.Now().In(loc), ctx.Holidays()))
	},
	"local_hour": func(ctx Context, _ []ref.Val) ref.Val {
		return types.Int(ctx.Now().In(location(ctx)).Hour())
	},
	"local_weekday": func(ctx Context, _ []ref.Val) ref.Val {
		return types.String(weekdays[ctx.Now().In(location(ctx)).Weekday()])
	},
	"is_weekend": func(ctx Context, _ []ref.Val) ref.Val {
		d := ctx.Now().In(location(ctx)).Weekday()
		return types.Bool(d == time.Saturday || d == time.Sunday)
	},
	"opened":  func(ctx Context, a []ref.Val) ref.Val { return types.Bool(ctx.Opened(str(a[0]))) },
	"clicked": func(ctx Context, a []ref.Val) ref.Val { return types.Bool(ctx.Clicked(str(a[0]))) },
	"count": func(ctx Context, a []ref.Val) ref.Val {
		filter := -1
		if len(a) > 2 {
			filter = int(a[2].(types.Int))
		}
		return types.Int(ctx.Count(str(a[0]), a[1].Value().(time.Duration), filter))
	},
	"has_tag":  func(ctx Context, a []ref.Val) ref.Val { return types.Bool(ctx.HasTag(str(a[0]))) },
	"in_stage": func(ctx Context, a []ref.Val) ref.Val { return types.Bool(ctx.InStage(str(a[0]), str(a[1]))) },
	"subscribed": func(ctx Context, a []ref.Val) ref.Val {
		return types.Bool(ctx.Subscribed(str(a[0])))
	},
}

// weekdays are the names local_weekday gives, as a send window writes them.
var weekdays = [...]string{
	time.Sunday: "sun", time.Monday: "mon", time.Tuesday: "tue", time.Wednesday: "wed",
	time.Thursday: "thu", time.Friday: "fri", time.Saturday: "sat",
}

// The units of the counts of time, in seconds.
const (
	SecondsPerHour = 60 * 60
	SecondsPerDay  = 24 * SecondsPerHour
)

// elapsed returns the whole units of unit seconds from one instant to
// another: the floor of the time between them over the unit, so negative
// when to is before from. It counts in seconds rather than time.Duration,
// which would saturate past 292 years: CEL's timestamps span years 1 to
// 9999.
func Elapsed(from, to time.Time, unit int64) int64 {
	s := to.Unix() - from.Unix()
	if to.Nanosecond() < from.Nanosecond() {
		s-- // the fraction of a second left over is then positive
	}
	return floorDiv(s, unit)
}

// businessDays returns the whole Monday-to-Friday days from one local time
// to another (both in the contact's time zone), by the wall clock: on a
// calendar with the weekends taken out, where Saturday and Sunday shrink to
// the instant between Friday 24:00 and Monday 00:00, the number of times
// the clock passes from's time of day, so negative when to is before from.
// Friday 17:00 to Monday 17:00 is one business day; to Monday 16:59 none.
//
// Like days_since, the result is at least 0 when from is not after to and
// at most -1 when it is, even where the wall clock alone says otherwise:
// from Sunday back to the Saturday before (a weekend is an instant on this
// calendar), and where a zone sets its clocks back on a weekday (Cairo
// does, on a Thursday at 24:00) so that a later instant reads an earlier
// time.
func businessDays(from, to time.Time, hol Holidays) int64 {
	n := wallBusinessDays(from, to, hol)
	switch {
	case !to.Before(from) && n < 0:
		return 0
	case to.Before(from) && n >= 0:
		return -1
	}
	return n
}

// wallBusinessDays is businessDays by the wall clock alone.
func wallBusinessDays(from, to time.Time, hol Holidays) int64 {
	fd, fc := businessClock(from, hol)
	td, tc := businessClock(to, hol)
	n := td - fd
	if tc < fc {
		n--
	}
	return n
}

// businessClock places a local time on the business-day calendar: the
// number of Mondays to Fridays that are not holidays from Monday 5
// January 1970 to its date, and its time of day by the wall clock. A time
// on a weekend or a holiday is 00:00 of the business day after it.
func businessClock(t time.Time, hol Holidays) (day int64, clock time.Duration) {
	y, m, d := t.Date()
	date := dateNumber(y, m, d)
	days := date - 4                                        // from Monday 1970-01-05
	week, wd := floorDiv(days, 7), days-7*floorDiv(days, 7) // wd: Monday 0 … Sunday 6
	if wd >= 5 {
		return 5*week + 5 - hol.before(date), 0
	}
	if hol.has(date) {
		return 5*week + wd - hol.before(date), 0
	}
	h, mi, s := t.Clock()
	return 5*week + wd - hol.before(date), time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}

// dateNumber is a date as days since 1970-01-01; Unix time counts no leap
// seconds, so a UTC midnight is a whole number of days.
func dateNumber(y int, m time.Month, d int) int64 {
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), SecondsPerDay)
}

// weekdayNumber is the day of the week of a date (days since 1970-01-01):
// Monday 0 … Sunday 6.
func weekdayNumber(date int64) int64 {
	d := date - 4 // from Monday 1970-01-05
	return d - 7*floorDiv(d, 7)
}

// Holidays are the days business days skip besides Saturdays and Sundays,
// the same local dates in every time zone: days since 1970-01-01, sorted,
// each once. Only those from Monday to Friday count.
type Holidays []int64

// ParseHolidays reads dates written YYYY-MM-DD, in any order.
func ParseHolidays(dates []string) (Holidays, error) {
	var out Holidays
	for _, s := range dates {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, err
		}
		if n := dateNumber(t.Date()); weekdayNumber(n) < 5 {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// before is how many of the holidays fall before date.
func (h Holidays) before(date int64) int64 {
	i, _ := slices.BinarySearch(h, date)
	return int64(i)
}

func (h Holidays) has(date int64) bool {
	_, ok := slices.BinarySearch(h, date)
	return ok
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// location is the contact's time zone; UTC if the Context gives none.
func location(ctx Context) *time.Location {
	if loc := ctx.Location(); loc != nil {
		return loc
	}
	return time.UTC
}

func ts(v ref.Val) time.Time { return v.Value().(time.Time) }

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

// Business days on the calendar: what `after 2bd`, `due 2bd` and
// `within 2bd` in a journey wait for, counted as business_days_since
// counts them, so that a step after 2bd runs when
// business_days_since(the block's start) reaches 2.

// AddBusinessDays returns the instant n business days after t, in the zone
// loc, as business_days_since counts them: n Mondays to Fridays after t,
// at t's local time of day, when business_days_since of t is n (it turns
// n then, but at Monday 00:00, which it reaches with the weekend before:
// a step never runs on a weekend). From Friday 17:00, 1 business day is
// Monday 17:00; from a Saturday or a Sunday, which count as the Monday
// 00:00 after them, 1 business day is Tuesday 00:00. A local time the zone's clocks skip that
// day is taken as time.Date takes it, the length of the gap later. n of 0
// or less returns t.
func AddBusinessDays(t time.Time, n int, loc *time.Location, hol Holidays) time.Time {
	if n <= 0 {
		return t
	}
	day, clock := businessClock(t.In(loc), nil)
	target := day + int64(n)
	week := floorDiv(target, 5)
	wd := target - 5*week
	// Day 0 of the weekday-only calendar is Monday 5 January 1970.
	date := time.Date(1970, 1, 5+int(7*week+wd), 0, 0, 0, 0, time.UTC)
	if len(hol) > 0 {
		// Each holiday on the way puts the day one business day later.
		day, clock = businessClock(t.In(loc), hol)
		target = day + int64(n)
		for {
			n := dateNumber(date.Date())
			if d, _ := businessClock(date, hol); d == target && weekdayNumber(n) < 5 && !hol.has(n) {
				break
			}
			date = date.AddDate(0, 0, 1)
		}
	}
	y, m, d := date.Date()
	u := time.Date(y, m, d, int(clock/time.Hour), int(clock%time.Hour/time.Minute),
		int(clock%time.Minute/time.Second), int(clock%time.Second), loc)
	if u.Before(t) { // a zone's clocks set back: never before t
		return t
	}
	return u
}
