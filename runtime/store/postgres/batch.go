package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// AddBatch implements Store: three statements over arrays in one
// transaction, whatever the batch's size. The identities of its events
// are taken first (those taken before are repeats, and so are the later
// of two alike in the batch); then the contacts are made and their
// wake-ups brought forward, locked in order of contact; then the inputs
// are queued in the batch's order. On Citus the same steps run on the
// workers, one call a shard (addBatchByShard).
func (s *Store) AddBatch(ctx context.Context, p *store.AddBatchParams) (*store.AddBatchResult, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if s.Distributed() {
		return s.addBatchByShard(ctx, p)
	}
	repeat, firsts := store.RepeatsInBatchBy(p.Items, s.eventIdentity)
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if len(firsts) > 0 {
		if err := s.takeIDs(ctx, tx, p.Items, firsts, repeat); err != nil {
			return nil, err
		}
	}
	res := &store.AddBatchResult{}
	var in pgInputs
	for i := range p.Items {
		if repeat[i] {
			res.Duplicates = append(res.Duplicates, i)
			continue
		}
		if err := in.add(&p.Items[i]); err != nil {
			return nil, err
		}
	}
	if len(in.contact) > 0 {
		if err := s.queue(ctx, tx, &in); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("postgres store: intake of a batch: %w", err)
	}
	return res, nil
}

// eventIdentity is what makes an event a repeat of another: its ID, and
// on Citus its contact's bucket, within which an identity is unique.
func (s *Store) eventIdentity(e *store.AddEventParams) string {
	if s.Distributed() {
		return strconv.Itoa(ContactBucket(e.Contact)) + "/" + e.ID
	}
	return e.ID
}

// takeIDs takes the identities of the events firsts of items, and marks
// repeat those taken before.
func (s *Store) takeIDs(ctx context.Context, tx pgTx, items []store.BatchItem, firsts []int, repeat []bool) error {
	ids := make([]string, len(firsts))
	contacts := make([]string, len(firsts))
	ats := make([]string, len(firsts))
	received := make([]string, len(firsts))
	for k, i := range firsts {
		e := items[i].Event
		ids[k], contacts[k] = e.ID, e.Contact
		ats[k], received[k] = pgTimeText(e.At), pgTimeText(e.ReceivedAt())
	}
	var taken []string
	if err := tx.SelectContext(ctx, &taken, s.q.insertEventIDs, pgArray(ids), pgArray(contacts), pgArray(ats), pgArray(received)); err != nil {
		return fmt.Errorf("postgres store: event identities: %w", err)
	}
	store.MarkTaken(items, firsts, taken, repeat)
	return nil
}

// pgTx is what a batch's statements run in.
type pgTx interface {
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// pgInputs are the inputs of a batch as the array parameters of
// insert_inputs, with the earliest time of each contact's for
// touch_contacts.
type pgInputs struct {
	contact, kind, eventID, name []string
	payload, attrs               []sql.NullString
	at                           []string
	earliest                     map[string]time.Time
}

// add adds an item's input.
func (b *pgInputs) add(it *store.BatchItem) error {
	var at time.Time
	if e := it.Event; e != nil {
		payload, err := pgJSONText(e.Payload)
		if err != nil {
			return err
		}
		b.contact = append(b.contact, e.Contact)
		b.kind = append(b.kind, runtime.InputEvent)
		b.eventID = append(b.eventID, e.ID)
		b.name = append(b.name, e.Name)
		b.payload = append(b.payload, payload)
		b.attrs = append(b.attrs, sql.NullString{})
		at = e.At
	} else {
		u := it.Update
		attrs, err := pgJSONText(u.Attrs)
		if err != nil {
			return err
		}
		b.contact = append(b.contact, u.ID)
		b.kind = append(b.kind, runtime.InputUpdate)
		b.eventID = append(b.eventID, "")
		b.name = append(b.name, "")
		b.payload = append(b.payload, sql.NullString{})
		b.attrs = append(b.attrs, attrs)
		at = u.At
	}
	at = pgCeil(at)
	b.at = append(b.at, at.Format(pgTimeLayout))
	if b.earliest == nil {
		b.earliest = map[string]time.Time{}
	}
	c := b.contact[len(b.contact)-1]
	if t, ok := b.earliest[c]; !ok || at.Before(t) {
		b.earliest[c] = at
	}
	return nil
}

// queue makes the contacts of b, wakes them and queues its inputs.
func (s *Store) queue(ctx context.Context, tx pgTx, b *pgInputs) error {
	ids := make([]string, 0, len(b.earliest))
	for id := range b.earliest {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	states := make([]string, len(ids))
	wakes := make([]string, len(ids))
	for k, id := range ids {
		initial, err := store.NewContactJSON(id)
		if err != nil {
			return err
		}
		states[k], wakes[k] = string(initial), b.earliest[id].Format(pgTimeLayout)
	}
	if _, err := tx.ExecContext(ctx, s.q.touchContacts, pgArray(ids), pgArray(states), pgArray(wakes)); err != nil {
		return fmt.Errorf("postgres store: waking %d contacts: %w", len(ids), err)
	}
	if _, err := tx.ExecContext(ctx, s.q.insertInputs, pgArray(b.contact), pgArray(b.kind), pgArray(b.eventID), pgArray(b.name),
		pgArray(b.payload), pgArray(b.attrs), pgArray(b.at)); err != nil {
		return fmt.Errorf("postgres store: queueing %d inputs: %w", len(b.contact), err)
	}
	return nil
}

// pgJSONText is store.JSONParam as an element of a jsonb[] parameter.
func pgJSONText(m map[string]any) (sql.NullString, error) {
	v, err := store.JSONParam(m)
	if err != nil || v == nil {
		return sql.NullString{}, err
	}
	return sql.NullString{String: v.(string), Valid: true}, nil
}
