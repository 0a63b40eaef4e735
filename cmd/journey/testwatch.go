package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/journeylang/journey/runtime/reload"
)

// How journey test --watch notices a save. Events are only a hint, as for
// journey run's hot reload (runtime/reload): editors save in bursts (write
// a temporary file, rename it, touch the folder), NFS and FUSE send
// nothing, and a queue overflow loses events. So the files must stay quiet
// for testSettle after an event, the tests run again only when the
// content of the files that count has changed, and that content is also
// compared every testRescan without any event.
const (
	testSettle = 100 * time.Millisecond
	testRescan = 2 * time.Second
)

// watch is journey test --watch: it runs the tests, then again each time a
// .journey file or a template under c.Paths is saved, until interrupted.
// It watches folders rather than files, as editors replace files when
// they save, and takes up folders made meanwhile. The exit code is the
// last run's.
func (c *testCmd) watch(e *env) {
	for _, p := range c.Paths {
		if _, err := os.Stat(p); err != nil {
			e.reportPath(err) // nothing there to watch
			return
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		e.errorf("test: --watch: %v", err)
		return
	}
	defer fw.Close()

	w := &testWatcher{cmd: c, env: e, fw: fw}
	last := w.rerun()
	fmt.Fprintf(e.stderr, "journey: test: watching %s for changes; Ctrl-C stops\n", strings.Join(c.Paths, " "))
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	rescan := time.NewTicker(testRescan)
	defer rescan.Stop()
	var changed []string
	for {
		select {
		case <-ctx.Done():
			e.code = last
			return
		case ev, ok := <-fw.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					watchTree(fw, ev.Name)
				}
			}
			if watched(ev.Name) {
				if !slices.Contains(changed, ev.Name) {
					changed = append(changed, ev.Name)
				}
				settle.Reset(testSettle)
			}
		case err, ok := <-fw.Errors:
			if !ok {
				return
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				fmt.Fprintf(e.stderr, "journey: test: --watch: %v\n", err)
			}
			settle.Reset(testSettle) // events may be lost: compare the files
		case <-settle.C:
			if w.changed() {
				last = w.announce(changed)
			}
			changed = nil
		case <-rescan.C:
			if w.changed() {
				last = w.announce(changed)
				changed = nil
			}
		}
	}
}

// testWatcher is the state of journey test --watch between runs.
type testWatcher struct {
	cmd    *testCmd
	env    *env
	fw     *fsnotify.Watcher
	files  *reload.Watcher // hashes the files that count, under the folders watched
	digest string          // their hash when the tests last ran
}

// announce says what changed, runs the tests again and returns their exit
// code.
func (w *testWatcher) announce(changed []string) int {
	what := strings.Join(changed, ", ")
	if what == "" {
		what = "a file" // seen by a rescan, without an event
	}
	fmt.Fprintf(w.env.stdout, "\n=== %s changed: running the tests again\n", what)
	return w.rerun()
}

// rerun runs the tests once with the command's streams and a fresh exit
// code, which it returns, and watches the folders under the paths: each
// folder given, and the folder of each file given.
func (w *testWatcher) rerun() int {
	run := &env{stdin: w.env.stdin, stdout: w.env.stdout, stderr: w.env.stderr}
	var roots []string
	for _, p := range w.cmd.Paths {
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			p = filepath.Dir(p)
		}
		if p = filepath.Clean(p); !slices.Contains(roots, p) {
			roots = append(roots, p)
		}
	}
	w.files = &reload.Watcher{Dirs: roots, Match: watched}
	w.digest = w.files.Digest() // before the run: a save during it runs them again
	for _, dir := range roots {
		watchTree(w.fw, dir)
	}
	w.cmd.once(run)
	return run.code
}

// changed reports whether the files that count differ from when the tests
// last ran.
func (w *testWatcher) changed() bool { return w.files.Digest() != w.digest }

// watchTree adds root and the folders under it to fw, but for those a
// walk skips (see skipDir); adding one twice is harmless, and a folder that
// does not exist is left out.
func watchTree(fw *fsnotify.Watcher, root string) {
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if path != root && skipDir(d.Name()) {
			return fs.SkipDir
		}
		fw.Add(path)
		return nil
	})
}

// watched reports whether saving path calls for running the tests again:
// a .journey file or a file in a templates folder, neither hidden nor an
// editor's backup or swap file.
func watched(path string) bool {
	name := filepath.Base(path)
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasSuffix(name, ".swp") {
		return false
	}
	return isJourney(name) || slices.Contains(strings.Split(filepath.ToSlash(filepath.Dir(path)), "/"), "templates")
}
