package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTestWatch starts journey test --watch as a user would, saves files
// as an editor does, and sees each save run the tests again: a failing
// edit fails, a fix passes, a template counts, a file of another kind does
// not. Ctrl-C stops it with the last run's exit code.
func TestTestWatch(t *testing.T) {
	dir, ws, bin := runnerWorkspace(t,
		"contact {\n  email: string\n}\n\nevent signed_up\n",
		"journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n}\n")
	testFile := filepath.Join(ws, "j_test.journey")
	passing := "test \"welcome is sent\" {\n  journey j\n  contact { email: \"a@example.com\" }\n  at 0 event signed_up\n  expect sent \"welcome\"\n}\n"
	failing := strings.Replace(passing, "expect sent", "expect not sent", 1)
	saveInPlace(t, testFile, passing)

	var stdout, stderr syncBuffer
	cmd := exec.Command(bin, "test", "--watch", ws)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// The first run, and the watch armed: edits from now on are seen.
	waitOutput(t, &stderr, "watching "+ws+" for changes", 1)
	waitOutput(t, &stdout, "ok: 1 passed, 0 failed", 1)

	// A failing edit, saved as editors do: a new file renamed over the old.
	saveByRename(t, testFile, failing)
	waitOutput(t, &stdout, "=== "+testFile+" changed: running the tests again", 1)
	waitOutput(t, &stdout, "FAIL: 0 passed, 1 failed", 1)

	// A file of another kind changes nothing; the fix, saved in place,
	// passes again.
	saveInPlace(t, filepath.Join(ws, "notes.txt"), "to do\n")
	saveInPlace(t, testFile, passing)
	waitOutput(t, &stdout, "ok: 1 passed, 0 failed", 2)

	// A template is part of the workspace.
	saveInPlace(t, filepath.Join(ws, "templates", "welcome.md"), "subject: Hello\n")
	waitOutput(t, &stdout, "=== "+filepath.Join(ws, "templates", "welcome.md")+" changed", 1)
	waitOutput(t, &stdout, "ok: 1 passed, 0 failed", 3)

	if strings.Contains(stdout.String(), "notes.txt") {
		t.Errorf("saving notes.txt ran the tests:\n%s", stdout.String())
	}
	if err := stopWithin(t, cmd, syscall.SIGINT, 30*time.Second); err != nil {
		t.Errorf("journey test --watch after Ctrl-C, the last run passing: %v\nstderr:\n%s", err, stderr.String())
	}
}

// waitOutput waits until buf holds want n times.
func waitOutput(t *testing.T, buf *syncBuffer, want string, n int) {
	t.Helper()
	defer func() {
		if t.Failed() {
			t.Logf("the output:\n%s", buf)
		}
	}()
	waitFor(t, fmt.Sprintf("%d× %q in the output", n, want), func() bool { return strings.Count(buf.String(), want) >= n })
}
