// Package runtime moves contacts through compiled journeys: the engine
// (the state machine of DESIGN.md's "Meaning"), the stores that keep
// positions durable (embedded SQLite by default, Postgres for production),
// the scheduler that claims due work, event intake over HTTP, the outbox
// dispatcher and its sinks, and hot reload.
//
// Input: a bundle from package compiler. Output: actions, delivered
// exactly once in effect. It reads bundles, never .journey source.
package runtime
