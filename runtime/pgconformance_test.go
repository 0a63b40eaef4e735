package runtime_test

import (
	"testing"

	"github.com/journeylang/journey/runtime"
)

// The conformance corpus runs on Postgres too, each case in a schema of
// its own.
func init() {
	stores["postgres"] = func(t *testing.T) runtime.Store { return pgNewStore(t) }
}
