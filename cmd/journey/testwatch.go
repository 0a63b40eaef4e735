package main

import (
	"context"
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
)

// testSettle is how long the files must stay quiet after an event before
// journey test --watch runs the tests again: editors save in bursts
// (write a temporary file, rename it, touch the folder).
const testSettle = 100 * time.Millisecond

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

	last := c.rerun(e, fw)
	fmt.Fprintf(e.stderr, "journey: test: watching %s for changes; Ctrl-C stops\n", strings.Join(c.Paths, " "))
	settle := time.NewTimer(time.Hour)
	settle.Stop()
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
			e.errorf("test: --watch: %v", err)
		case <-settle.C:
			fmt.Fprintf(e.stdout, "\n=== %s changed: running the tests again\n", strings.Join(changed, ", "))
			changed = nil
			last = c.rerun(e, fw)
		}
	}
}

// rerun runs the tests once with e's streams and a fresh exit code, which
// it returns, and watches the folders they were read from.
func (c *testCmd) rerun(e *env, fw *fsnotify.Watcher) int {
	run := &env{stdin: e.stdin, stdout: e.stdout, stderr: e.stderr}
	dirs := c.once(run)
	for _, p := range c.Paths {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			watchTree(fw, p)
		}
	}
	for _, dir := range dirs {
		fw.Add(dir)
		watchTree(fw, filepath.Join(dir, "templates"))
	}
	return run.code
}

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
