package memory

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/journeylang/journey/runtime/store"
)

// Retain implements Store, with the SQL stores' rules: the oldest first,
// up to the limit of each kind.
func (m *Store) Retain(_ context.Context, p *store.RetainParams) (*store.Retained, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	limit := p.BatchLimit()
	out := &store.Retained{}
	if !p.OutboxBefore.IsZero() {
		var old []*store.OutboxRow
		for _, row := range m.outbox {
			if done, ok := doneAt(row); ok && done.Before(p.OutboxBefore) {
				old = append(old, row)
			}
		}
		slices.SortStableFunc(old, func(a, b *store.OutboxRow) int {
			da, _ := doneAt(a)
			db, _ := doneAt(b)
			return da.Compare(db)
		})
		gone := map[*store.OutboxRow]bool{}
		for _, row := range old[:min(limit, len(old))] {
			gone[row] = true
			delete(m.keys, row.Key)
		}
		m.outbox = slices.DeleteFunc(m.outbox, func(row *store.OutboxRow) bool { return gone[row] })
		out.Outbox = len(gone)
	}
	if !p.HistoryBefore.IsZero() {
		var old []int
		for i, r := range m.history {
			if r.At.Before(p.HistoryBefore) {
				old = append(old, i)
			}
		}
		slices.SortStableFunc(old, func(a, b int) int { return cmp.Compare(m.history[a].At.UnixNano(), m.history[b].At.UnixNano()) })
		gone := map[int]bool{}
		for _, i := range old[:min(limit, len(old))] {
			gone[i] = true
		}
		kept := m.history[:0]
		for i, r := range m.history {
			if !gone[i] {
				kept = append(kept, r)
			}
		}
		clear(m.history[len(kept):])
		m.history = kept
		out.History = len(gone)
	}
	return out, nil
}

// doneAt is when an outbox row was done with, for retention, as the SQL
// stores read it: a sent row when it was sent, a cancelled one its last
// attempt's due time; ok is false for a row still to deliver, parked,
// unknown or held.
func doneAt(row *store.OutboxRow) (time.Time, bool) {
	if row.LeaseOwner != "" || (row.Status != store.OutboxSent && row.Status != store.OutboxCancelled) {
		return time.Time{}, false
	}
	if !row.SentAt.IsZero() {
		return row.SentAt, true
	}
	return row.NextAttempt, true
}
