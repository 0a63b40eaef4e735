// Package runtime is the engine: it moves contacts through compiled
// journeys (the state machine of docs/semantics.md), one contact at a
// time.
//
// Input: a Deployment (a bundle from package compiler, verified and its
// conditions planned), a contact's ContactState, its pending Inputs and
// the time. Output: an Outcome — the new state, the Actions for the
// outbox, the Records for the history and the next wake-up. Invariants:
// it performs no I/O and imports no store; all time comes from the
// caller, so the same state, inputs and times give the same outcome. It
// reads bundles, never .journey source. The stores (runtime/store and
// below) keep states durable; runtime/worker claims due contacts and runs
// the engine on them.
package runtime
