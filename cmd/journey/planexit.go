package main

// Exit codes of `journey plan --detailed-exitcode`, as terraform plan's, for
// CI: an error is 1 whatever its kind, so that 2 always means changes.
const (
	planNoChanges = 0 // the deploy changes no journey
	planError     = 1 // usage, I/O or store error, or a workspace that does not compile
	planChanges   = 2 // the deploy changes a journey: a new one, or a new version
)

// detailedExitCode returns the exit code of a plan that ended with code:
// code itself without --detailed-exitcode, else planError for any error,
// then planChanges or planNoChanges.
func (c *planCmd) detailedExitCode(code int) int {
	switch {
	case !c.DetailedExitcode:
		return code
	case code != exitOK:
		return planError
	case c.changes:
		return planChanges
	default:
		return planNoChanges
	}
}
