package runtime

// Consent (docs/semantics.md rule 12): each contact has a subscription state per
// channel, kept in ContactState.Consent and changed only by an
// InputConsent, so that a change of consent is ordered with the contact's
// other inputs. A marketing send (one whose template is not marked
// transactional) to a contact not subscribed on its channel is skipped
// and recorded unsubscribed. When consent is withdrawn, the marketing
// sends of that channel the run wrote before it are taken back (recorded
// withdrawn), and the outcome asks the store to cancel the contact's
// marketing rows of that channel still waiting in the outbox
// (Outcome.Withdraw): the store does it in the transaction that commits
// the run, and records each.

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/journeylang/journey/compiler"
)

// Consent states of a contact on a channel. A contact is subscribed on a
// channel until an InputConsent says otherwise.
const (
	ConsentSubscribed   = "subscribed"
	ConsentUnsubscribed = "unsubscribed"
	ConsentBounced      = "bounced"    // the address does not take mail
	ConsentComplained   = "complained" // the contact reported a message as spam
)

// ConsentStates are the consent states, in order.
var ConsentStates = []string{ConsentSubscribed, ConsentUnsubscribed, ConsentBounced, ConsentComplained}

// Channels are the channels a send goes by, each with its own consent.
var Channels = []string{"email", "sms"}

// Withdrawal asks a store to cancel the contact's marketing sends of a
// channel still waiting in the outbox (pending or parked, and held by no
// dispatcher), as of At.
type Withdrawal struct {
	Channel string
	At      time.Time
}

// Subscribed reports whether the contact may be sent marketing on a
// channel.
func (s *ContactState) Subscribed(channel string) bool {
	st, ok := s.Consent[channel]
	return !ok || st == ConsentSubscribed
}

// consent applies an InputConsent at t: the state in its payload, on the
// channel it names, or on every channel when it names none.
func (r *run) consent(in *Input, t time.Time) {
	state, _ := in.Payload["state"].(string)
	if !slices.Contains(ConsentStates, state) {
		return // the intakes refuse it; a store's bad row changes nothing
	}
	channels := Channels
	if in.Name != "" {
		if !slices.Contains(Channels, in.Name) {
			return
		}
		channels = []string{in.Name}
	}
	for _, ch := range channels {
		if state == ConsentSubscribed {
			delete(r.s.Consent, ch)
			continue
		}
		if r.s.Consent == nil {
			r.s.Consent = map[string]string{}
		}
		r.s.Consent[ch] = state
		r.withdraw(ch, t)
	}
	r.change(t, nil)
}

// withdraw takes back the marketing sends of a channel this run wrote
// before t, and asks the store to cancel those of earlier runs.
func (r *run) withdraw(channel string, t time.Time) {
	kept := r.out.Actions[:0]
	for _, a := range r.out.Actions {
		if a.Kind != compiler.StepSend || Transactional(a.Payload) || PayloadChannel(a.Payload) != channel {
			kept = append(kept, a)
			continue
		}
		entry := 0
		if en := r.s.Last(a.Journey); en != nil {
			entry = en.Entry
		}
		r.out.Records = append(r.out.Records, Record{At: t, Contact: r.s.ID, Journey: a.Journey, Entry: entry, Kind: RecWithdrawn, Step: a.Step, Detail: a.Target})
	}
	r.out.Actions = kept
	r.out.Withdraw = append(r.out.Withdraw, Withdrawal{Channel: channel, At: t})
}

// Transactional reports whether a send's payload is a transactional
// message's: consent does not apply to it.
func Transactional(payload json.RawMessage) bool {
	var p struct {
		Transactional bool `json:"transactional"`
	}
	_ = json.Unmarshal(payload, &p)
	return p.Transactional
}

// PayloadChannel is a send's channel, from its payload.
func PayloadChannel(payload json.RawMessage) string {
	var p struct {
		Channel string `json:"channel"`
	}
	_ = json.Unmarshal(payload, &p)
	return p.Channel
}

// Transactional reports whether the template called name is marked
// transactional: consent does not hold back its sends.
func (d *Deployment) Transactional(name string) bool {
	t := d.template(name)
	return t != nil && t.Transactional
}

// sendConsent applies consent to a due send: a marketing send to a
// contact not subscribed on its channel is skipped, recorded
// unsubscribed, and the cursor moves past it. It reports whether the send
// may go on.
func (r *run) sendConsent(j *Journey, en *Enrollment, c *Cursor, st *compiler.Step, t time.Time) bool {
	if r.s.Subscribed(st.Channel) || r.e.Deployment.Transactional(st.Target) {
		return true
	}
	r.record(j, en, t, RecUnsubscribed, st.ID, st.Target)
	r.advance(j, en, c)
	return false
}
