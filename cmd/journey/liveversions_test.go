package main

import "strings"

const liveSchema = "contact {\n  score: int\n}\n\nevent signed_up\n"

// liveVersions are the successive texts of onboard.journey in
// TestLiveEdits, each one edit from the one before.
var liveVersions = []string{
	// 0: the first version.
	`journey onboard

entry on signed_up

stage Welcome {
  send "w1"
  after 2d send "w2"
  after 4d send "w3"
}

stage Engaged when score >= 50 {
  after 1d send "e1"
  after 5d send "e2"
}
`,
	// 1: add two steps.
	`journey onboard

entry on signed_up

stage Welcome {
  send "w1"
  after 1d send "w1b"
  after 2d send "w2"
  after 3d send "w2b"
  after 4d send "w3"
}

stage Engaged when score >= 50 {
  after 1d send "e1"
  after 5d send "e2"
}
`,
	// 2: change two offsets.
	`journey onboard

entry on signed_up

stage Welcome {
  send "w1"
  after 1d send "w1b"
  after 2d send "w2"
  after 3d send "w2b"
  after 3d12h send "w3"
}

stage Engaged when score >= 50 {
  after 1d send "e1"
  after 2d send "e2"
}
`,
	// 3: remove a step.
	`journey onboard

entry on signed_up

stage Welcome {
  send "w1"
  after 1d send "w1b"
  after 2d send "w2"
  after 3d12h send "w3"
}

stage Engaged when score >= 50 {
  after 1d send "e1"
  after 2d send "e2"
}
`,
	// 4: rename a stage.
	`journey onboard

entry on signed_up

stage Welcome {
  send "w1"
  after 1d send "w1b"
  after 2d send "w2"
  after 3d12h send "w3"
}

stage Active when score >= 50 {
  after 1d send "e1"
  after 2d send "e2"
}
`,
	// 5: delete a stage.
	`journey onboard

entry on signed_up

stage Welcome {
  send "w1"
  after 1d send "w1b"
  after 2d send "w2"
  after 3d12h send "w3"
}
`,
}

// The edits after the rollback to version 4: each adds a rule or a stage
// whose condition already holds for some contacts.
var (
	// A goal.
	liveGoal = strings.Replace(liveVersions[4], "entry on signed_up\n", "entry on signed_up\ngoal keen when score >= 60\n", 1)
	// An exit.
	liveExit = strings.Replace(liveGoal, "goal keen when score >= 60\n", "goal keen when score >= 60\nexit when score >= 20\n", 1)
	// A stage whose trigger depends on time.
	liveLate = liveExit + "\nstage Late when count(\"signed_up\", 3d) == 0 {\n  send \"l1\"\n}\n"
)
