// Package store is what the engine's durable side shares: the Store
// interface (contacts, pending inputs, positions, the outbox, the history,
// deployments), its parameters and results, its errors, and the JSON
// every SQL store keeps states, inputs and outbox rows in.
//
// Input: states and outcomes of package runtime. Output: the same, read
// back exactly (numbers included). Invariants: every Store keeps the same
// rules — leases, revision guards, deduplicated events, unique outbox
// keys — and passes the conformance suite of runtime/store/storetest. It
// imports runtime and no store, worker or server. The implementations are
// runtime/store/memory, runtime/store/sqlite and runtime/store/postgres.
package store
