package plan_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime/plan"
)

// TestDiffRules diffs the rules of a journey — entries, exits, goals,
// suppress rules, window, cap and re-entry — and shows each change as the
// text plan does.
func TestDiffRules(t *testing.T) {
	const old = `journey j

entry on signed_up
exit when score < 0
goal warm when score >= 50
goal gone when score >= 1000
suppress when score == 7
window 09:00-17:00
reenter after 30d

stage A {
  tag "a"
}
`
	const cur = `journey j

entry on signed_up when score > 1
entry when score >= 99
exit when score < 0
exit when score >= 70 ||
  score < -5
goal warm when score >= 60
goal hot when score >= 90
suppress when score == 7
window 09:00-18:00
cap 2 sends per 7d
reenter after 30d

stage A {
  tag "a"
}
`
	changes := plan.Diff(deployment(t, old).Journey("j").Journey, deployment(t, cur).Journey("j").Journey)
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	want := []string{
		"+ entry on signed_up when score > 1 (added)",
		"+ entry when score >= 99 (added)",
		"- entry on signed_up (removed)",
		"+ exit when score >= 70 || score < -5 (added)",
		"~ goal warm when score >= 60 (changed)",
		"+ goal hot when score >= 90 (added)",
		"- goal gone when score >= 1000 (removed)",
		"~ window (changed)",
		"~ cap (changed)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}
