package plan

import (
	"testing"

	"github.com/journeylang/journey/runtime"
)

// TestCaseText checks what the text plan says of each kind of case.
func TestCaseText(t *testing.T) {
	jp := &JourneyPlan{stages: map[string]bool{"A": true, "B": true}}
	for _, c := range []struct {
		c    Case
		want string
	}{
		{Case{Stage: "A", Kind: runtime.RecMigrated}, "migrate to the new version"},
		{Case{Stage: "A", Kind: Drain, To: "v1"}, "stay on version v1 until they leave (drain)"},
		{Case{Stage: "A", Kind: Ahead, To: "v1"}, "left as they are: their version v1 is not recorded in the store, and the runner leaves them to one that knows it"},
		{Case{Stage: "A", Kind: Later, To: "v1"}, "migrate at their next run, not at the deploy: their version v1 no longer plans, so they do not drain"},
		{Case{Kind: runtime.RecEnrolled}, "enter the journey"},
		{Case{Stage: "A", Kind: runtime.RecStage, To: "B"}, "move to stage B"},
		{Case{Stage: "Gone", Kind: runtime.RecStage, To: "B"}, "move to stage B (their stage is removed)"},
		{Case{Stage: "A", Kind: runtime.RecStage, Step: "A/goto:B#1", To: "B"}, "move to stage B (step A/goto:B#1)"},
		{Case{Stage: "A", Kind: runtime.RecGoal, To: "won"}, "reach goal won"},
		{Case{Stage: "A", Kind: runtime.RecExited, To: "goal won"}, "exit: goal won reached"},
		{Case{Stage: "A", Kind: runtime.RecExited, To: "exit"}, "exit: an exit condition holds"},
		{Case{Stage: "Gone", Kind: runtime.RecExited, To: "stage removed"}, "exit: stage removed"},
		{Case{Stage: "A", Kind: runtime.RecExited, Step: "A/exit#1", To: "exit"}, "exit (step A/exit#1)"},
		{Case{Stage: "A", Kind: runtime.RecExited, Step: "A/exit#1", To: "exit: unsubscribed"}, "exit: unsubscribed (step A/exit#1)"},
		{Case{Stage: "A", Kind: runtime.RecReleased, To: "new version"}, "are released from a halt: new version"},
		{Case{Stage: "A", Kind: runtime.RecSent, Step: "A/send:w#1"}, "run step A/send:w#1: sent"},
		{Case{Stage: "A", Kind: runtime.RecBranch, Step: "A/if#1", To: "else"}, "run step A/if#1: branch else"},
	} {
		if got := jp.what(&c.c); got != c.want {
			t.Errorf("%+v: %q; want %q", c.c, got, c.want)
		}
	}
}
