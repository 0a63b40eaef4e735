package runtime

import (
	"context"
	"errors"
	"time"
)

// Store keeps contacts, their pending inputs, their positions, the outbox
// and the history. Three implement it: MemoryStore (tests and
// simulation), SQLite (the embedded default) and Postgres (production and
// several runners); all pass the same conformance corpus.
//
// The unit of work is a contact: a change to a contact (an event, an
// update) or a due timer sets its wake-up time; a worker claims due
// contacts in batches, runs the engine on each, and completes the batch:
// the new states, the outbox rows and the history are committed together,
// each state guarded by the revision it was claimed at, so a worker whose
// lease expired cannot overwrite newer work.
type Store interface {
	// PutContact queues an update of a contact's attributes (creating the
	// contact), and wakes it.
	PutContact(ctx context.Context, p *PutContactParams) error
	// AddEvent queues an event for a contact (creating the contact) and
	// wakes it. An event whose ID was seen before is ignored: it reports
	// false.
	AddEvent(ctx context.Context, p *AddEventParams) (bool, error)
	// Claim leases up to Limit contacts whose wake-up is due at Now.
	Claim(ctx context.Context, p *ClaimParams) ([]*Work, error)
	// Complete commits claimed work and releases its leases, in one
	// transaction. Work whose lease was lost is left out, and reported.
	Complete(ctx context.Context, p *CompleteParams) (*CompleteResult, error)
	// NextWake returns the earliest wake-up of any contact.
	NextWake(ctx context.Context) (time.Time, bool, error)

	// Contact returns a contact's state, or ErrNotFound.
	Contact(ctx context.Context, id string) (*ContactState, error)
	// Outbox lists actions in the order they were written.
	Outbox(ctx context.Context, p *OutboxParams) ([]Action, error)
	// History lists a contact's records in order.
	History(ctx context.Context, p *HistoryParams) ([]Record, error)

	Close() error
}

// ErrNotFound is returned for a contact the store does not know.
var ErrNotFound = errors.New("not found")

// PutContactParams are the arguments of Store.PutContact.
type PutContactParams struct {
	ID    string
	Attrs map[string]any // the attributes to set; a nil value removes one
	At    time.Time
}

// AddEventParams are the arguments of Store.AddEvent.
type AddEventParams struct {
	Contact string
	ID      string // unique per event; the store ignores a repeat
	Name    string
	Payload map[string]any
	At      time.Time
}

// ClaimParams are the arguments of Store.Claim.
type ClaimParams struct {
	Now    time.Time
	Limit  int
	Worker string
	Lease  time.Duration // how long the claim holds before another worker may take the contact
}

// Work is a claimed contact: its state, its pending inputs in order of
// arrival, and the revision the state was read at.
type Work struct {
	State  *ContactState
	Inputs []Input
	Rev    int64
}

// CompleteParams are the arguments of Store.Complete.
type CompleteParams struct {
	Worker  string
	Now     time.Time
	Results []*WorkResult
}

// WorkResult is what the engine made of one claimed contact.
type WorkResult struct {
	Contact  string
	Rev      int64         // the revision the work was claimed at
	State    *ContactState // the new state
	Consumed int64         // the inputs up to this sequence number were processed
	Outcome  *Outcome
}

// CompleteResult says which results were committed.
type CompleteResult struct {
	Committed int
	Lost      []string // contacts whose lease another worker had taken
}

// OutboxParams filter Store.Outbox.
type OutboxParams struct {
	Contact string // "" for all
}

// HistoryParams filter Store.History.
type HistoryParams struct {
	Contact string
}
