package serve

import (
	"context"
	"fmt"
	"time"

	"github.com/journeylang/journey/runtime/store"
)

// How often the chores leader counts a Tallier's figures anew: every
// tallyEvery, or tallyFactor times as long as the last count took,
// whichever is longer, so that counting never takes more than a
// twentieth of the database's time however many contacts it holds.
const (
	tallyEvery  = 15 * time.Second
	tallyFactor = 20
)

// tally counts the store's figures for the gauges and the API, when the
// store keeps them (store.Tallier) and they are due for a count.
type tally struct {
	last time.Time     // when the last count began, on the wall clock; zero for never
	took time.Duration // how long it took
}

// due reports whether a count is due at wall.
func (t *tally) due(wall time.Time) bool {
	return t.last.IsZero() || wall.Sub(t.last) >= max(tallyEvery, tallyFactor*t.took)
}

// run counts the figures if the store keeps them and a count is due.
func (t *tally) run(ctx context.Context, st store.Store, now time.Time) error {
	tl, ok := st.(store.Tallier)
	wall := time.Now()
	if !ok || !t.due(wall) {
		return nil
	}
	if err := tl.Tally(ctx, &store.TallyParams{Now: now}); err != nil {
		return fmt.Errorf("counting contacts for the gauges: %w", err)
	}
	t.last, t.took = wall, time.Since(wall)
	return nil
}
