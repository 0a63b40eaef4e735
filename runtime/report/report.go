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
	Contacts               int
}

// MessageCount is the history's records of one kind (sent, suppressed,
// capped, over_budget) for one send step and template.
type MessageCount struct {
	Journey, Step, Template, Kind string
	Count                         int
}

// OutboxCount is the outbox rows of one step and target with one status.
type OutboxCount struct {
	Journey, Step, Kind, Target, Status string
	Count                               int
}

// GoalCount is one goal's conversions, and the time from entry to each.
type GoalCount struct {
	Journey, Goal string
	Conversions   int
	P50, P90      float64 // seconds
}

// ArmCount is one split arm: the enrollments placed in it, and how many
// of them converted.
type ArmCount struct {
	Journey, Split, Arm string // Split is the split step's identity
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
	sort.Slice(c.Stages, func(i, j int) bool {
		a, b := c.Stages[i], c.Stages[j]
		if a.Journey != b.Journey {
			return a.Journey < b.Journey
		}
		if !a.First.Equal(b.First) {
			return a.First.Before(b.First)
		}
		return a.Stage < b.Stage
	})
	sort.Slice(c.Exits, func(i, j int) bool {
		a, b := c.Exits[i], c.Exits[j]
		return a.Journey+"\x00"+a.Stage+"\x00"+a.Reason < b.Journey+"\x00"+b.Stage+"\x00"+b.Reason
	})
	sort.Slice(c.Messages, func(i, j int) bool {
		a, b := c.Messages[i], c.Messages[j]
		return a.Journey+"\x00"+a.Step+"\x00"+a.Template+"\x00"+a.Kind < b.Journey+"\x00"+b.Step+"\x00"+b.Template+"\x00"+b.Kind
	})
	sort.Slice(c.Outbox, func(i, j int) bool {
		a, b := c.Outbox[i], c.Outbox[j]
		return a.Journey+"\x00"+a.Step+"\x00"+a.Target+"\x00"+a.Status < b.Journey+"\x00"+b.Step+"\x00"+b.Target+"\x00"+b.Status
	})
	sort.Slice(c.Goals, func(i, j int) bool {
		a, b := c.Goals[i], c.Goals[j]
		return a.Journey+"\x00"+a.Goal < b.Journey+"\x00"+b.Goal
	})
	sort.Slice(c.Arms, func(i, j int) bool {
		a, b := c.Arms[i], c.Arms[j]
		return a.Journey+"\x00"+a.Split+"\x00"+a.Arm < b.Journey+"\x00"+b.Split+"\x00"+b.Arm
	})
	sort.Slice(c.Days, func(i, j int) bool {
		a, b := c.Days[i], c.Days[j]
		if a.Journey != b.Journey {
			return a.Journey < b.Journey
		}
		return a.Day.Before(b.Day)
	})
}
