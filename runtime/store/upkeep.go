package store

// The upkeep of a store that the runner leading the chores asks for:
// retention (Store.Retain), and vacuuming (Maintainer).

import (
	"context"
	"fmt"
	"time"
)

// RetainParams are the arguments of Store.Retain.
type RetainParams struct {
	OutboxBefore  time.Time // outbox rows sent (or, cancelled, last due) before this are deleted; zero keeps them all
	HistoryBefore time.Time // history records from before this are deleted; zero keeps them all
	Limit         int       // the most rows of each kind one call deletes; DefaultRetainBatch when 0
}

// BatchLimit is Limit, or DefaultRetainBatch when 0.
func (p *RetainParams) BatchLimit() int {
	if p.Limit > 0 {
		return p.Limit
	}
	return DefaultRetainBatch
}

// Retained says how many rows Store.Retain deleted.
type Retained struct {
	Outbox  int
	History int
}

// Retention defaults (`journey run --retain-outbox`, `--retain-history`):
// how long sent outbox rows, and history records, are kept. Reports read
// both: a report's deliveries of sends older than DefaultRetainOutbox, and
// its figures for enrollments older than DefaultRetainHistory, are gone
// with the rows.
const (
	DefaultRetainOutbox  = 7 * 24 * time.Hour
	DefaultRetainHistory = 400 * 24 * time.Hour
	DefaultRetainBatch   = 5000
)

// Maintainer is a Store that looks after its own tables, which the runner
// leading the chores calls: the Postgres store, whose tables need
// vacuuming as rows are updated and deleted.
type Maintainer interface {
	// MaintenanceWarnings checks the database's settings that keep the
	// store's tables in shape, and returns a sentence for each one that
	// does not, saying what the runner does about it.
	MaintenanceWarnings(ctx context.Context) ([]string, error)
	// Vacuum vacuums and analyses each of the store's tables holding at
	// least MinDead dead rows and at least DeadFraction of its live rows,
	// one after the other, and reports them, with how long the oldest
	// transaction in the database has been open.
	Vacuum(ctx context.Context, p *VacuumParams) (*VacuumReport, error)
}

// The thresholds the runner leading the chores vacuums at: a table
// holding at least DefaultVacuumMinDead dead rows and
// DefaultVacuumFraction of its live rows.
const (
	DefaultVacuumMinDead  = 10_000
	DefaultVacuumFraction = 0.05
)

// VacuumThreshold describes the default thresholds, for the log.
func VacuumThreshold() string {
	return fmt.Sprintf("%d dead rows and %g%% of its live rows", DefaultVacuumMinDead, DefaultVacuumFraction*100)
}

// VacuumParams are the arguments of Maintainer.Vacuum.
type VacuumParams struct {
	MinDead      int64
	DeadFraction float64
}

// VacuumReport is what Maintainer.Vacuum did, and what holds it back: a
// transaction open since before rows died keeps them, however often the
// table is vacuumed.
type VacuumReport struct {
	Tables     []Vacuumed
	OldestXact time.Duration // how long the database's oldest transaction holding a snapshot has been open; 0 for none
}

// OldXact is how long a transaction may stay open before the runner warns
// that it holds back vacuum.
const OldXact = 5 * time.Minute

// Vacuumed is a table Maintainer.Vacuum vacuumed, with its dead and live
// rows as the database counted them before.
type Vacuumed struct {
	Table      string
	Dead, Live int64
	Took       time.Duration
}
