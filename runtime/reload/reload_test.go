package reload_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/reload"
)

const schema = "contact {\n  email: string?\n  score: int\n}\n\nevent signed_up\n"

// journey is a journey whose single step tags the contact with tag.
func journey(tag string) string {
	return fmt.Sprintf("journey j\n\nentry on signed_up\n\nstage A {\n  after 1d tag %q\n}\n", tag)
}

// load compiles the workspace in dir, as `journey run DIR` does.
func load(dir string) func() (*runtime.Deployment, error) {
	return func() (*runtime.Deployment, error) {
		ws, err := compiler.LoadWorkspace(dir)
		if err != nil {
			return nil, err
		}
		prog, diags := compiler.Compile(ws)
		if diags.HasErrors() {
			var b bytes.Buffer
			diag.RenderAll(&b, diags, ws.Sources)
			return nil, errors.New(b.String())
		}
		return runtime.NewDeployment(prog)
	}
}

// tagOf is the tag the deployment's journey sets.
func tagOf(d *runtime.Deployment) string {
	return d.Journey("j").Stages[0].Steps[0].Target
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// watch starts a watcher on dir that runs until the test ends.
func watch(t *testing.T, dir string) *reload.Watcher {
	t.Helper()
	w := &reload.Watcher{Dirs: []string{dir}, Match: reload.Workspace(dir), Load: load(dir), Debounce: 20 * time.Millisecond, Rescan: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	// Give the watcher its folders before the first edit.
	time.Sleep(100 * time.Millisecond)
	return w
}

// waitUntil waits for the watcher to reach a state.
func waitUntil(t *testing.T, w *reload.Watcher, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: the watcher did not follow; in force: %s, failure: %q", what, tagOf(w.Current()), w.Failure())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSavePatterns edits a workspace under a running watcher in each way
// editors save, and waits for the deployment in force to follow.
func TestSavePatterns(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "schema.journey"), schema)
	file := filepath.Join(dir, "j.journey")
	write(t, file, journey("v0"))
	w := watch(t, dir)
	waitFor := func(what string, ok func() bool) { t.Helper(); waitUntil(t, w, what, ok) }
	inForce := func(tag string) func() bool { return func() bool { return tagOf(w.Current()) == tag } }

	write(t, file, journey("in-place"))
	waitFor("write in place", inForce("in-place"))

	tmp := filepath.Join(dir, ".j.journey.tmp")
	write(t, tmp, journey("renamed"))
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	waitFor("write and rename", inForce("renamed"))

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	write(t, file, journey("recreated"))
	waitFor("delete and recreate", inForce("recreated"))

	for i := range 50 {
		write(t, file, journey(fmt.Sprintf("burst-%d", i)))
		time.Sleep(time.Second / 50)
	}
	waitFor("a burst of 50 saves", inForce("burst-49"))

	write(t, file, strings.Replace(journey("broken"), "stage A {", "stage A {{", 1))
	waitFor("a broken save", func() bool { return w.Failure() != "" })
	if got := tagOf(w.Current()); got != "burst-49" {
		t.Errorf("after a broken save the deployment in force sets %q, want the last good one's burst-49", got)
	}
	if f := w.Failure(); !strings.Contains(f, "j.journey:5:9") || !strings.Contains(f, "^") {
		t.Errorf("the failure does not carry the diagnostic with its place and caret:\n%s", f)
	}

	write(t, file, journey("fixed"))
	waitFor("the fix", inForce("fixed"))
	if f := w.Failure(); f != "" {
		t.Errorf("after the fix the failure is still %q", f)
	}
}

// TestCheckWithoutEvents finds a change no event announced (NFS, FUSE):
// the periodic rescan calls Check, which reloads only when content changed.
func TestCheckWithoutEvents(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "schema.journey"), schema)
	file := filepath.Join(dir, "j.journey")
	write(t, file, journey("v0"))
	w := &reload.Watcher{Dirs: []string{dir}, Load: load(dir), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	before := w.Current()
	if w.Check() {
		t.Error("Check reloaded with nothing changed")
	}
	write(t, filepath.Join(dir, ".j.journey.swp"), "editor state")
	if w.Check() || w.Current() != before {
		t.Error("Check reloaded for a hidden swap file")
	}
	write(t, file, journey("v1"))
	if !w.Check() || tagOf(w.Current()) != "v1" {
		t.Errorf("Check did not reload the changed file; in force: %s", tagOf(w.Current()))
	}
}

// TestBudgetReload declares a send budget in a file of its own under a
// watcher: the reload puts it in force and logs it as changed, though no
// journey's version changed; removing it brings the default back. Rules,
// added and changed, are logged as changed the same way.
func TestBudgetReload(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "schema.journey"), schema)
	write(t, filepath.Join(dir, "j.journey"), journey("v0"))
	var log bytes.Buffer
	w := &reload.Watcher{Dirs: []string{dir}, Load: load(dir), Logger: slog.New(slog.NewTextHandler(&log, nil))}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	if got := w.Current().Budget; got != runtime.DefaultBudget {
		t.Fatalf("budget %+v in force, want the default", got)
	}
	budget := filepath.Join(dir, "budget.journey")
	write(t, budget, "budget 5 sends per 1d\n")
	if !w.Check() {
		t.Fatalf("Check did not reload the budget; failure: %q", w.Failure())
	}
	if got, want := w.Current().Budget, (runtime.SendBudget{Sends: 5, Per: 24 * time.Hour}); got != want {
		t.Errorf("budget %+v in force, want %+v", got, want)
	}
	if !strings.Contains(log.String(), "changed=budget") {
		t.Errorf("the reload does not log the budget as changed:\n%s", log.String())
	}
	if err := os.Remove(budget); err != nil {
		t.Fatal(err)
	}
	if !w.Check() || w.Current().Budget != runtime.DefaultBudget {
		t.Errorf("without the declaration, budget %+v in force, want the default", w.Current().Budget)
	}
	// A rule added, then changed: each reload names the rules as changed.
	rules := filepath.Join(dir, "rules.journey")
	for _, points := range []string{"1", "2"} {
		log.Reset()
		write(t, rules, "rule points on signed_up {\n  set score = score + "+points+"\n}\n")
		if !w.Check() || !strings.Contains(log.String(), "changed=rules") {
			t.Errorf("the reload of rule points +%s does not log the rules as changed:\n%s", points, log.String())
		}
	}
}

// TestStartFails reports a workspace that does not compile at start.
func TestStartFails(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "j.journey"), "journey j\n\nstage A {\n  after 1d tag\n}\n")
	w := &reload.Watcher{Dirs: []string{dir}, Load: load(dir)}
	if err := w.Start(); err == nil || w.Current() != nil {
		t.Errorf("Start = %v with %v in force; want the diagnostics and nothing in force", err, w.Current())
	}
}

// BenchmarkSaveToLive measures the time from saving a file of the
// examples/crm workspace (six journeys) to the edited version being in
// force, with the default 100 ms debounce:
//
//	go test ./runtime/reload -run XXX -bench SaveToLive -benchtime 20x
func BenchmarkSaveToLive(b *testing.B) {
	dir := b.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../examples/crm")); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, "lead_nurture.journey")
	src, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	w := &reload.Watcher{Dirs: []string{dir}, Match: reload.Workspace(dir), Load: load(dir), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = w.Run(ctx) }()
	time.Sleep(100 * time.Millisecond)
	b.ResetTimer()
	for i := range b.N {
		before := w.Current()
		edited := strings.Replace(string(src), "after 2d", fmt.Sprintf("after %dh", 49+i), 1)
		if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
			b.Fatal(err)
		}
		for w.Current() == before {
			time.Sleep(time.Millisecond)
		}
	}
}

// TestSymlinkSwap replaces a workspace as a Kubernetes ConfigMap volume
// does: the files are links through a "..data" link to a hidden folder,
// and an update swaps "..data" to a new folder by renaming a new link
// over it.
func TestSymlinkSwap(t *testing.T) {
	dir := t.TempDir()
	version := func(name, tag string) {
		t.Helper()
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, name, "schema.journey"), schema)
		write(t, filepath.Join(dir, name, "j.journey"), journey(tag))
	}
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	version("..v1", "v1")
	link("..v1", "..data")
	link("..data/schema.journey", "schema.journey")
	link("..data/j.journey", "j.journey")
	w := watch(t, dir)
	if got := tagOf(w.Current()); got != "v1" {
		t.Fatalf("in force at start: %s", got)
	}
	version("..v2", "v2")
	link("..v2", "..data_tmp")
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, w, "a symlink swap", func() bool { return tagOf(w.Current()) == "v2" })
}
