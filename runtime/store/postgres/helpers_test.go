package postgres_test

import (
	"testing"

	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestConformance runs the conformance suite on Postgres stores, each in
// a schema of its own.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return pgNewStore(t) })
}

// noErr fails the test on an error.
func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
