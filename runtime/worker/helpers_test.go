package worker_test

import (
	"testing"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
)

// deployFiles compiles a workspace of journey files and templates into a
// deployment, failing the test on any diagnostic.
func deployFiles(t testing.TB, files, templates map[string][]byte) *runtime.Deployment {
	t.Helper()
	prog, diags := compiler.Compile(compiler.NewWorkspace(files, templates))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The crash test's journey: three actions per contact, an hour apart.
const crashJourney = `journey crash

entry on signed_up

stage Only {
  send "welcome"
  after 1h notify sales "new sign-up"
  after 2h task "Call" for owner
}
`

const crashSchema = `contact {
  email: string?
}

event signed_up

team sales
`
