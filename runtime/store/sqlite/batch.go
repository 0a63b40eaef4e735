package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// AddBatch implements Store: four statements, each over a JSON array of
// the batch's rows, in one transaction. The identities of its events are
// taken first (those taken before are repeats, and so are the later of
// two alike in the batch); then the contacts are made, their wake-ups
// brought forward and the inputs queued in the batch's order.
func (s *Store) AddBatch(ctx context.Context, p *store.AddBatchParams) (*store.AddBatchResult, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	repeat, firsts := store.RepeatsInBatch(p.Items)
	res := &store.AddBatchResult{}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res.Duplicates = nil
		if len(firsts) > 0 {
			if err := s.takeIDs(ctx, tx, p.Items, firsts, repeat); err != nil {
				return err
			}
		}
		var inputs [][7]any
		earliest := map[string]string{}
		for i := range p.Items {
			if repeat[i] {
				res.Duplicates = append(res.Duplicates, i)
				continue
			}
			row, err := sqliteInputRow(&p.Items[i])
			if err != nil {
				return err
			}
			inputs = append(inputs, row)
			c, at := row[0].(string), row[6].(string)
			if t, ok := earliest[c]; !ok || at < t {
				earliest[c] = at
			}
		}
		if len(inputs) == 0 {
			return nil
		}
		return s.queueAll(ctx, tx, inputs, earliest)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// takeIDs takes the identities of the events firsts of items, and marks
// repeat those seen before.
func (s *Store) takeIDs(ctx context.Context, tx *sqlx.Tx, items []store.BatchItem, firsts []int, repeat []bool) error {
	rows := make([][4]string, len(firsts))
	for k, i := range firsts {
		e := items[i].Event
		rows[k] = [4]string{e.ID, e.Contact, sqliteTime(e.At), sqliteTime(e.ReceivedAt())}
	}
	events, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	var taken []string
	if err := s.stmt(ctx, tx, "event_ids_insert").SelectContext(ctx, &taken, sql.Named("events", string(events))); err != nil {
		return err
	}
	store.MarkTaken(items, firsts, taken, repeat)
	return nil
}

// queueAll makes the contacts of a batch, wakes each at its earliest
// input, and queues the inputs.
func (s *Store) queueAll(ctx context.Context, tx *sqlx.Tx, inputs [][7]any, earliest map[string]string) error {
	ids := make([]string, 0, len(earliest))
	for id := range earliest {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	contacts := make([][3]string, len(ids))
	for k, id := range ids {
		state, err := store.NewContactJSON(id)
		if err != nil {
			return err
		}
		contacts[k] = [3]string{id, string(state), earliest[id]}
	}
	cj, err := json.Marshal(contacts)
	if err != nil {
		return err
	}
	ij, err := json.Marshal(inputs)
	if err != nil {
		return err
	}
	for _, q := range []struct{ name, param, value string }{
		{"contacts_insert", "contacts", string(cj)},
		{"wakeups_upsert", "contacts", string(cj)},
		{"inputs_insert", "inputs", string(ij)},
	} {
		if _, err := s.stmt(ctx, tx, q.name).ExecContext(ctx, sql.Named(q.param, q.value)); err != nil {
			return err
		}
	}
	return nil
}

// sqliteInputRow is an item's input as a row of inputs_insert: contact,
// kind, event id, event name, payload, attributes, time (null for none).
func sqliteInputRow(it *store.BatchItem) ([7]any, error) {
	if e := it.Event; e != nil {
		payload, err := store.JSONParam(e.Payload)
		return [7]any{e.Contact, runtime.InputEvent, sqliteText(e.ID), sqliteText(e.Name), payload, nil, sqliteTime(e.At)}, err
	}
	u := it.Update
	attrs, err := store.JSONParam(u.Attrs)
	return [7]any{u.ID, runtime.InputUpdate, nil, nil, nil, attrs, sqliteTime(u.At)}, err
}
