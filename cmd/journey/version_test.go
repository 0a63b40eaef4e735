package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVersionOfABuild builds journey from this checkout as a user does and
// sees journey version tell the commit it was built from, and whether the
// checkout had changes, as git tells them. (Under go test the binary
// records no commit: version.txtar sees only the form.)
func TestVersionOfABuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !info.IsDir() {
		t.Skip("a linked git worktree (.git is a file there): the go command records no commit in one")
	}
	status, err := exec.Command("git", "status", "--porcelain").Output() // as the go command reads it
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "journey")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("journey version: %v", err)
	}
	want := "commit  " + strings.TrimSpace(string(head))
	if len(status) > 0 {
		want += " (modified)"
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + ` \d{4}-\d\d-\d\dT\S+$`).Match(out) {
		t.Errorf("journey version printed\n%s\nwant a line %q and the commit's time", out, want)
	}
	flag, err := exec.Command(bin, "--version").Output()
	if err != nil || string(flag) != string(out) {
		t.Errorf("journey --version printed\n%s\n(%v), want what journey version prints:\n%s", flag, err, out)
	}
}
