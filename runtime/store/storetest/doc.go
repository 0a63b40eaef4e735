// Package storetest is the conformance suite every store.Store passes:
// Run takes a way to open fresh stores and runs, as subtests, the corpus
// testdata/conformance/*.txtar (journeys, a contact and timed inputs →
// the expected history and outbox) and every behaviour the stores share
// (leases, the outbox's leases, deduplication, pruning, releases, inputs
// beyond one run, wake-ups, deployments, versions, halts, stats). Each
// store's package calls Run from its own tests; what only one store does
// (a file, a schema, a pool) is tested beside it.
//
// Run with -update on the memory store to rewrite the corpus's expected
// traces: go test ./runtime/store/memory -run TestConformance -update.
package storetest
