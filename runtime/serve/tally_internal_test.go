package serve

import (
	"testing"
	"time"
)

// The leader counts at once, then every tallyEvery, or every tallyFactor
// times as long as the last count took when that is longer.
func TestTallyDue(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	var tl tally
	if !tl.due(t0) {
		t.Error("a count never made is not due")
	}
	tl.last, tl.took = t0, 100*time.Millisecond
	for _, c := range []struct {
		after time.Duration
		want  bool
	}{{time.Second, false}, {tallyEvery - time.Millisecond, false}, {tallyEvery, true}} {
		if got := tl.due(t0.Add(c.after)); got != c.want {
			t.Errorf("a count of 100 ms, %v later: due %v, want %v", c.after, got, c.want)
		}
	}
	tl.took = 2 * time.Second // a slow count: 40 s apart
	for _, c := range []struct {
		after time.Duration
		want  bool
	}{{tallyEvery, false}, {39 * time.Second, false}, {40 * time.Second, true}} {
		if got := tl.due(t0.Add(c.after)); got != c.want {
			t.Errorf("a count of 2 s, %v later: due %v, want %v", c.after, got, c.want)
		}
	}
}
