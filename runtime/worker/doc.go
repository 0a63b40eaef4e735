// Package worker runs the engine over a store: Worker claims due contacts
// in batches, runs runtime.Engine on each and completes the batch in one
// transaction; Sim does the same on a simulated clock, for the
// conformance corpus and `journey test`.
//
// Input: a store.Store and a runtime.Deployment. Output: the store's
// states, outbox and history, advanced. Invariants: a batch commits only
// the contacts whose leases it still holds, at the revisions claimed, so
// any number of workers may share a store and a worker killed mid-batch
// loses nothing. It imports runtime and runtime/store, never a store
// implementation.
package worker
