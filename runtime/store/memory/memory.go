// Package memory is a store.Store in memory: for tests, simulation and
// `journey test`. Input and output are store.Store's; it keeps the same
// rules as the durable stores (see storetest) and nothing across a
// process's end.
package memory

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Store is a store.Store in memory: for tests, simulation and `journey
// test`. It keeps the same rules as the durable stores — leases, revision
// guards, deduplicated events, unique outbox keys — so the conformance
// corpus means the same on all three.
type Store struct {
	mu       sync.Mutex
	contacts map[string]*memContact
	seen     map[string]memSeen // event IDs
	leaders  map[string]memLeader
	outbox   []*store.OutboxRow
	outSeq   int64 // the last outbox row's Seq: rows retention deleted keep theirs
	keys     map[string]*store.OutboxRow
	history  []runtime.Record
	seq      int64
	versions []runtime.JourneyVersion
	deploys  []store.DeployedBundle // in order: the last is in force
}

type memContact struct {
	state   []byte // JSON of ContactState: a claim reads a copy
	rev     int64
	inputs  []runtime.Input
	wake    time.Time // zero: not due
	owner   string
	leaseTo time.Time
}

// memSeen is a kept event ID: when its event was received, and stamped.
type memSeen struct {
	received, at time.Time
}

// memLeader is who leads a chore, and until when.
type memLeader struct {
	holder string
	until  time.Time
}

// New returns an empty store.
func New() *Store {
	return &Store{
		contacts: map[string]*memContact{}, seen: map[string]memSeen{},
		leaders: map[string]memLeader{}, keys: map[string]*store.OutboxRow{},
	}
}

func (m *Store) contact(id string) *memContact {
	c, ok := m.contacts[id]
	if !ok {
		state, _ := store.NewContactJSON(id)
		c = &memContact{state: state}
		m.contacts[id] = c
	}
	return c
}

func (m *Store) queue(id string, in runtime.Input) {
	c := m.contact(id)
	m.seq++
	in.Seq = m.seq
	c.inputs = append(c.inputs, in)
	if c.wake.IsZero() || in.At.Before(c.wake) {
		c.wake = in.At
	}
}

// PutContact implements Store.
func (m *Store) PutContact(_ context.Context, p *store.PutContactParams) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queue(p.ID, runtime.Input{Kind: runtime.InputUpdate, Attrs: p.Attrs, At: p.At})
	return nil
}

// AddEvent implements Store.
func (m *Store) AddEvent(_ context.Context, p *store.AddEventParams) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addEvent(p), nil
}

// addEvent is AddEvent, under the lock.
func (m *Store) addEvent(p *store.AddEventParams) bool {
	if p.ID != "" {
		if _, ok := m.seen[p.ID]; ok {
			return false
		}
		m.seen[p.ID] = memSeen{received: p.ReceivedAt(), at: p.At}
	}
	m.queue(p.Contact, runtime.Input{Kind: runtime.InputEvent, ID: p.ID, Name: p.Name, Payload: p.Payload, At: p.At})
	return true
}

// AddBatch implements Store: the items in order, under one lock.
func (m *Store) AddBatch(_ context.Context, p *store.AddBatchParams) (*store.AddBatchResult, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	// All or nothing, as in the durable stores, which fail on a value
	// JSON cannot hold.
	for _, it := range p.Items {
		var values map[string]any
		if it.Event != nil {
			values = it.Event.Payload
		} else {
			values = it.Update.Attrs
		}
		if _, err := store.JSONParam(values); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	res := &store.AddBatchResult{}
	for i, it := range p.Items {
		switch {
		case it.Event != nil:
			if !m.addEvent(it.Event) {
				res.Duplicates = append(res.Duplicates, i)
			}
		case it.Update != nil:
			m.queue(it.Update.ID, runtime.Input{Kind: runtime.InputUpdate, Attrs: it.Update.Attrs, At: it.Update.At})
		}
	}
	return res, nil
}

// Release implements Store.
func (m *Store) Release(_ context.Context, p *store.ReleaseParams) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.contacts[p.Contact] == nil {
		return store.ErrNotFound
	}
	m.queue(p.Contact, runtime.Input{Kind: runtime.InputRelease, Name: p.Journey, At: p.At})
	return nil
}

// Enroll implements Store.
func (m *Store) Enroll(_ context.Context, p *store.EnrollParams) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, id := range p.Contacts {
		if m.contacts[id] == nil {
			return &store.UnknownContactError{Index: i, Contact: id}
		}
	}
	for _, id := range p.Contacts {
		m.queue(id, runtime.Input{Kind: runtime.InputEnroll, Name: p.Journey, At: p.At})
	}
	return nil
}

// Consent implements Store.
func (m *Store) Consent(_ context.Context, p *store.ConsentParams) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.contacts[p.Contact] == nil {
		return store.ErrNotFound
	}
	m.queue(p.Contact, runtime.Input{Kind: runtime.InputConsent, Name: p.Channel, Payload: store.ConsentPayload(p), At: p.At})
	return nil
}

// Erase implements Store.
func (m *Store) Erase(_ context.Context, p *store.EraseParams) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.contacts[p.Contact]
	if c == nil {
		return store.ErrNotFound
	}
	var s runtime.ContactState
	if err := json.Unmarshal(c.state, &s); err != nil {
		return err
	}
	delete(m.contacts, p.Contact)
	for _, row := range m.outbox {
		if row.Contact != p.Contact {
			continue
		}
		row.Contact, row.Payload = p.Pseudonym, nil
		if row.LeaseOwner == "" && (row.Status == store.OutboxPending || row.Status == store.OutboxParked || row.Status == store.OutboxUnknown) {
			row.Status = store.OutboxCancelled
		}
	}
	for i := range m.history {
		if m.history[i].Contact == p.Contact {
			m.history[i].Contact = p.Pseudonym
		}
	}
	active := slices.DeleteFunc(slices.Clone(s.Enrollments), func(e *runtime.Enrollment) bool { return e.Status != runtime.StatusActive })
	slices.SortFunc(active, func(a, b *runtime.Enrollment) int {
		return cmp.Or(strings.Compare(a.Journey, b.Journey), cmp.Compare(a.Entry, b.Entry))
	})
	for _, e := range active {
		m.history = append(m.history, runtime.Record{At: p.At, Contact: p.Pseudonym, Journey: e.Journey, Entry: e.Entry, Kind: runtime.RecExited, Detail: "erased"})
	}
	return nil
}

// Claim implements Store.
func (m *Store) Claim(_ context.Context, p *store.ClaimParams) ([]*store.Work, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var due []string
	for id, c := range m.contacts {
		if !c.wake.IsZero() && !c.wake.After(p.Now) && (c.owner == "" || !c.leaseTo.After(p.Now)) {
			due = append(due, id)
		}
	}
	sort.Slice(due, func(a, b int) bool {
		ca, cb := m.contacts[due[a]], m.contacts[due[b]]
		if !ca.wake.Equal(cb.wake) {
			return ca.wake.Before(cb.wake)
		}
		return due[a] < due[b]
	})
	if len(due) > p.Limit {
		due = due[:p.Limit]
	}
	var out []*store.Work
	for _, id := range due {
		c := m.contacts[id]
		c.owner, c.leaseTo = p.Worker, p.Now.Add(p.Lease)
		var s runtime.ContactState
		if err := json.Unmarshal(c.state, &s); err != nil {
			return nil, err
		}
		out = append(out, &store.Work{State: &s, Inputs: append([]runtime.Input(nil), c.inputs[:min(len(c.inputs), p.InputLimit())]...), Rev: c.rev, Due: c.wake})
	}
	return out, nil
}

// Complete implements Store.
func (m *Store) Complete(_ context.Context, p *store.CompleteParams) (*store.CompleteResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	res := &store.CompleteResult{}
	for _, r := range p.Results {
		c := m.contacts[r.Contact]
		if c == nil || c.rev != r.Rev || c.owner != p.Worker {
			res.Lost = append(res.Lost, r.Contact)
			continue
		}
		if !r.Unchanged {
			state, err := json.Marshal(r.State)
			if err != nil {
				return nil, err
			}
			c.state, c.rev = state, c.rev+1
		}
		c.owner, c.leaseTo = "", time.Time{}
		kept := c.inputs[:0]
		for _, in := range c.inputs {
			if in.Seq > r.Consumed {
				kept = append(kept, in)
			}
		}
		c.inputs = kept
		c.wake = r.Outcome.Wake
		for _, in := range c.inputs {
			if c.wake.IsZero() || in.At.Before(c.wake) {
				c.wake = in.At
			}
		}
		for _, w := range r.Outcome.Withdraw {
			m.withdraw(r, w)
		}
		for _, a := range r.Outcome.Actions {
			if m.keys[a.Key] == nil {
				m.outSeq++
				row := &store.OutboxRow{Action: a, Seq: m.outSeq, Status: store.OutboxPending, NextAttempt: a.Due}
				m.keys[a.Key] = row
				m.outbox = append(m.outbox, row)
			}
		}
		m.history = append(m.history, r.Outcome.Records...)
		res.Committed++
	}
	return res, nil
}

// withdraw cancels a contact's marketing rows of a channel still waiting
// for delivery, and records each.
func (m *Store) withdraw(r *store.WorkResult, w runtime.Withdrawal) {
	for _, row := range m.outbox {
		if row.Contact != r.Contact || row.Kind != compiler.StepSend || row.LeaseOwner != "" ||
			(row.Status != store.OutboxPending && row.Status != store.OutboxParked) ||
			runtime.Transactional(row.Payload) || !sameChannel(row.Payload, w.Channel) {
			continue
		}
		row.Status = store.OutboxCancelled
		m.history = append(m.history, store.WithdrawnRecord(r.State, r.Contact, row.Journey, row.Step, row.Target, w.At))
	}
}

// sameChannel reports whether a send's payload is on a channel.
func sameChannel(payload []byte, channel string) bool {
	var p struct {
		Channel string `json:"channel"`
	}
	return json.Unmarshal(payload, &p) == nil && p.Channel == channel
}

// NextWake implements Store.
func (m *Store) NextWake(context.Context) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var next time.Time
	for _, c := range m.contacts {
		if c.wake.IsZero() {
			continue
		}
		at := c.wake
		if c.owner != "" && c.leaseTo.After(at) {
			at = c.leaseTo // claimable when the lease ends
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next, !next.IsZero(), nil
}

// Contact implements Store.
func (m *Store) Contact(_ context.Context, id string) (*runtime.ContactState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.contacts[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	var s runtime.ContactState
	err := json.Unmarshal(c.state, &s)
	return &s, err
}

// Outbox implements Store.
func (m *Store) Outbox(_ context.Context, p *store.OutboxParams) ([]runtime.Action, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []runtime.Action
	for _, row := range m.outbox {
		if p.Contact == "" || row.Contact == p.Contact {
			out = append(out, row.Action)
		}
	}
	return out, nil
}

// LeaseOutbox implements Store.
func (m *Store) LeaseOutbox(_ context.Context, p *store.LeaseOutboxParams) ([]store.OutboxRow, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p.Limit <= 0 {
		return nil, nil
	}
	var expired, due []*store.OutboxRow
	for _, row := range m.outbox {
		switch {
		case row.LeaseOwner != "" && !row.LeaseUntil.After(p.Now):
			expired = append(expired, row)
		case row.LeaseOwner == "" && row.Status == store.OutboxPending && !row.NextAttempt.After(p.Now):
			due = append(due, row)
		}
	}
	sort.SliceStable(expired, func(a, b int) bool { return expired[a].LeaseUntil.Before(expired[b].LeaseUntil) })
	sort.SliceStable(due, func(a, b int) bool { return due[a].NextAttempt.Before(due[b].NextAttempt) })
	expired = expired[:min(len(expired), p.Limit)]
	due = due[:min(len(due), p.Limit-len(expired))]
	sort.Slice(expired, func(a, b int) bool { return expired[a].Seq < expired[b].Seq })
	sort.Slice(due, func(a, b int) bool { return due[a].Seq < due[b].Seq })
	var out []store.OutboxRow
	for _, row := range expired {
		row.Status = store.OutboxUnknown
		row.LeaseOwner, row.LeaseUntil = p.Worker, p.Now.Add(p.Lease)
		r := *row
		r.Unknown = true
		out = append(out, r)
	}
	for _, row := range due {
		row.Attempts++
		row.LeaseOwner, row.LeaseUntil = p.Worker, p.Now.Add(p.Lease)
		out = append(out, *row)
	}
	return out, nil
}

// MarkOutbox implements Store.
func (m *Store) MarkOutbox(_ context.Context, p *store.MarkOutboxParams) (*store.MarkOutboxResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	res := &store.MarkOutboxResult{}
	for _, r := range p.Results {
		row := m.keys[r.Key]
		if row == nil || row.LeaseOwner == "" || row.LeaseOwner != p.Worker {
			res.Lost = append(res.Lost, r.Key)
			continue
		}
		row.Status, row.Attempts, row.LastError = r.Status, r.Attempts, r.Error
		row.LeaseOwner, row.LeaseUntil = "", time.Time{}
		if r.Status == store.OutboxPending {
			row.NextAttempt = r.NextAttempt
			if row.NextAttempt.IsZero() {
				row.NextAttempt = p.Now
			}
		}
		if r.Status == store.OutboxSent {
			row.SentAt = p.Now
		}
		res.Marked++
	}
	return res, nil
}

// ListOutbox implements Store.
func (m *Store) ListOutbox(_ context.Context, p *store.ListOutboxParams) ([]store.OutboxRow, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.OutboxRow
	for _, row := range m.outbox {
		if p.Limit > 0 && len(out) == p.Limit {
			break
		}
		if (p.Status == "" || row.Status == p.Status) && (p.Key == "" || row.Key == p.Key) {
			out = append(out, *row)
		}
	}
	return out, nil
}

// RetryOutbox implements Store.
func (m *Store) RetryOutbox(_ context.Context, p *store.RetryOutboxParams) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, row := range m.outbox {
		if row.LeaseOwner != "" {
			continue
		}
		if p.Key == "" && row.Status == store.OutboxParked || p.Key != "" && row.Key == p.Key && (row.Status == store.OutboxParked || row.Status == store.OutboxUnknown) {
			row.Status, row.Attempts, row.NextAttempt = store.OutboxPending, 0, p.Now
			n++
		}
	}
	return n, nil
}

// History implements Store.
func (m *Store) History(_ context.Context, p *store.HistoryParams) ([]runtime.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []runtime.Record
	for _, r := range m.history {
		if p.Contact == "" || r.Contact == p.Contact {
			out = append(out, r)
		}
	}
	return out, nil
}

// Lead implements Store.
func (m *Store) Lead(_ context.Context, p *store.LeadParams) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.leaders[p.Name]
	if ok && l.until.After(p.Now) && l.holder != p.Holder {
		return false, nil
	}
	m.leaders[p.Name] = memLeader{holder: p.Holder, until: p.Now.Add(p.TTL)}
	return true, nil
}

// Prune implements Store.
func (m *Store) Prune(_ context.Context, p *store.PruneParams) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, e := range m.seen {
		if e.received.Before(p.Before) && e.at.Before(p.Before) {
			delete(m.seen, id)
			n++
		}
	}
	return n, nil
}

// WakeStale implements Store.
func (m *Store) WakeStale(_ context.Context, p *store.WakeStaleParams) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.contacts))
	for id := range m.contacts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	n := 0
	for _, id := range ids {
		c := m.contacts[id]
		if n == p.Limit {
			break
		}
		if (!c.wake.IsZero() && !c.wake.After(p.Now)) || c.leaseTo.After(p.Now) {
			continue
		}
		var s runtime.ContactState
		if err := json.Unmarshal(c.state, &s); err != nil {
			return n, fmt.Errorf("memory store: contact %s: %w", id, err)
		}
		for _, en := range s.Enrollments {
			if en.Journey == p.Journey && en.Status == runtime.StatusActive && en.Version != p.Version {
				c.wake = p.Now
				n++
				break
			}
		}
	}
	return n, nil
}

// SaveVersions implements Store.
func (m *Store) SaveVersions(_ context.Context, p *store.SaveVersionsParams) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
next:
	for _, v := range p.Versions {
		for _, had := range m.versions {
			if had.Journey == v.Journey && had.Version == v.Version {
				continue next
			}
		}
		v.IR, v.At = append(json.RawMessage(nil), v.IR...), p.Now
		m.versions = append(m.versions, v)
		n++
	}
	return n, nil
}

// Versions implements Store.
func (m *Store) Versions(_ context.Context, p *store.VersionsParams) ([]runtime.JourneyVersion, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []runtime.JourneyVersion
	for _, v := range m.versions {
		if v.Journey == p.Journey {
			out = append(out, v)
		}
	}
	return out, nil
}

// Stale implements Store.
func (m *Store) Stale(_ context.Context, p *store.StaleParams) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p.Limit <= 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(m.contacts))
	for id := range m.contacts {
		if id > p.After {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var out []string
	for _, id := range ids {
		if len(out) == p.Limit {
			break
		}
		var s runtime.ContactState
		if err := json.Unmarshal(m.contacts[id].state, &s); err != nil {
			return out, fmt.Errorf("memory store: contact %s: %w", id, err)
		}
		for _, en := range s.Enrollments {
			if en.Journey == p.Journey && en.Status == runtime.StatusActive && en.Version != p.Version {
				out = append(out, id)
				break
			}
		}
	}
	return out, nil
}

// Deploy implements Store.
func (m *Store) Deploy(_ context.Context, p *store.DeployParams) (*store.DeployedBundle, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	digest := runtime.BundleDigest(p.Bundle)
	if n := len(m.deploys); n > 0 && m.deploys[n-1].Digest == digest {
		return m.deployed(n - 1), false, nil
	}
	m.deploys = append(m.deploys, store.DeployedBundle{
		ID: int64(len(m.deploys) + 1), Digest: digest, Bundle: bytes.Clone(p.Bundle), By: p.By, At: p.At,
	})
	return m.deployed(len(m.deploys) - 1), true, nil
}

// Deployed implements Store.
func (m *Store) Deployed(_ context.Context, p *store.DeployedParams) (*store.DeployedBundle, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.deploys)
	if n == 0 || m.deploys[n-1].ID <= p.After {
		return nil, store.ErrNotFound
	}
	return m.deployed(n - 1), nil
}

// deployed is a copy of the i'th deployment, for a caller to keep.
func (m *Store) deployed(i int) *store.DeployedBundle {
	d := m.deploys[i]
	d.Bundle = bytes.Clone(d.Bundle)
	return &d
}

// Close implements Store.
func (m *Store) Close() error { return nil }

// Stats implements Store.
func (m *Store) Stats(_ context.Context, p *store.StatsParams) (*store.Stats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := &store.Stats{Active: map[string]map[string]int{}}
	for _, row := range m.outbox {
		if row.Status == store.OutboxPending {
			st.OutboxPending++
			if st.OldestPending.IsZero() || row.Due.Before(st.OldestPending) {
				st.OldestPending = row.Due
			}
		}
	}
	for id, c := range m.contacts {
		if !c.wake.IsZero() && !c.wake.After(p.Now) {
			st.DueContacts++
			if st.OldestDue.IsZero() || c.wake.Before(st.OldestDue) {
				st.OldestDue = c.wake
			}
		}
		var s runtime.ContactState
		if err := json.Unmarshal(c.state, &s); err != nil {
			return nil, fmt.Errorf("contact %s: %w", id, err)
		}
		for _, e := range s.Enrollments {
			if e.Status != runtime.StatusActive {
				continue
			}
			if st.Active[e.Journey] == nil {
				st.Active[e.Journey] = map[string]int{}
			}
			st.Active[e.Journey][e.Stage]++
		}
	}
	return st, nil
}
