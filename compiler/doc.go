// Package compiler is the phase after lang: it resolves names across a
// workspace, builds the contact and event schema, type-checks every
// condition with cel-go, and lowers each journey into a timed step graph
// packed into a deterministic bundle.
//
// Input: the *ast.File values of a workspace. Output: diagnostics, and a
// bundle the runtime loads. It never imports runtime.
package compiler
