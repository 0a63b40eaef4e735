package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/report"
	"github.com/journeylang/journey/runtime/store"
)

// Report implements Store: the same aggregates as the durable stores'
// report_*.sql, counted in Go over the store's maps.
func (m *Store) Report(_ context.Context, p *store.ReportParams) (*report.Counts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	type key = scopeKey
	inWindow := func(t time.Time) bool {
		return (p.Since.IsZero() || !t.Before(p.Since)) && (p.Until.IsZero() || t.Before(p.Until))
	}
	// The enrollments in scope, and whether each contact has a wake-up.
	scope := map[key]*runtime.Enrollment{}
	waking := map[string]bool{}
	for id, c := range m.contacts {
		var s runtime.ContactState
		if err := json.Unmarshal(c.state, &s); err != nil {
			return nil, fmt.Errorf("contact %s: %w", id, err)
		}
		waking[id] = !c.wake.IsZero()
		for _, e := range s.Enrollments {
			if (p.Journey == "" || e.Journey == p.Journey) && inWindow(e.EnteredAt) {
				scope[key{id, e.Journey, e.Entry}] = e
			}
		}
	}
	c := &report.Counts{}

	versions := map[[2]string]*report.VersionCount{}
	days := map[string]*report.DayCount{}
	for _, e := range scope {
		v := versions[[2]string{e.Journey, e.Version}]
		if v == nil {
			v = &report.VersionCount{Journey: e.Journey, Version: e.Version}
			versions[[2]string{e.Journey, e.Version}] = v
		}
		v.Enrolled++
		day := e.EnteredAt.UTC().Truncate(24 * time.Hour)
		d := days[e.Journey+"\x00"+day.Format(time.DateOnly)]
		if d == nil {
			d = &report.DayCount{Journey: e.Journey, Day: day}
			days[e.Journey+"\x00"+day.Format(time.DateOnly)] = d
		}
		d.Entered++
		switch e.Status {
		case runtime.StatusActive:
			v.Active++
		case runtime.StatusConverted:
			v.Converted++
			d.Converted++
		case runtime.StatusExited:
			v.Exited++
		}
	}
	for _, v := range versions {
		c.Versions = append(c.Versions, *v)
	}
	for _, d := range days {
		c.Days = append(c.Days, *d)
	}

	all := m.breakdown(p, scope, waking, func(*runtime.Enrollment) string { return "" })
	c.Stages, c.Exits, c.Messages, c.Goals, c.Arms = all.Stages, all.Exits, all.Messages, all.Goals, all.Arms
	if c.Several() {
		c.ByVersion = m.breakdown(p, scope, waking, func(e *runtime.Enrollment) string { return e.Version })
	}

	outbox := map[report.OutboxCount]int{} // counts keyed by the rest
	for _, row := range m.outbox {
		if (p.Journey == "" || row.Journey == p.Journey) && inWindow(row.Due) {
			outbox[report.OutboxCount{Journey: row.Journey, Step: row.Step, Kind: row.Kind, Target: row.Target, Status: row.Status, Version: row.Version}]++
		}
	}
	byVersion := c.Several()
	totals := map[report.OutboxCount]int{}
	for k, n := range outbox {
		if byVersion {
			k.Count = n
			c.ByVersion.Outbox = append(c.ByVersion.Outbox, k)
			k.Count = 0
		}
		k.Version = ""
		totals[k] += n
	}
	for k, n := range totals {
		k.Count = n
		c.Outbox = append(c.Outbox, k)
	}
	c.Sort()
	return c, nil
}

// millis is a duration in seconds, to the millisecond, as the SQLite
// store measures it.
func millis(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

// percentile is percentile_cont's: the linear interpolation between the
// two values around position q × (n − 1) of the sorted values; 0 for none.
func percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	pos := q * float64(len(s)-1)
	lo := math.Floor(pos)
	i := int(lo)
	if i+1 >= len(s) {
		return s[i]
	}
	return s[i] + (s[i+1]-s[i])*(pos-lo)
}

// scopeKey is an enrollment: its contact, journey and entry.
type scopeKey struct {
	contact, journey string
	entry            int
}

// breakdown counts the stages, exits, sends, goals and split arms of the
// enrollments in scope, by journey and the version version gives each
// ("" for the journey-wide figures).
func (m *Store) breakdown(p *store.ReportParams, scope map[scopeKey]*runtime.Enrollment, waking map[string]bool, version func(*runtime.Enrollment) string) report.Breakdown {
	type key = scopeKey
	var b report.Breakdown
	exits := map[[4]string]*report.ExitCount{}
	for _, e := range scope {
		if e.Status != runtime.StatusExited {
			continue
		}
		xk := [4]string{e.Journey, version(e), e.Stage, e.Reason}
		x := exits[xk]
		if x == nil {
			x = &report.ExitCount{Journey: e.Journey, Version: version(e), Stage: e.Stage, Reason: e.Reason}
			exits[xk] = x
		}
		x.Contacts++
	}
	for _, x := range exits {
		b.Exits = append(b.Exits, *x)
	}

	// The history of the enrollments in scope, in order.
	type stageAcc struct {
		first   time.Time
		entered map[key]bool
		secs    []float64
	}
	stages := map[[3]string]*stageAcc{}
	open := map[key]*runtime.Record{} // each enrollment's last stage record, while it is in the stage
	messages := map[[5]string]int{}
	goals := map[[3]string][]float64{}
	arms := map[[4]string]map[key]bool{}
	for i := range m.history {
		r := &m.history[i]
		k := key{r.Contact, r.Journey, r.Entry}
		e := scope[k]
		if e == nil {
			continue
		}
		switch r.Kind {
		case runtime.RecStage, runtime.RecExited:
			if o := open[k]; o != nil {
				acc := stages[[3]string{r.Journey, version(e), o.Detail}]
				acc.secs = append(acc.secs, millis(r.At.Sub(o.At)))
				delete(open, k)
			}
			if r.Kind == runtime.RecStage {
				acc := stages[[3]string{r.Journey, version(e), r.Detail}]
				if acc == nil {
					acc = &stageAcc{first: r.At, entered: map[key]bool{}}
					stages[[3]string{r.Journey, version(e), r.Detail}] = acc
				}
				if r.At.Before(acc.first) {
					acc.first = r.At
				}
				acc.entered[k] = true
				open[k] = r
			}
		case runtime.RecSent, runtime.RecSuppressed, runtime.RecCapped, runtime.RecOverBudget, runtime.RecUnsubscribed:
			messages[[5]string{r.Journey, version(e), r.Step, r.Detail, r.Kind}]++
		case runtime.RecGoal:
			goals[[3]string{r.Journey, version(e), r.Detail}] = append(goals[[3]string{r.Journey, version(e), r.Detail}], millis(r.At.Sub(e.EnteredAt)))
		case runtime.RecArm:
			a := [4]string{r.Journey, version(e), r.Step, r.Detail}
			if arms[a] == nil {
				arms[a] = map[key]bool{}
			}
			arms[a][k] = true
		}
	}
	for sk, acc := range stages {
		sc := report.StageCount{Journey: sk[0], Version: sk[1], Stage: sk[2], First: acc.first, Entered: len(acc.entered), Visits: len(acc.secs)}
		sc.P50, sc.P90 = percentile(acc.secs, 0.5), percentile(acc.secs, 0.9)
		stall := p.StallSeconds()
		if len(acc.secs) > 0 {
			stall = sc.P90
		}
		for k, e := range scope {
			if k.journey != sk[0] || version(e) != sk[1] || e.Stage != sk[2] {
				continue
			}
			switch e.Status {
			case runtime.StatusActive:
				sc.Current++
				if !waking[k.contact] && p.Now.Sub(e.StageAt).Seconds() > stall {
					sc.Stalled++
				}
			case runtime.StatusConverted:
				sc.Converted++
			}
		}
		b.Stages = append(b.Stages, sc)
	}
	for mk, n := range messages {
		b.Messages = append(b.Messages, report.MessageCount{Journey: mk[0], Version: mk[1], Step: mk[2], Template: mk[3], Kind: mk[4], Count: n})
	}
	for gk, secs := range goals {
		b.Goals = append(b.Goals, report.GoalCount{Journey: gk[0], Version: gk[1], Goal: gk[2], Conversions: len(secs),
			P50: percentile(secs, 0.5), P90: percentile(secs, 0.9)})
	}
	for ak, members := range arms {
		a := report.ArmCount{Journey: ak[0], Version: ak[1], Split: ak[2], Arm: ak[3], Contacts: len(members)}
		for k := range members {
			if scope[k].Status == runtime.StatusConverted {
				a.Converted++
			}
		}
		b.Arms = append(b.Arms, a)
	}

	return b
}
