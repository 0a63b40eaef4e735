package report

import (
	"fmt"
	"strings"
	"time"
)

// Report is a report's JSON (docs/reports.md).
type Report struct {
	Since    *time.Time `json:"since"` // nil: from the beginning
	Until    *time.Time `json:"until"` // nil: to now
	Journeys []*Journey `json:"journeys"`
}

// Journey is one journey's readings.
type Journey struct {
	Journey        string     `json:"journey"`
	Enrolled       int        `json:"enrolled"`
	Active         int        `json:"active"`
	Converted      int        `json:"converted"`
	Exited         int        `json:"exited"`
	ConversionRate *float64   `json:"conversion_rate"` // converted / enrolled
	Versions       []*Version `json:"versions"`
	Stages         []*Stage   `json:"stages"`
	Messages       []*Message `json:"messages"`
	Goals          []*Goal    `json:"goals"`
	Splits         []*Split   `json:"splits"`
	Cohorts        []*Cohort  `json:"cohorts"`
}

// Version is the enrollments under one version of a journey (the version
// each is under now), and the journey's figures for them alone.
type Version struct {
	Version   string     `json:"version"`
	Enrolled  int        `json:"enrolled"`
	Active    int        `json:"active"`
	Converted int        `json:"converted"`
	Exited    int        `json:"exited"`
	Stages    []*Stage   `json:"stages"`   // every stage of the journey, in its order
	Messages  []*Message `json:"messages"` // the outbox's columns count the rows the version wrote
	Goals     []*Goal    `json:"goals"`
	Splits    []*Split   `json:"splits"`
}

// Stage is one bar of the funnel.
type Stage struct {
	Stage            string         `json:"stage"`
	Entered          int            `json:"entered"`
	Current          int            `json:"current"`
	Converted        int            `json:"converted"`
	Exited           map[string]int `json:"exited"`             // by reason
	ConversionToNext *float64       `json:"conversion_to_next"` // the next stage's entered / this one's; nil for the last
	TimeInStage      Times          `json:"time_in_stage"`
	Stalled          int            `json:"stalled"`
}

// Times are the percentiles of durations, in seconds.
type Times struct {
	Count int     `json:"count"` // the durations measured
	P50   float64 `json:"p50_seconds"`
	P90   float64 `json:"p90_seconds"`
}

// Message is one step's sends and deliveries of one template (or other
// target).
type Message struct {
	Step         string   `json:"step"`
	Kind         string   `json:"kind"` // send, notify, task, webhook
	Target       string   `json:"target"`
	Sent         int      `json:"sent"`
	Suppressed   int      `json:"suppressed"`
	Capped       int      `json:"capped"`
	OverBudget   int      `json:"over_budget"`
	Unsubscribed int      `json:"unsubscribed"`  // marketing sends to a contact not subscribed on the channel
	Pending      int      `json:"pending"`       // outbox rows waiting for delivery
	Delivered    int      `json:"delivered"`     // outbox rows sent
	Parked       int      `json:"parked"`        // outbox rows that failed
	Unknown      int      `json:"unknown"`       // outbox rows lost mid-call
	DeliveryRate *float64 `json:"delivery_rate"` // delivered / outbox rows
}

// Goal is one goal's conversions.
type Goal struct {
	Goal          string   `json:"goal"`
	Conversions   int      `json:"conversions"`
	Rate          *float64 `json:"rate"` // conversions / enrolled
	TimeToConvert Times    `json:"time_to_convert"`
}

// Split is one split step's arms, compared with its baseline.
type Split struct {
	Split    string `json:"split"` // the split's name
	Step     string `json:"step"`  // the split step's identity
	Baseline string `json:"baseline"`
	Arms     []*Arm `json:"arms"`
}

// Arm is one arm of a split.
type Arm struct {
	Arm       string   `json:"arm"`
	Contacts  int      `json:"contacts"`
	Converted int      `json:"converted"`
	Rate      *float64 `json:"rate"`
	CILow     *float64 `json:"ci_low"`  // 95% Wilson interval
	CIHigh    *float64 `json:"ci_high"` //
	Lift      *float64 `json:"lift"`    // rate / baseline rate - 1; nil for the baseline, or a baseline rate of 0
	PValue    *float64 `json:"p_value"` // two-proportion z-test against the baseline; nil for the baseline
	Verdict   string   `json:"verdict"` // "baseline", "too small to call", "significant" (p < 0.05) or "not significant"
}

// Cohort is the enrollments that began in one ISO week.
type Cohort struct {
	Week      string   `json:"week"` // ISO 8601: 2026-W02
	Entered   int      `json:"entered"`
	Converted int      `json:"converted"`
	Rate      *float64 `json:"rate"`
}

// Options shape a report.
type Options struct {
	Since, Until time.Time // the scope the counts were read for; zero for no bound
	// Layout, when not nil, is the journeys of the deployment in force,
	// each with its stages in the order written: they are reported even
	// with no enrollment, their stages in that order (the funnel's), and
	// a stage no one entered with zeros. Without it, or for a journey or
	// stage it does not list, stages come in the order they were first
	// entered.
	Layout []Layout
}

// Layout is a journey's stages, in the order written.
type Layout struct {
	Journey string
	Stages  []string
}

// Build arranges a store's counts into a report.
func Build(c *Counts, opt Options) *Report {
	c.Sort()
	r := &Report{Journeys: []*Journey{}}
	if !opt.Since.IsZero() {
		t := opt.Since.UTC()
		r.Since = &t
	}
	if !opt.Until.IsZero() {
		t := opt.Until.UTC()
		r.Until = &t
	}
	byName := map[string]*Journey{}
	journey := func(name string) *Journey {
		j := byName[name]
		if j == nil {
			j = &Journey{Journey: name, Versions: []*Version{}, Stages: []*Stage{}, Messages: []*Message{},
				Goals: []*Goal{}, Splits: []*Split{}, Cohorts: []*Cohort{}}
			byName[name] = j
			r.Journeys = append(r.Journeys, j)
		}
		return j
	}
	for _, v := range c.Versions {
		j := journey(v.Journey)
		j.Versions = append(j.Versions, &Version{Version: v.Version, Enrolled: v.Enrolled, Active: v.Active, Converted: v.Converted, Exited: v.Exited})
		j.Enrolled += v.Enrolled
		j.Active += v.Active
		j.Converted += v.Converted
		j.Exited += v.Exited
	}
	wide := Breakdown{Stages: c.Stages, Exits: c.Exits, Messages: c.Messages, Outbox: c.Outbox, Goals: c.Goals, Arms: c.Arms}
	fill(&wide, journey)
	for _, d := range c.Days {
		j := journey(d.Journey)
		y, w := d.Day.UTC().ISOWeek()
		week := isoWeek(y, w)
		if n := len(j.Cohorts); n > 0 && j.Cohorts[n-1].Week == week {
			j.Cohorts[n-1].Entered += d.Entered
			j.Cohorts[n-1].Converted += d.Converted
			continue
		}
		j.Cohorts = append(j.Cohorts, &Cohort{Week: week, Entered: d.Entered, Converted: d.Converted})
	}
	lay(r, opt.Layout, journey)
	for _, j := range r.Journeys {
		derive(j)
	}
	versions(r, parts(&c.ByVersion), parts(&wide))
	return r
}

// fill adds the figures of c to the journeys journey returns.
func fill(c *Breakdown, journey func(string) *Journey) {
	stages := map[[2]string]*Stage{}
	for _, s := range c.Stages {
		j := journey(s.Journey)
		st := &Stage{Stage: s.Stage, Entered: s.Entered, Current: s.Current, Converted: s.Converted,
			Exited: map[string]int{}, Stalled: s.Stalled,
			TimeInStage: Times{Count: s.Visits, P50: round3(s.P50), P90: round3(s.P90)}}
		stages[[2]string{s.Journey, s.Stage}] = st
		j.Stages = append(j.Stages, st)
	}
	for _, e := range c.Exits {
		st := stages[[2]string{e.Journey, e.Stage}]
		if st == nil { // an enrollment that exited in a stage it has no record of entering
			st = &Stage{Stage: e.Stage, Exited: map[string]int{}}
			stages[[2]string{e.Journey, e.Stage}] = st
			j := journey(e.Journey)
			j.Stages = append(j.Stages, st)
		}
		st.Exited[e.Reason] += e.Contacts
	}
	messages := map[[3]string]*Message{}
	message := func(journeyName, step, kind, target string) *Message {
		k := [3]string{journeyName, step, target}
		m := messages[k]
		if m == nil {
			m = &Message{Step: step, Kind: kind, Target: target}
			messages[k] = m
			j := journey(journeyName)
			j.Messages = append(j.Messages, m)
		}
		return m
	}
	for _, m := range c.Messages {
		msg := message(m.Journey, m.Step, "send", m.Template)
		switch m.Kind {
		case "sent":
			msg.Sent += m.Count
		case "suppressed":
			msg.Suppressed += m.Count
		case "capped":
			msg.Capped += m.Count
		case "over_budget":
			msg.OverBudget += m.Count
		case "unsubscribed":
			msg.Unsubscribed += m.Count
		}
	}
	for _, o := range c.Outbox {
		msg := message(o.Journey, o.Step, o.Kind, o.Target)
		msg.Kind = o.Kind
		switch o.Status {
		case "pending":
			msg.Pending += o.Count
		case "sent":
			msg.Delivered += o.Count
		case "parked":
			msg.Parked += o.Count
		case "unknown":
			msg.Unknown += o.Count
		}
	}
	for _, g := range c.Goals {
		j := journey(g.Journey)
		j.Goals = append(j.Goals, &Goal{Goal: g.Goal, Conversions: g.Conversions,
			TimeToConvert: Times{Count: g.Conversions, P50: round3(g.P50), P90: round3(g.P90)}})
	}
	splits := map[[2]string]*Split{}
	for _, a := range c.Arms {
		k := [2]string{a.Journey, a.Split}
		sp := splits[k]
		if sp == nil {
			sp = &Split{Split: splitName(a.Split), Step: a.Split}
			splits[k] = sp
			j := journey(a.Journey)
			j.Splits = append(j.Splits, sp)
		}
		sp.Arms = append(sp.Arms, &Arm{Arm: a.Arm, Contacts: a.Contacts, Converted: a.Converted})
	}
}

// part names the figures of one version of one journey; version is ""
// for the journey's own.
type part struct{ journey, version string }

// parts splits b's figures by journey and version: the counts of
// Counts.ByVersion by both, the journey-wide ones (Version "") by journey.
func parts(b *Breakdown) map[part]*Breakdown {
	out := map[part]*Breakdown{}
	of := func(journey, version string) *Breakdown {
		k := part{journey, version}
		if out[k] == nil {
			out[k] = &Breakdown{}
		}
		return out[k]
	}
	for _, x := range b.Stages {
		p := of(x.Journey, x.Version)
		p.Stages = append(p.Stages, x)
	}
	for _, x := range b.Exits {
		p := of(x.Journey, x.Version)
		p.Exits = append(p.Exits, x)
	}
	for _, x := range b.Messages {
		p := of(x.Journey, x.Version)
		p.Messages = append(p.Messages, x)
	}
	for _, x := range b.Outbox {
		p := of(x.Journey, x.Version)
		p.Outbox = append(p.Outbox, x)
	}
	for _, x := range b.Goals {
		p := of(x.Journey, x.Version)
		p.Goals = append(p.Goals, x)
	}
	for _, x := range b.Arms {
		p := of(x.Journey, x.Version)
		p.Arms = append(p.Arms, x)
	}
	return out
}

// versions gives each version of each journey of r its figures from
// byVersion, built as the journey's are, its stages in the journey's
// order; the one version of a journey gets the journey's own figures from
// own.
func versions(r *Report, byVersion, own map[part]*Breakdown) {
	for _, j := range r.Journeys {
		for _, v := range j.Versions {
			vj := &Journey{Journey: j.Journey, Enrolled: v.Enrolled, Active: v.Active, Converted: v.Converted, Exited: v.Exited,
				Stages: []*Stage{}, Messages: []*Message{}, Goals: []*Goal{}, Splits: []*Split{}}
			p := byVersion[part{j.Journey, v.Version}]
			if len(j.Versions) == 1 { // the version's enrollments are the journey's
				p = own[part{j.Journey, ""}]
			}
			if p == nil {
				p = &Breakdown{}
			}
			fill(p, func(string) *Journey { return vj })
			byName := map[string]*Stage{}
			for _, st := range vj.Stages {
				byName[st.Stage] = st
			}
			var stages []*Stage
			for _, st := range j.Stages {
				vs := byName[st.Stage]
				if vs == nil {
					vs = &Stage{Stage: st.Stage, Exited: map[string]int{}}
				}
				stages = append(stages, vs)
			}
			vj.Stages = stages
			derive(vj)
			v.Stages, v.Goals, v.Splits = vj.Stages, vj.Goals, vj.Splits
			if v.Stages == nil {
				v.Stages = []*Stage{}
			}
			v.Messages = vj.Messages
		}
	}
}

// lay puts the journeys of a layout in the report, and their stages in
// its order: the journeys in the layout first, in its order, then the
// others by name; in each, the stages it lists, then the others in the
// order they were first entered.
func lay(r *Report, layout []Layout, journey func(string) *Journey) {
	if len(layout) == 0 {
		return
	}
	var first []*Journey
	listed := map[string]bool{}
	for _, l := range layout {
		j := journey(l.Journey)
		listed[l.Journey] = true
		first = append(first, j)
		byName := map[string]*Stage{}
		for _, st := range j.Stages {
			byName[st.Stage] = st
		}
		var stages []*Stage
		named := map[string]bool{}
		for _, name := range l.Stages {
			st := byName[name]
			if st == nil {
				st = &Stage{Stage: name, Exited: map[string]int{}}
			}
			named[name] = true
			stages = append(stages, st)
		}
		for _, st := range j.Stages {
			if !named[st.Stage] {
				stages = append(stages, st)
			}
		}
		j.Stages = stages
	}
	for _, j := range r.Journeys {
		if !listed[j.Journey] {
			first = append(first, j)
		}
	}
	r.Journeys = first
}

// Journey returns the report's readings of a journey, or nil.
func (r *Report) Journey(name string) *Journey {
	for _, j := range r.Journeys {
		if j.Journey == name {
			return j
		}
	}
	return nil
}

// derive fills in a journey's rates and statistics from its counts.
func derive(j *Journey) {
	j.ConversionRate = rate(j.Converted, j.Enrolled)
	for i, st := range j.Stages {
		if i+1 < len(j.Stages) {
			st.ConversionToNext = rate(j.Stages[i+1].Entered, st.Entered)
		}
	}
	for _, m := range j.Messages {
		m.DeliveryRate = rate(m.Delivered, m.Pending+m.Delivered+m.Parked+m.Unknown)
	}
	for _, g := range j.Goals {
		g.Rate = rate(g.Conversions, j.Enrolled)
	}
	for _, c := range j.Cohorts {
		c.Rate = rate(c.Converted, c.Entered)
	}
	for _, sp := range j.Splits {
		base := sp.Arms[0]
		for _, a := range sp.Arms {
			if a.Arm == "holdout" || a.Arm == "control" {
				base = a
				break
			}
		}
		sp.Baseline = base.Arm
		for _, a := range sp.Arms {
			a.Rate = rate(a.Converted, a.Contacts)
			if a.Contacts > 0 {
				lo, hi := Wilson(a.Converted, a.Contacts)
				a.CILow, a.CIHigh = ptr(round3(lo)), ptr(round3(hi))
			}
			if a == base {
				a.Verdict = "baseline"
				continue
			}
			if base.Converted > 0 && a.Contacts > 0 {
				br := float64(base.Converted) / float64(base.Contacts)
				ar := float64(a.Converted) / float64(a.Contacts)
				a.Lift = ptr(round3(ar/br - 1))
			}
			a.PValue = ptr(round3(ZTest(a.Converted, a.Contacts, base.Converted, base.Contacts)))
			switch {
			case !callable(a.Converted, a.Contacts, base.Converted, base.Contacts):
				a.Verdict = "too small to call"
			case *a.PValue < 0.05:
				a.Verdict = "significant"
			default:
				a.Verdict = "not significant"
			}
		}
	}
}

// rate is k/n to a thousandth, or nil for n = 0.
func rate(k, n int) *float64 {
	if n == 0 {
		return nil
	}
	return ptr(round3(float64(k) / float64(n)))
}

func ptr(x float64) *float64 { return &x }

// splitName is the name in a split step's identity
// ("Test/split:pricing#1" → "pricing"), or the identity itself.
func splitName(step string) string {
	i := strings.LastIndex(step, "split:")
	if i < 0 {
		return step
	}
	name := step[i+len("split:"):]
	if k := strings.IndexByte(name, '#'); k >= 0 {
		name = name[:k]
	}
	return name
}

func isoWeek(y, w int) string { return fmt.Sprintf("%04d-W%02d", y, w) }
