package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/report"
)

// Store keeps contacts, their pending inputs, their positions, the outbox
// and the history. Three implement it: memory.Store (tests and
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
	// wakes it. An event whose ID was seen before (and not pruned since)
	// is ignored: it reports false. The ID is kept with the time the event
	// was received, for Prune.
	AddEvent(ctx context.Context, p *AddEventParams) (bool, error)
	// AddBatch queues a batch of updates and events, as PutContact and
	// AddEvent would one after the other, in one transaction: all of them
	// or, on an error, none. Each contact's inputs keep the batch's order.
	// An event whose ID was seen before, or earlier in the batch, is
	// ignored and reported in the result.
	AddBatch(ctx context.Context, p *AddBatchParams) (*AddBatchResult, error)
	// Release queues an operator's release of a contact's halted journeys
	// (an InputRelease), and wakes the contact; ErrNotFound for a contact
	// the store does not know.
	Release(ctx context.Context, p *ReleaseParams) error
	// Enroll queues an enrollment of each of Contacts in Journey (an
	// InputEnroll, which the engine takes under the journey's re-entry
	// policy), and wakes them, all or none: for a contact the store does
	// not know it queues nothing and returns an *UnknownContactError,
	// which is ErrNotFound.
	Enroll(ctx context.Context, p *EnrollParams) error
	// Consent queues a change of a contact's consent (an InputConsent),
	// and wakes the contact; ErrNotFound for a contact the store does not
	// know. When the engine takes it up, a withdrawal cancels the
	// contact's marketing rows of the channel still waiting in the outbox
	// (see Complete).
	Consent(ctx context.Context, p *ConsentParams) error
	// Erase forgets a contact, in one transaction, and reports
	// ErrNotFound for a contact the store does not know (so a second
	// erasure too). Its state (attributes, events, consent, positions),
	// its wake-up and its pending inputs are deleted; its outbox rows
	// lose their payloads, and those waiting for delivery and held by no
	// dispatcher are cancelled. What reports count stays, anonymous: its
	// history and enrollments, its outbox rows and its event identities
	// (so a repeat is still ignored) are kept under Pseudonym, a name
	// that no one can link to the contact; each active enrollment is
	// exited, reason "erased", and recorded so.
	Erase(ctx context.Context, p *EraseParams) error
	// Claim leases up to Limit contacts whose wake-up is due at Now, each
	// with its first Inputs pending inputs.
	Claim(ctx context.Context, p *ClaimParams) ([]*Work, error)
	// Complete commits claimed work and releases its leases, in one
	// transaction. Work whose lease was lost is left out, and reported.
	// For each of an outcome's withdrawals (Outcome.Withdraw), before its
	// actions are written, the contact's marketing sends of that channel
	// that are pending or parked and held by no dispatcher become
	// OutboxCancelled, each recorded RecWithdrawn (see WithdrawnRecord).
	Complete(ctx context.Context, p *CompleteParams) (*CompleteResult, error)
	// NextWake returns when the earliest contact becomes claimable: the
	// later of its wake-up and the end of its lease, if it is leased (a
	// lease that has ended counts for nothing). ok is false when no
	// contact has a wake-up.
	NextWake(ctx context.Context) (time.Time, bool, error)

	// Contact returns a contact's state, or ErrNotFound.
	Contact(ctx context.Context, id string) (*runtime.ContactState, error)
	// Outbox lists actions in the order they were written.
	Outbox(ctx context.Context, p *OutboxParams) ([]runtime.Action, error)
	// History lists a contact's records in order.
	History(ctx context.Context, p *HistoryParams) ([]runtime.Record, error)

	// LeaseOutbox leases up to Limit outbox rows to a dispatcher, in its
	// own committed transaction, before any of them is delivered: first
	// the rows whose lease expired mid-call (they become OutboxUnknown and
	// come back with Unknown set), then the pending rows whose next
	// attempt is due at Now. A due row's Attempts grows by one as it is
	// leased: the call about to be made is counted before it is made. An
	// expired row's does not, its lost call having been counted already.
	LeaseOutbox(ctx context.Context, p *LeaseOutboxParams) ([]OutboxRow, error)
	// MarkOutbox records the outcome of leased rows and releases their
	// leases, in one transaction: only the rows Worker still holds; the
	// others are reported lost.
	MarkOutbox(ctx context.Context, p *MarkOutboxParams) (*MarkOutboxResult, error)
	// ListOutbox lists outbox rows with their delivery state, in the order
	// written.
	ListOutbox(ctx context.Context, p *ListOutboxParams) ([]OutboxRow, error)
	// RetryOutbox makes parked rows (or one parked or unknown row) pending
	// again, due at Now with no attempts, and reports how many it changed.
	RetryOutbox(ctx context.Context, p *RetryOutboxParams) (int, error)

	// Stats summarises the store for monitoring: the pending outbox, the
	// contacts due at Now, and the active enrollments by journey and stage.
	Stats(ctx context.Context, p *StatsParams) (*Stats, error)
	// Report reads the aggregates of a report (package report) in the
	// database: counts and percentiles, never a contact's rows.
	Report(ctx context.Context, p *ReportParams) (*report.Counts, error)

	// Lead takes or renews the lead of a chore that one runner at a time
	// does, in one statement: Holder leads until Now plus TTL when no one
	// led, the last lead expired (at or before Now), or Holder led
	// already. It reports whether Holder leads.
	Lead(ctx context.Context, p *LeadParams) (bool, error)
	// Prune forgets the identities of events received before Before,
	// and reports how many it forgot: a repeat of one of those events is
	// no longer recognised. An identity whose event is stamped (At) at or
	// after Before is kept however long ago it was received, so that an
	// intake that refuses events stamped before the window (see
	// DefaultDedupeWindow) recognises every repeat it takes, even of an
	// event stamped ahead of the clock.
	Prune(ctx context.Context, p *PruneParams) (int, error)
	// Retain deletes what the retention policy no longer keeps, a batch
	// at a time: up to Limit outbox rows done with (sent before
	// OutboxBefore, or cancelled with their last attempt due before it),
	// and up to Limit history rows from before HistoryBefore (a row of
	// Postgres or SQLite may hold an enrollment's first records,
	// HistoryRow, and goes whole; the memory store's are records). A zero
	// time keeps everything of its kind. Rows pending, parked, unknown or
	// leased are never deleted. It reports how many of each it deleted:
	// call it again while either count is Limit.
	Retain(ctx context.Context, p *RetainParams) (*Retained, error)
	// WakeStale makes due at Now up to Limit contacts with an active
	// enrollment in Journey under a version other than Version, and
	// reports how many: after a deploy, so that each is brought to the new
	// version (and a step it moved earlier runs) without waiting for the
	// wake-up the old version set. Contacts due sooner, and leased ones,
	// are left: call it until it reports 0.
	WakeStale(ctx context.Context, p *WakeStaleParams) (int, error)
	// SaveVersions records journey versions, each once (a version is
	// content-addressed: one recorded already is kept as it is), and
	// reports how many were new.
	SaveVersions(ctx context.Context, p *SaveVersionsParams) (int, error)
	// Versions lists the recorded versions of a journey, oldest first.
	Versions(ctx context.Context, p *VersionsParams) ([]runtime.JourneyVersion, error)
	// Stale lists, in order of contact ID, up to Limit contacts after After
	// with an active enrollment in Journey under a version other than Version:
	// those a deploy of Version would migrate. Page with After set to the last
	// ID returned.
	Stale(ctx context.Context, p *StaleParams) ([]string, error)

	// Deploy puts a bundle in force unless it is in force already (the latest
	// deployment has the same digest): it records it as the latest deployment,
	// and reports the deployment in force and whether it was new. Deploying an
	// earlier bundle again (a rollback) records it anew.
	Deploy(ctx context.Context, p *DeployParams) (*DeployedBundle, bool, error)
	// Deployed returns the deployment in force if its ID is greater than After,
	// else ErrNotFound (also when nothing was deployed): runners poll it.
	Deployed(ctx context.Context, p *DeployedParams) (*DeployedBundle, error)

	Close() error
}

// ErrNotFound is returned for a contact the store does not know, and by
// Deployed when no deployment newer than the one asked after is in force.
var ErrNotFound = errors.New("not found")

// ErrNoStore is returned by sqlite.OpenExisting and postgres.OpenExisting
// for a database that holds no store: the commands that only read a store,
// or add to one, never make one.
var ErrNoStore = errors.New("no store")

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
	At      time.Time // when the event happened, as its sender stamped it
	// Received is when the intake received the event, on its own clock:
	// Prune keeps the ID a window from it, and never for less because of
	// At, which the sender chose. At when zero, for callers whose events
	// happen as they are taken (tests, simulations); an intake of events
	// from outside sets it.
	Received time.Time
}

// received is when the event was received: Received, or At when zero.
func (p *AddEventParams) ReceivedAt() time.Time {
	if p.Received.IsZero() {
		return p.At
	}
	return p.Received
}

// ReleaseParams are the arguments of Store.Release.
type ReleaseParams struct {
	Contact string
	Journey string // the journey to release; "" for every halted one
	At      time.Time
}

// EnrollParams are the arguments of Store.Enroll.
type EnrollParams struct {
	Journey  string
	Contacts []string // at least one
	At       time.Time
}

// UnknownContactError is Store.Enroll's error for a contact the store
// does not know: the first such of Contacts, at Index.
type UnknownContactError struct {
	Index   int
	Contact string
}

func (e *UnknownContactError) Error() string { return "no contact " + strconv.Quote(e.Contact) }

// Is makes an UnknownContactError ErrNotFound.
func (e *UnknownContactError) Is(target error) bool { return target == ErrNotFound }

// ConsentParams are the arguments of Store.Consent.
type ConsentParams struct {
	Contact string
	Channel string // one of runtime.Channels; "" for every channel
	State   string // one of runtime.ConsentStates
	At      time.Time
}

// ConsentPayload is the payload of the input Store.Consent queues.
func ConsentPayload(p *ConsentParams) map[string]any {
	return map[string]any{"state": p.State}
}

// WithdrawnRecord is the history line of an outbox row cancelled by a
// withdrawal of consent at t: in the contact's latest entry of the row's
// journey (the state is the one the run committed).
func WithdrawnRecord(s *runtime.ContactState, contact, journey, step, target string, t time.Time) runtime.Record {
	entry := 0
	if s != nil {
		if en := s.Last(journey); en != nil {
			entry = en.Entry
		}
	}
	return runtime.Record{At: t, Contact: contact, Journey: journey, Entry: entry, Kind: runtime.RecWithdrawn, Step: step, Detail: target}
}

// EraseParams are the arguments of Store.Erase.
type EraseParams struct {
	Contact   string
	Pseudonym string // what the contact's kept rows are filed under: NewPseudonym
	At        time.Time
}

// ErasedPrefix begins every pseudonym of an erased contact.
const ErasedPrefix = "erased-"

// NewPseudonym returns a new pseudonym for an erased contact: ErasedPrefix
// and 128 random bits in hex, so that the rows kept of one contact stay
// together (a report counts it once) and no one can tell whose they were.
func NewPseudonym() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	return ErasedPrefix + hex.EncodeToString(b[:])
}

// ClaimParams are the arguments of Store.Claim.
type ClaimParams struct {
	Now    time.Time
	Limit  int
	Worker string
	Lease  time.Duration // how long the claim holds before another worker may take the contact
	Inputs int           // the most pending inputs of one contact to claim, the first in order of arrival; MaxInputs when 0
}

// MaxInputs is how many pending inputs of one contact a claim takes by
// default: a contact with more is due again at once, and its next run
// takes the next ones.
const MaxInputs = 1000

func (p *ClaimParams) InputLimit() int {
	if p.Inputs > 0 {
		return p.Inputs
	}
	return MaxInputs
}

// Work is a claimed contact: its state, its pending inputs in order of
// arrival, the revision the state was read at, and the wake-up it was
// claimed at.
type Work struct {
	State  *runtime.ContactState
	Inputs []runtime.Input
	Rev    int64
	Due    time.Time // the wake-up that made the contact due; Now minus Due is the fire lag
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
	Rev      int64                 // the revision the work was claimed at
	State    *runtime.ContactState // the new state
	Consumed int64                 // the inputs up to this sequence number were processed
	Outcome  *runtime.Outcome
	// Unchanged says the run changed nothing in the state but the time
	// it ran (Processed), and recorded and sent nothing: the store keeps
	// the state it has, unwritten, and still settles the run (its lease,
	// its consumed inputs, its next wake-up). A contact not run at all
	// (given back, or ahead of the worker's version) is unchanged too.
	Unchanged bool
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

// Outbox statuses. A row that a dispatcher holds has a lease owner; its
// status is what was known before the lease.
const (
	OutboxPending = "pending" // to deliver at its next attempt
	OutboxSent    = "sent"    // delivered
	OutboxParked  = "parked"  // kept failing, or failed for good: waits for RetryOutbox
	OutboxUnknown = "unknown" // a lease expired mid-call: it may or may not have been delivered
	// OutboxCancelled: a marketing send whose contact withdrew consent
	// before it was delivered (rule 12); never delivered, never retried.
	OutboxCancelled = "cancelled"
)

// OutboxRow is an outbox row with its delivery state.
type OutboxRow struct {
	runtime.Action
	Seq         int64     // the order written
	Status      string    // OutboxPending, OutboxSent, OutboxParked, OutboxUnknown or OutboxCancelled
	Attempts    int       // calls begun, counted as each is leased
	NextAttempt time.Time // a pending row is not leased before this time
	LeaseOwner  string    // the dispatcher holding the row; "" when none does
	LeaseUntil  time.Time // zero when not leased
	LastError   string    // the last failed call's error; "" after a success
	SentAt      time.Time // zero unless sent

	// Unknown is set by LeaseOutbox on a row whose previous lease expired
	// mid-call: the call may have been delivered, and the dispatcher
	// applies its sink's policy (deliver again, or leave it unknown).
	Unknown bool
}

// LeaseOutboxParams are the arguments of Store.LeaseOutbox.
type LeaseOutboxParams struct {
	Now    time.Time
	Limit  int
	Worker string        // names the lease
	Lease  time.Duration // how long the rows are held before they count as lost mid-call
}

// MarkOutboxParams are the arguments of Store.MarkOutbox.
type MarkOutboxParams struct {
	Worker  string // only rows this worker still holds are marked
	Now     time.Time
	Results []OutboxMark // each key once
}

// OutboxMark is the outcome of one leased row.
type OutboxMark struct {
	Key string
	// Contact is the row's contact, as leased: a store may use it to
	// find the row (on Citus, its shard); "" finds it by its key alone.
	Contact     string
	Status      string    // OutboxSent, OutboxPending (to retry), OutboxParked or OutboxUnknown
	Attempts    int       // calls begun so far
	NextAttempt time.Time // for OutboxPending: when to try again; zero for Now
	Error       string    // the failure, "" for none
}

// MarkOutboxResult says which marks were written.
type MarkOutboxResult struct {
	Marked int
	Lost   []string // keys whose lease the worker no longer held
}

// ListOutboxParams filter Store.ListOutbox.
type ListOutboxParams struct {
	Status string // "" for every status
	Key    string // the row of this idempotency key only; "" for every row
	Limit  int    // at most this many rows; 0 for all
}

// RetryOutboxParams are the arguments of Store.RetryOutbox.
type RetryOutboxParams struct {
	Key string // one parked or unknown row; "" for every parked row
	Now time.Time
}

// StatsParams are the arguments of Store.Stats.
type StatsParams struct {
	Now time.Time // contacts whose wake-up is at or before Now are due
}

// ReportParams are the arguments of Store.Report.
type ReportParams struct {
	Journey string    // "" for every journey
	Since   time.Time // the enrollments that began at or after it; zero for no bound
	Until   time.Time // the enrollments that began before it; zero for no bound
	Now     time.Time // when the report is read: how long the active enrollments have been in their stage
	// StallAfter is how long an active enrollment may stay in a stage
	// none has left yet (no time in stage is known) before it counts as
	// stalled; DefaultStallAfter when zero.
	StallAfter time.Duration
}

// DefaultStallAfter is ReportParams.StallAfter when zero.
const DefaultStallAfter = 7 * 24 * time.Hour

// StallSeconds is StallAfter in seconds, or DefaultStallAfter's.
func (p *ReportParams) StallSeconds() float64 {
	if p.StallAfter > 0 {
		return p.StallAfter.Seconds()
	}
	return DefaultStallAfter.Seconds()
}

// LeadParams are the arguments of Store.Lead.
type LeadParams struct {
	Name   string // the chore
	Holder string // the runner, unique among those sharing the store
	Now    time.Time
	TTL    time.Duration // how long the lead holds unless renewed
}

// PruneParams are the arguments of Store.Prune.
type PruneParams struct {
	Before time.Time // the identities of events received before this time (and stamped before it) are forgotten
}

// DefaultDedupeWindow is how long event identities are kept by default,
// from when each event was received, for recognising repeats (`journey
// run --dedupe-window`). The intakes refuse an event stamped further back
// than the window, since a repeat of it might no longer be recognised;
// the runner that leads the chores prunes identities received before it.
const DefaultDedupeWindow = 30 * 24 * time.Hour

// WakeStaleParams are the arguments of Store.WakeStale.
type WakeStaleParams struct {
	Journey, Version string
	Now              time.Time
	Limit            int
}

// SaveVersionsParams are the arguments of Store.SaveVersions.
type SaveVersionsParams struct {
	Versions []runtime.JourneyVersion // At is ignored: Now is the time recorded
	Now      time.Time
}

// VersionsParams are the arguments of Store.Versions.
type VersionsParams struct {
	Journey string
}

// StaleParams are the arguments of Store.Stale.
type StaleParams struct {
	Journey, Version string
	After            string // list the contacts whose IDs come after it; "" for the first page
	Limit            int
}

// DeployParams are the arguments of Store.Deploy.
type DeployParams struct {
	Bundle []byte
	By     string // the runner or user that deployed it
	At     time.Time
}

// DeployedParams are the arguments of Store.Deployed.
type DeployedParams struct {
	After int64 // the ID of the deployment the caller has; 0 for none
}

// DeployedBundle is a deployment: a bundle put in force. The latest, the
// one with the highest ID, is in force.
type DeployedBundle struct {
	ID     int64
	Digest string // sha256 hex of Bundle
	Bundle []byte // the bundle file's bytes
	By     string // the runner or user that deployed it
	At     time.Time
}

// Stats is a summary of a store, for metrics and the API.
type Stats struct {
	OutboxPending int                       // outbox rows with status OutboxPending, leased or not
	OldestPending time.Time                 // the earliest due time of those rows; zero when there are none
	DueContacts   int                       // contacts whose wake-up is due at Now, leased or not
	OldestDue     time.Time                 // the earliest of their wake-ups; zero when none is due
	Active        map[string]map[string]int // contacts with an active enrollment, by journey then stage
	// CountedAt is when the figures were counted, when they are those a
	// Tallier kept (the due contacts are then those due at CountedAt);
	// zero when Stats counted them for the call.
	CountedAt time.Time
}

// Tallier is a store that keeps the figures of Stats counted ahead, so
// that reading them costs the same at any number of contacts: Tally
// counts them anew and keeps them; Tallied reads the ones kept, nil when
// Tally has never run. The runner whose chores lead calls Tally
// (runtime/serve); the gauges and the API read through Tallies.
type Tallier interface {
	Tally(ctx context.Context, p *TallyParams) error
	Tallied(ctx context.Context) (*Stats, error)
}

// Tallies returns the figures a Tallier keeps, or, when s keeps none or
// has not counted them yet, s.Stats(p): a count for the call.
func Tallies(ctx context.Context, s Store, p *StatsParams) (*Stats, error) {
	if t, ok := s.(Tallier); ok {
		st, err := t.Tallied(ctx)
		if err != nil || st != nil {
			return st, err
		}
	}
	return s.Stats(ctx, p)
}

// TallyParams are the arguments of Tallier.Tally.
type TallyParams struct {
	Now time.Time // contacts whose wake-up is at or before Now are due
}

// What the stores share of the JSON they keep.

// NewContactJSON is the state of a contact a store creates on its first
// input: its ID and no attributes.
func NewContactJSON(id string) ([]byte, error) {
	return json.Marshal(&runtime.ContactState{ID: id, Attrs: map[string]any{}})
}

// JSONParam is an input's payload or attributes as a parameter of a JSON
// column: its text, or NULL for a nil map.
func JSONParam(m map[string]any) (any, error) {
	if m == nil {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// JSONObject decodes an input's payload or attributes as a JSON column
// holds them. Numbers come back as they went in from Go: an integer (no
// fraction, no exponent, in range) as int64, any other number as float64
// (encoding/json alone would make every number a float64, and CEL does
// not add a double to an int). NULL and JSON null give a nil map.
func JSONObject(b []byte) (map[string]any, error) {
	if b == nil || bytes.Equal(b, []byte("null")) {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	for k, v := range m {
		m[k] = runtime.JSONNumbers(v)
	}
	return m, nil
}

// storeRow is a store's outbox row, as its query reads it.
type Row[R any] interface {
	*R
	Row() (OutboxRow, error)
}

// OutboxRows decodes a store's outbox rows, in order; nil for none.
func OutboxRows[R any, P Row[R]](rows []R) ([]OutboxRow, error) {
	var out []OutboxRow
	for i := range rows {
		row, err := P(&rows[i]).Row()
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// OutboxActions decodes the actions of a store's outbox rows, in order;
// nil for none.
func OutboxActions[R any, P Row[R]](rows []R) ([]runtime.Action, error) {
	got, err := OutboxRows[R, P](rows)
	if err != nil {
		return nil, err
	}
	var out []runtime.Action
	for _, r := range got {
		out = append(out, r.Action)
	}
	return out, nil
}

// PayloadText is an action's payload as an outbox column holds it: a
// payload that is not set is JSON null (the column is NOT NULL).
func PayloadText(b json.RawMessage) string {
	if len(b) == 0 {
		return "null"
	}
	return string(b)
}
