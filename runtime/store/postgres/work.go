package postgres

// The Postgres store's claim and complete: a batch in one statement out,
// and a batch in one transaction back.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// pgClaimed is a wake-up just leased.
type pgClaimed struct {
	Contact string    `db:"contact_id"`
	Wake    time.Time `db:"wake_at"`
}

// pgState is a claimed contact's state.
type pgState struct {
	ID    string `db:"id"`
	State []byte `db:"state"`
	Rev   int64  `db:"rev"`
}

// pgInputRow is a pending input.
type pgInputRow struct {
	Seq     int64     `db:"seq"`
	Contact string    `db:"contact_id"`
	Kind    string    `db:"kind"`
	EventID string    `db:"event_id"`
	Name    string    `db:"name"`
	Payload []byte    `db:"payload"`
	Attrs   []byte    `db:"attrs"`
	At      time.Time `db:"at"`
}

// Claim implements Store.
func (s *Store) Claim(ctx context.Context, p *store.ClaimParams) ([]*store.Work, error) {
	if p.Limit <= 0 {
		return nil, nil
	}
	now := pgFloor(p.Now)
	claimed, err := s.lease(ctx, now, p)
	if err != nil {
		return nil, err
	}
	if len(claimed) == 0 {
		return nil, nil
	}
	sort.Slice(claimed, func(a, b int) bool {
		if !claimed[a].Wake.Equal(claimed[b].Wake) {
			return claimed[a].Wake.Before(claimed[b].Wake)
		}
		return claimed[a].Contact < claimed[b].Contact
	})
	ids := make([]string, len(claimed))
	for i, c := range claimed {
		ids[i] = c.Contact
	}

	var states []pgState
	if err := selectByShard(ctx, s, &states, s.q.claimedStates, ids); err != nil {
		return nil, fmt.Errorf("postgres store: claimed states: %w", err)
	}
	work := make(map[string]*store.Work, len(states))
	for _, st := range states {
		var cs runtime.ContactState
		if err := json.Unmarshal(st.State, &cs); err != nil {
			return nil, fmt.Errorf("postgres store: contact %s: %w", st.ID, err)
		}
		work[st.ID] = &store.Work{State: &cs, Rev: st.Rev}
	}

	var inputs []pgInputRow
	if err := selectByShard(ctx, s, &inputs, s.q.claimedInputs, ids, p.InputLimit()); err != nil {
		return nil, fmt.Errorf("postgres store: claimed inputs: %w", err)
	}
	for _, r := range inputs {
		w := work[r.Contact]
		if w == nil {
			continue
		}
		in := runtime.Input{Seq: r.Seq, Kind: r.Kind, ID: r.EventID, Name: r.Name, At: r.At.UTC()}
		var err error
		if in.Payload, err = store.JSONObject(r.Payload); err != nil {
			return nil, fmt.Errorf("postgres store: input %d: %w", r.Seq, err)
		}
		if in.Attrs, err = store.JSONObject(r.Attrs); err != nil {
			return nil, fmt.Errorf("postgres store: input %d: %w", r.Seq, err)
		}
		w.Inputs = append(w.Inputs, in)
	}

	out := make([]*store.Work, 0, len(claimed))
	for _, c := range claimed {
		w := work[c.Contact]
		if w == nil {
			return nil, fmt.Errorf("postgres store: contact %s has a wake-up but no state", c.Contact)
		}
		w.Due = c.Wake.UTC()
		out = append(out, w)
	}
	return out, nil
}

// lease leases the batch in a transaction of its own, committed without
// waiting for the disk (queries/claim_async.sql): the batch's commit is
// the one durable commit per batch.
func (s *Store) lease(ctx context.Context, now time.Time, p *store.ClaimParams) ([]pgClaimed, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("postgres store: claim: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.q.claimAsync); err != nil {
		return nil, fmt.Errorf("postgres store: claim: %w", err)
	}
	if err := s.planByKey(ctx, tx); err != nil {
		return nil, fmt.Errorf("postgres store: claim: %w", err)
	}
	var claimed []pgClaimed
	if err := s.claimWakeups(ctx, tx, &claimed, now, p); err != nil {
		return nil, fmt.Errorf("postgres store: claim: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("postgres store: claim: %w", err)
	}
	return claimed, nil
}

// pgBatch is a completed batch as the array parameters of its statements.
type pgBatch struct {
	q   *pgQueries // the store's statements
	one bool       // on plain Postgres: written by write_batch, in one statement

	// release_wakeups and delete_inputs (write_batch: all three): each
	// run's contact, wake-up, and the last input it consumed (0 for none)
	ids      []string
	wakes    []sql.NullString
	consumed []int64

	// withdraw_outbox: the withdrawals of consent, by contact and channel
	wContact, wChannel []string
	wAt                map[[2]string]time.Time          // the first withdrawal of each
	states             map[string]*runtime.ContactState // the states committed, for the records of withdrawn rows

	// insert_outbox
	aKey, aContact, aJourney, aVersion, aStep, aKind, aTarget, aPayload, aDue []string

	// insert_history: the history's rows (store.PackHistory)
	hContact, hJourney []string
	hEntry             []int64
	hKind, hStep       []string
	hDetail, hAt       []string
	hFirstStage        []string

	// upsert_enrollments
	eContact, eJourney []string
	eEntry             []int64
	eVersion, eStatus  []string
	eStage, eStageAt   []string
	eEnteredAt         []string
	eExitedAt          []sql.NullString
	eReason            []string
}

// addHistory adds a history row to the batch.
func (b *pgBatch) addHistory(h store.HistoryRow) {
	b.hContact = append(b.hContact, h.Contact)
	b.hJourney = append(b.hJourney, h.Journey)
	b.hEntry = append(b.hEntry, int64(h.Entry))
	b.hKind = append(b.hKind, h.Kind)
	b.hStep = append(b.hStep, h.Step)
	b.hDetail = append(b.hDetail, h.Detail)
	b.hAt = append(b.hAt, pgTimeText(h.At))
	b.hFirstStage = append(b.hFirstStage, h.FirstStage)
}

// pgEnrollmentKey is an enrollment's place in a contact's state.
type pgEnrollmentKey struct {
	journey string
	entry   int
}

// add adds one committed result to the batch.
func (b *pgBatch) add(r *store.WorkResult) {
	out := r.Outcome
	if out == nil {
		out = &runtime.Outcome{}
	}
	b.ids = append(b.ids, r.Contact)
	b.consumed = append(b.consumed, r.Consumed)
	b.wakes = append(b.wakes, pgNullTimeText(out.Wake))
	for _, w := range out.Withdraw {
		k := [2]string{r.Contact, w.Channel}
		if _, ok := b.wAt[k]; ok {
			continue
		}
		if b.wAt == nil {
			b.wAt, b.states = map[[2]string]time.Time{}, map[string]*runtime.ContactState{}
		}
		b.wAt[k] = w.At
		b.states[r.Contact] = r.State
		b.wContact = append(b.wContact, r.Contact)
		b.wChannel = append(b.wChannel, w.Channel)
	}
	for _, a := range out.Actions {
		b.aKey = append(b.aKey, a.Key)
		b.aContact = append(b.aContact, a.Contact)
		b.aJourney = append(b.aJourney, a.Journey)
		b.aVersion = append(b.aVersion, a.Version)
		b.aStep = append(b.aStep, a.Step)
		b.aKind = append(b.aKind, a.Kind)
		b.aTarget = append(b.aTarget, a.Target)
		b.aPayload = append(b.aPayload, store.PayloadText(a.Payload))
		b.aDue = append(b.aDue, pgTimeText(a.Due))
	}
	for _, h := range store.PackHistory(out.Records) {
		b.addHistory(h)
	}
	if r.State == nil || r.Unchanged {
		return
	}
	// One row per journey and entry: should a state repeat one, its last
	// counts.
	seen := make(map[pgEnrollmentKey]bool, len(r.State.Enrollments))
	for i := len(r.State.Enrollments) - 1; i >= 0; i-- {
		e := r.State.Enrollments[i]
		if e == nil || seen[pgEnrollmentKey{e.Journey, e.Entry}] {
			continue
		}
		seen[pgEnrollmentKey{e.Journey, e.Entry}] = true
		b.eContact = append(b.eContact, r.Contact)
		b.eJourney = append(b.eJourney, e.Journey)
		b.eEntry = append(b.eEntry, int64(e.Entry))
		b.eVersion = append(b.eVersion, e.Version)
		b.eStatus = append(b.eStatus, e.Status)
		b.eStage = append(b.eStage, e.Stage)
		b.eStageAt = append(b.eStageAt, pgTimeText(e.StageAt))
		b.eEnteredAt = append(b.eEnteredAt, pgTimeText(e.EnteredAt))
		b.eExitedAt = append(b.eExitedAt, pgNullTimeText(e.ExitedAt))
		b.eReason = append(b.eReason, e.Reason)
	}
}

// Complete implements Store.
func (s *Store) Complete(ctx context.Context, p *store.CompleteParams) (*store.CompleteResult, error) {
	res := &store.CompleteResult{}
	if len(p.Results) == 0 {
		return res, nil
	}
	if s.Distributed() {
		if res, split, err := s.completeByShard(ctx, p); split || err != nil {
			return res, err
		}
	}
	// A contact is completed once: the first result for it commits the
	// state and releases the lease, so any later one in the same batch
	// has lost it, as in memory.Store.
	first := make(map[string]int, len(p.Results))
	var ids []string
	for i, r := range p.Results {
		if _, dup := first[r.Contact]; !dup {
			first[r.Contact] = i
			ids = append(ids, r.Contact)
		}
	}
	states := make(map[string]json.RawMessage, len(ids))
	for _, id := range ids {
		if p.Results[first[id]].Unchanged {
			continue
		}
		b, err := json.Marshal(p.Results[first[id]].State)
		if err != nil {
			return nil, fmt.Errorf("postgres store: state of %s: %w", id, err)
		}
		states[id] = b
	}

	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := s.planByKey(ctx, tx); err != nil {
		return nil, fmt.Errorf("postgres store: completing a batch: %w", err)
	}

	var held []string
	if err := tx.SelectContext(ctx, &held, s.q.lockLeases, pgArray(ids), p.Worker); err != nil {
		return nil, fmt.Errorf("postgres store: locking leases: %w", err)
	}
	// A state the run left as it was is not written: the lease, locked
	// above, is what it commits by (a state is written only under a
	// lease, so one still held was not written since its claim).
	var written, changed []string
	var revs []int64
	var jsons []json.RawMessage
	for _, id := range held {
		if r := p.Results[first[id]]; r.Unchanged {
			written = append(written, id)
		} else {
			changed, revs, jsons = append(changed, id), append(revs, r.Rev), append(jsons, states[id])
		}
	}
	if len(changed) > 0 {
		var updated []string
		if err := s.updateStates(ctx, tx, &updated, changed, revs, jsons); err != nil {
			return nil, fmt.Errorf("postgres store: writing states: %w", err)
		}
		written = append(written, updated...)
	}
	committed := make(map[string]bool, len(written))
	for _, id := range written {
		committed[id] = true
	}

	b := pgBatch{q: s.q, one: !s.Distributed()}
	for i, r := range p.Results {
		if committed[r.Contact] && first[r.Contact] == i {
			b.add(r)
			res.Committed++
		} else {
			res.Lost = append(res.Lost, r.Contact)
		}
	}
	if len(b.ids) > 0 {
		if err := b.write(ctx, tx); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("postgres store: committing a batch: %w", err)
	}
	return res, nil
}

// write runs the batch's statements in tx: consumed inputs, wake-ups and
// leases, withdrawals, outbox, history, enrollments; on Citus one at a
// time, each routed to the batch's shard.
func (b *pgBatch) write(ctx context.Context, tx *sqlx.Tx) error {
	if b.one {
		return b.writeOne(ctx, tx)
	}
	// Only the runs that consumed inputs delete any (timer runs, the
	// most common, skip the statement).
	var iContact []string
	var iConsumed []int64
	for i, n := range b.consumed {
		if n > 0 {
			iContact, iConsumed = append(iContact, b.ids[i]), append(iConsumed, n)
		}
	}
	if len(iContact) > 0 {
		if _, err := tx.ExecContext(ctx, b.q.deleteInputs, pgArray(iContact), pgArray(iConsumed)); err != nil {
			return fmt.Errorf("postgres store: deleting consumed inputs: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, b.q.releaseWakeups, pgArray(b.ids), pgArray(b.wakes)); err != nil {
		return fmt.Errorf("postgres store: setting wake-ups: %w", err)
	}
	if len(b.wContact) > 0 {
		if err := b.withdraw(ctx, tx); err != nil {
			return err
		}
	}
	if len(b.aKey) > 0 {
		if _, err := tx.ExecContext(ctx, b.q.insertOutbox, b.outboxArgs()...); err != nil {
			return fmt.Errorf("postgres store: outbox: %w", err)
		}
	}
	if len(b.hContact) > 0 {
		if _, err := tx.ExecContext(ctx, b.q.insertHistory, b.historyArgs()...); err != nil {
			return fmt.Errorf("postgres store: history: %w", err)
		}
	}
	if len(b.eContact) > 0 {
		if _, err := tx.ExecContext(ctx, b.q.upsertEnrollments, b.enrollmentArgs()...); err != nil {
			return fmt.Errorf("postgres store: enrollments: %w", err)
		}
	}
	return nil
}

// writeOne runs the batch's statements in tx on plain Postgres: the
// withdrawals of consent, if any (their records go first in the history),
// then all the rest in one statement (queries/write_batch.sql).
func (b *pgBatch) writeOne(ctx context.Context, tx *sqlx.Tx) error {
	if len(b.wContact) > 0 {
		if err := b.withdraw(ctx, tx); err != nil {
			return err
		}
	}
	args := []any{pgArray(b.ids), pgArray(b.wakes), pgArray(b.consumed)}
	args = append(append(append(args, b.outboxArgs()...), b.historyArgs()...), b.enrollmentArgs()...)
	if _, err := tx.ExecContext(ctx, b.q.writeBatch, args...); err != nil {
		return fmt.Errorf("postgres store: writing a batch: %w", err)
	}
	return nil
}

// outboxArgs are the parameters of insert_outbox.
func (b *pgBatch) outboxArgs() []any {
	return []any{pgArray(b.aKey), pgArray(b.aContact), pgArray(b.aJourney), pgArray(b.aVersion), pgArray(b.aStep),
		pgArray(b.aKind), pgArray(b.aTarget), pgArray(b.aPayload), pgArray(b.aDue)}
}

// historyArgs are the parameters of insert_history.
func (b *pgBatch) historyArgs() []any {
	return []any{pgArray(b.hContact), pgArray(b.hJourney), pgArray(b.hEntry), pgArray(b.hKind), pgArray(b.hStep),
		pgArray(b.hDetail), pgArray(b.hAt), pgArray(b.hFirstStage)}
}

// enrollmentArgs are the parameters of upsert_enrollments.
func (b *pgBatch) enrollmentArgs() []any {
	return []any{pgArray(b.eContact), pgArray(b.eJourney), pgArray(b.eEntry), pgArray(b.eVersion), pgArray(b.eStatus),
		pgArray(b.eStage), pgArray(b.eStageAt), pgArray(b.eEnteredAt), pgArray(b.eExitedAt), pgArray(b.eReason)}
}

// pgWithdrawn is an outbox row a withdrawal cancelled.
type pgWithdrawn struct {
	Seq     int64  `db:"seq"`
	Contact string `db:"contact_id"`
	Journey string `db:"journey"`
	Step    string `db:"step"`
	Target  string `db:"target"`
	Channel string `db:"channel"`
}

// withdraw cancels the batch's contacts' marketing rows of the channels
// they withdrew consent on, still waiting for delivery, and puts their
// records first in the batch's history, in the order the rows were
// written: before the records of the runs, as the other stores do.
func (b *pgBatch) withdraw(ctx context.Context, tx *sqlx.Tx) error {
	var rows []pgWithdrawn
	if err := tx.SelectContext(ctx, &rows, b.q.withdrawOutbox, pgArray(b.wContact), pgArray(b.wChannel)); err != nil {
		return fmt.Errorf("postgres store: withdrawing consent: %w", err)
	}
	slices.SortFunc(rows, func(x, y pgWithdrawn) int { return cmp.Compare(x.Seq, y.Seq) })
	var w pgBatch
	for _, row := range rows {
		w.addHistory(store.HistoryRow{Record: store.WithdrawnRecord(b.states[row.Contact], row.Contact, row.Journey, row.Step, row.Target, b.wAt[[2]string{row.Contact, row.Channel}])})
	}
	b.hContact = append(w.hContact, b.hContact...)
	b.hJourney = append(w.hJourney, b.hJourney...)
	b.hEntry = append(w.hEntry, b.hEntry...)
	b.hKind = append(w.hKind, b.hKind...)
	b.hStep = append(w.hStep, b.hStep...)
	b.hDetail = append(w.hDetail, b.hDetail...)
	b.hAt = append(w.hAt, b.hAt...)
	b.hFirstStage = append(w.hFirstStage, b.hFirstStage...)
	return nil
}

// updateStates writes the states of the contacts ids over the revisions
// revs and adds the contacts written to written: on plain Postgres the
// batch as one JSON document (queries/update_states.sql), on Citus as
// arrays.
func (s *Store) updateStates(ctx context.Context, tx *sqlx.Tx, written *[]string, ids []string, revs []int64, states []json.RawMessage) error {
	if s.Distributed() {
		texts := make([]string, len(states))
		for i, st := range states {
			texts[i] = string(st)
		}
		return tx.SelectContext(ctx, written, s.q.updateStates, pgArray(ids), pgArray(revs), pgArray(texts))
	}
	doc, err := stateDocument(ids, revs, states)
	if err != nil {
		return err
	}
	return tx.SelectContext(ctx, written, s.q.updateStates, string(doc))
}

// stateDocument is update_states's document, [{"id": …, "rev": …,
// "state": …}, …], with each state as given: encoded by json.Marshal,
// which json.Marshal of the rows would scan and compact again, a fifth
// of a worker's encoding.
func stateDocument(ids []string, revs []int64, states []json.RawMessage) ([]byte, error) {
	size := 2
	for i := range ids {
		size += len(ids[i]) + len(states[i]) + 48
	}
	doc := append(make([]byte, 0, size), '[')
	for i, id := range ids {
		quoted, err := json.Marshal(id)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			doc = append(doc, ',')
		}
		doc = append(append(doc, `{"id":`...), quoted...)
		doc = strconv.AppendInt(append(doc, `,"rev":`...), revs[i], 10)
		doc = append(append(append(doc, `,"state":`...), states[i]...), '}')
	}
	return append(doc, ']'), nil
}

// planByKey has the rest of tx planned as lookups by key
// (queries/plan_by_key.sql), on plain Postgres.
func (s *Store) planByKey(ctx context.Context, tx *sqlx.Tx) error {
	if s.Distributed() {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.q.planByKey)
	return err
}
