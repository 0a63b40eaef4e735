package store

import (
	"strconv"

	"github.com/journeylang/journey/runtime"
)

// HistoryRow is one row of a store's history table: one record or, when
// FirstStage is set, the records an enrollment begins with, packed. A
// packed row stands for, in this order, the enrollment's enrolled record
// (no step, the entry number as its detail), the record of the stage it
// entered (no step, FirstStage as its detail), and then the row's own
// record, all of one contact, journey, entry and time; a packed row whose
// own kind is enrolled stands for the first two alone. Postgres and
// SQLite write one row where the engine's run wrote two or three
// records, the most common start of an enrollment (docs/runtime.md).
type HistoryRow struct {
	runtime.Record
	// FirstStage is the stage the enrollment entered, or "" for a row
	// that is its record alone.
	FirstStage string
}

// PackHistory returns the rows that hold a run's records, in order: an
// enrolled record followed by the record of the stage the enrollment
// entered, and by the next record of that enrollment when there is one
// at the same time that is neither a stage, an exit nor an enrollment,
// become one row; every other record is a row of its own. Records are
// packed only when UnpackHistory gives them back exactly, so that
// UnpackHistory(PackHistory(rs)) equals rs.
func PackHistory(rs []runtime.Record) []HistoryRow {
	rows := make([]HistoryRow, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		if i+1 < len(rs) && packsEnrollment(rs[i], rs[i+1]) {
			row := HistoryRow{Record: rs[i], FirstStage: rs[i+1].Detail}
			row.Step, row.Detail = "", ""
			i++
			if i+1 < len(rs) && packsFollower(rs[i], rs[i+1]) {
				row.Record = rs[i+1]
				i++
			}
			rows = append(rows, row)
			continue
		}
		rows = append(rows, HistoryRow{Record: rs[i]})
	}
	return rows
}

// packsEnrollment reports whether an enrolled record and the stage record
// after it are exactly what a packed row gives back.
func packsEnrollment(enrolled, stage runtime.Record) bool {
	return enrolled.Kind == runtime.RecEnrolled && enrolled.Step == "" &&
		enrolled.Detail == strconv.Itoa(enrolled.Entry) &&
		stage.Kind == runtime.RecStage && stage.Step == "" && stage.Detail != "" &&
		sameEnrollment(enrolled, stage)
}

// packsFollower reports whether the record next after an enrollment's
// first stage record can be the packed row's own record: one of the same
// enrollment at the same time, and not a stage, an exit or an enrollment,
// so that a packed row marks at most one stage or exit for the reports.
func packsFollower(stage, next runtime.Record) bool {
	switch next.Kind {
	case runtime.RecStage, runtime.RecExited, runtime.RecEnrolled:
		return false
	}
	return sameEnrollment(stage, next)
}

// sameEnrollment reports whether two records are of one contact's
// enrollment at one time.
func sameEnrollment(a, b runtime.Record) bool {
	return a.Contact == b.Contact && a.Journey == b.Journey && a.Entry == b.Entry && a.At.Equal(b.At)
}

// UnpackHistory returns the records the rows stand for, in order (see
// HistoryRow); nil for none.
func UnpackHistory(rows []HistoryRow) []runtime.Record {
	if len(rows) == 0 {
		return nil
	}
	out := make([]runtime.Record, 0, len(rows))
	for _, row := range rows {
		if row.FirstStage == "" {
			out = append(out, row.Record)
			continue
		}
		r := row.Record
		r.Step = ""
		enrolled, stage := r, r
		enrolled.Kind, enrolled.Detail = runtime.RecEnrolled, strconv.Itoa(r.Entry)
		stage.Kind, stage.Detail = runtime.RecStage, row.FirstStage
		out = append(out, enrolled, stage)
		if row.Kind != runtime.RecEnrolled {
			out = append(out, row.Record)
		}
	}
	return out
}
