package runtime

import "github.com/journeylang/journey/compiler"

// RenderSend renders send st for contact s on e, as a run writing it
// would: for the benchmarks of runtime_test.
func RenderSend(e *Engine, s *ContactState, st *compiler.Step) (map[string]any, error) {
	return (&run{e: e, s: s}).message(st)
}
