// Package report reads a journey map's numbers: the funnel of stages, the
// time spent in each, the messages, the goals, the splits and the weekly
// cohorts of the contacts who entered.
//
// Input: Counts, the aggregates a store computes in its database
// (store.Store.Report) — counts and percentiles by journey, stage, step,
// goal, split arm and day, never a contact's rows. Output: Report, the
// same numbers arranged by journey with the statistics derived from them
// (rates, conversion between stages, Wilson intervals, lift and a
// two-proportion z-test for each split arm), as the JSON documented in
// docs/reports.md.
//
// Invariants: Build is deterministic (every list is in a fixed order); it
// reads only its Counts; a rate whose denominator is 0 is absent (nil),
// never NaN; a split arm is called only when both it and its baseline are
// large enough (MinArm contacts, expected counts of at least MinExpected).
//
// The scope of a report is the enrollments that began in [Since, Until):
// every stage, goal, split and cohort figure counts those enrollments,
// whenever what it counts happened. The outbox, which does not record an
// enrollment, is scoped by each row's due time instead.
package report

import (
	"sort"
	"time"
)

// Counts are the aggregates a store reads for a report. Times in seconds.
type Counts struct {
	Versions []VersionCount
	Stages   []StageCount
	Exits    []ExitCount
	Messages []MessageCount // the history's send records
	Outbox   []OutboxCount
	Goals    []GoalCount
	Arms     []ArmCount
	Days     []DayCount
	// ByVersion are the stages, exits, sends, goals and split arms again
	// by the version each enrollment is under now (each row's Version
	// set): the same figures for each version's enrollments, with each
	// version's own percentiles; and the outbox's rows by the version
	// that wrote each.
	ByVersion Breakdown
}

// Several reports whether a journey of c has more than one version: only
// then do the figures of a version differ from its journey's, and
// ByVersion need be read (Build takes a journey's own figures for its one
// version).
func (c *Counts) Several() bool {
	n := map[string]int{}
	for _, v := range c.Versions {
		n[v.Journey]++
		if n[v.Journey] > 1 {
			return true
		}
	}
	return false
}

// Breakdown is the figures of Counts a version of a journey has of its
// own.
type Breakdown struct {
	Stages   []StageCount
	Exits    []ExitCount
	Messages []MessageCount
	Outbox   []OutboxCount
	Goals    []GoalCount
	Arms     []ArmCount
}

// VersionCount is the enrollments of one journey under one version (the
// version each is under now, after any migration), by status.
type VersionCount struct {
	Journey, Version                    string
	Enrolled, Active, Converted, Exited int
}

// StageCount is one stage's figures.
type StageCount struct {
	Journey, Stage string
	Version        string    // in Counts.ByVersion; "" in Counts.Stages
	First          time.Time // the first time any enrollment in scope entered it: the funnel's order
	Entered        int       // enrollments that entered the stage, once each however often
	Current        int       // enrollments active in the stage
	Converted      int       // enrollments that reached a goal while in the stage
	Stalled        int       // active in the stage past its stall time, with no wake-up pending
	Visits         int       // visits that ended (the contact left the stage): what the percentiles count
	P50, P90       float64   // the time of those visits, seconds; 0 when Visits is 0
}

// ExitCount is the enrollments that exited (not through a goal) from a
// stage with a reason.
type ExitCount struct {
	Journey, Stage, Reason string
	Version                string // in Counts.ByVersion; "" in Counts.Exits
	Contacts               int
}

// MessageCount is the history's records of one kind (sent, suppressed,
// capped, over_budget) for one send step and template.
type MessageCount struct {
	Journey, Step, Template, Kind string
	Version                       string // in Counts.ByVersion; "" in Counts.Messages
	Count                         int
}

// OutboxCount is the outbox rows of one step and target with one status.
type OutboxCount struct {
	Journey, Step, Kind, Target, Status string
	Version                             string // in Counts.ByVersion: the version that wrote the rows; "" in Counts.Outbox
	Count                               int
}

// GoalCount is one goal's conversions, and the time from entry to each.
type GoalCount struct {
	Journey, Goal string
	Version       string // in Counts.ByVersion; "" in Counts.Goals
	Conversions   int
	P50, P90      float64 // seconds
}

// ArmCount is one split arm: the enrollments placed in it, and how many
// of them converted.
type ArmCount struct {
	Journey, Split, Arm string // Split is the split step's identity
	Version             string // in Counts.ByVersion; "" in Counts.Arms
	Contacts, Converted int
}

// DayCount is the enrollments that began on one day (UTC), and how many of
// them converted.
type DayCount struct {
	Journey            string
	Day                time.Time // midnight UTC
	Entered, Converted int
}

// Sort puts every list of c in the order Build reads them, so that two
// stores' counts compare equal.
func (c *Counts) Sort() {
	sort.Slice(c.Versions, func(i, j int) bool {
		a, b := c.Versions[i], c.Versions[j]
		return a.Journey+"\x00"+a.Version < b.Journey+"\x00"+b.Version
	})
	c.sortBreakdown(&Breakdown{Stages: c.Stages, Exits: c.Exits, Messages: c.Messages, Goals: c.Goals, Arms: c.Arms})
	c.sortBreakdown(&c.ByVersion)
	sortOutbox(c.Outbox)
	sortOutbox(c.ByVersion.Outbox)
	sort.Slice(c.Days, func(i, j int) bool {
		a, b := c.Days[i], c.Days[j]
		if a.Journey != b.Journey {
			return a.Journey < b.Journey
		}
		return a.Day.Before(b.Day)
	})
}

// sortOutbox sorts outbox counts by journey, step, target, status and
// version.
func sortOutbox(o []OutboxCount) {
	sort.Slice(o, func(i, j int) bool {
		a, b := o[i], o[j]
		return a.Journey+"\x00"+a.Step+"\x00"+a.Target+"\x00"+a.Status+"\x00"+a.Version < b.Journey+"\x00"+b.Step+"\x00"+b.Target+"\x00"+b.Status+"\x00"+b.Version
	})
}

// sortBreakdown sorts x's lists by journey and their own keys, then (for
// Counts.ByVersion) by version.
func (*Counts) sortBreakdown(x *Breakdown) {
	sort.SliceStable(x.Stages, func(i, j int) bool {
		a, b := x.Stages[i], x.Stages[j]
		if a.Journey != b.Journey {
			return a.Journey < b.Journey
		}
		if !a.First.Equal(b.First) {
			return a.First.Before(b.First)
		}
		return a.Stage < b.Stage
	})
	sort.SliceStable(x.Exits, func(i, j int) bool {
		a, b := x.Exits[i], x.Exits[j]
		return a.Journey+"\x00"+a.Stage+"\x00"+a.Reason < b.Journey+"\x00"+b.Stage+"\x00"+b.Reason
	})
	sort.SliceStable(x.Messages, func(i, j int) bool {
		a, b := x.Messages[i], x.Messages[j]
		return a.Journey+"\x00"+a.Step+"\x00"+a.Template+"\x00"+a.Kind < b.Journey+"\x00"+b.Step+"\x00"+b.Template+"\x00"+b.Kind
	})
	sort.SliceStable(x.Goals, func(i, j int) bool {
		a, b := x.Goals[i], x.Goals[j]
		return a.Journey+"\x00"+a.Goal < b.Journey+"\x00"+b.Goal
	})
	sort.SliceStable(x.Arms, func(i, j int) bool {
		a, b := x.Arms[i], x.Arms[j]
		return a.Journey+"\x00"+a.Split+"\x00"+a.Arm < b.Journey+"\x00"+b.Split+"\x00"+b.Arm
	})
	byVersion := func(v func(int) string) func(i, j int) bool {
		return func(i, j int) bool { return v(i) < v(j) }
	}
	sort.SliceStable(x.Stages, byVersion(func(i int) string { return x.Stages[i].Version }))
	sort.SliceStable(x.Exits, byVersion(func(i int) string { return x.Exits[i].Version }))
	sort.SliceStable(x.Messages, byVersion(func(i int) string { return x.Messages[i].Version }))
	sort.SliceStable(x.Goals, byVersion(func(i int) string { return x.Goals[i].Version }))
	sort.SliceStable(x.Arms, byVersion(func(i int) string { return x.Arms[i].Version }))
}
