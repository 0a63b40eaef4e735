// Package reload keeps a runner's deployment in step with its sources: it
// watches folders with fsnotify and, when what they hold changes, loads
// the deployment again. A load that fails is logged with its diagnostics
// and the running deployment stays.
//
// Events are only a hint. Editors save by writing in place, by writing a
// temporary file and renaming it over the original, or by deleting and
// re-creating it; Kubernetes swaps a symlink; NFS and FUSE send nothing.
// So the watcher watches folders, not files, waits for a burst of events
// to settle, then hashes the content of the files that matter and reloads
// only when that hash changed. A periodic rescan catches what no event
// announced, and an event queue overflow is treated as a change.
package reload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/journeylang/journey/runtime"
)

// Watcher reloads a deployment when the files under its folders change.
type Watcher struct {
	Dirs     []string                            // the folders to watch, with their subfolders
	Match    func(path string) bool              // the files whose content counts; all but hidden and backup files when nil
	Load     func() (*runtime.Deployment, error) // builds the deployment; its error holds the diagnostics
	Logger   *slog.Logger
	Debounce time.Duration // how long events must settle; 100ms when 0
	Rescan   time.Duration // how often to hash the files without an event; 10s when 0

	current atomic.Pointer[runtime.Deployment]
	failure atomic.Pointer[string] // the last load's error, when it failed
	mu      sync.Mutex             // one Check at a time
	hash    string                 // of the files the deployment in force was loaded from
}

// Start loads the deployment for the first time and returns the load's
// error, if any; the watcher holds nothing then.
func (w *Watcher) Start() error {
	w.defaults()
	h, err := w.digest()
	if err != nil {
		return err
	}
	d, err := w.Load()
	if err != nil {
		return err
	}
	w.Seed(d, h)
	return nil
}

// Digest hashes the files the watcher watches, or is "" if they cannot be
// read. Take it before loading a deployment to Seed: an edit made during
// the load then differs from it, and is loaded by the next Check.
func (w *Watcher) Digest() string {
	w.defaults()
	h, _ := w.digest()
	return h
}

// Seed puts d, loaded by the caller from files whose Digest was hash, in
// force without loading it again.
func (w *Watcher) Seed(d *runtime.Deployment, hash string) {
	w.defaults()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.hash = hash
	w.current.Store(d)
}

func (w *Watcher) defaults() {
	if w.Logger == nil {
		w.Logger = slog.Default()
	}
	if w.Match == nil {
		w.Match = ordinary
	}
}

// Current is the deployment in force.
func (w *Watcher) Current() *runtime.Deployment { return w.current.Load() }

// Failure is the error of the last load if it failed (the deployment in
// force is then an earlier one), or "".
func (w *Watcher) Failure() string {
	if f := w.failure.Load(); f != nil {
		return *f
	}
	return ""
}

// Run watches until ctx ends. Call Start first.
func (w *Watcher) Run(ctx context.Context) error {
	debounce, rescan := w.Debounce, w.Rescan
	if debounce <= 0 {
		debounce = 100 * time.Millisecond
	}
	if rescan <= 0 {
		rescan = 10 * time.Second
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer fw.Close()
	w.watchTree(fw)
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	tick := time.NewTicker(rescan)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					w.watchTree(fw)
				}
			}
			settle.Reset(debounce)
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				w.Logger.Warn("watching sources", "error", err)
			}
			settle.Reset(debounce)
		case <-settle.C:
			w.Check()
		case <-tick.C:
			w.watchTree(fw) // a folder deleted and made again
			w.Check()
		}
	}
}

// Check hashes the files and reloads when they changed. It reports whether
// a new deployment is in force.
func (w *Watcher) Check() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	h, err := w.digest()
	if err != nil {
		w.Logger.Warn("reading sources", "error", err)
		return false
	}
	if h == w.hash {
		return false
	}
	w.hash = h
	began := time.Now()
	d, err := w.Load()
	if err != nil {
		msg := err.Error()
		w.failure.Store(&msg)
		w.Logger.Error("reload failed; the running version stays", "diagnostics", msg)
		return false
	}
	w.failure.Store(nil)
	prev := w.current.Swap(d)
	w.Logger.Info("reloaded", "changed", strings.Join(changes(prev, d), " "), "took", time.Since(began).Round(time.Millisecond))
	return true
}

// changes lists the journeys whose version differs between two
// deployments: name@version, or -name for one removed; budget when the
// send budget changed, and rules when the workspace's rules did.
func changes(prev, d *runtime.Deployment) []string {
	var out []string
	if prev != nil && prev.Budget != d.Budget {
		out = append(out, "budget")
	}
	if prev != nil && prev.RulesVersion() != d.RulesVersion() {
		out = append(out, "rules")
	}
	for _, j := range d.Journeys() {
		if prev == nil || prev.Journey(j.Name) == nil || prev.Journey(j.Name).Version != j.Version {
			out = append(out, j.Name+"@"+j.Version)
		}
	}
	if prev != nil {
		for _, j := range prev.Journeys() {
			if d.Journey(j.Name) == nil {
				out = append(out, "-"+j.Name)
			}
		}
	}
	return out
}

// watchTree adds every folder under Dirs to the watch; adding one twice is
// harmless.
func (w *Watcher) watchTree(fw *fsnotify.Watcher) {
	for _, dir := range w.Dirs {
		_ = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || !e.IsDir() {
				return nil
			}
			if path != dir && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			if err := fw.Add(path); err != nil {
				w.Logger.Warn("watching sources", "dir", path, "error", err)
			}
			return nil
		})
	}
}

// digest hashes the names and contents of the matching files under Dirs,
// following symlinks.
func (w *Watcher) digest() (string, error) {
	var paths []string
	for _, dir := range w.Dirs {
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() {
				if path != dir && strings.HasPrefix(e.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if w.Match(path) {
				paths = append(paths, path)
			}
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed while we walked: the next event rescans
		}
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Workspace matches the files a workspace in dir is compiled from: its
// .journey files and what its templates folder holds.
func Workspace(dir string) func(path string) bool {
	dir = filepath.Clean(dir)
	templates := filepath.Join(dir, "templates") + string(filepath.Separator)
	return func(path string) bool {
		path = filepath.Clean(path)
		if !ordinary(path) {
			return false
		}
		return (filepath.Dir(path) == dir && strings.HasSuffix(path, ".journey")) || strings.HasPrefix(path, templates)
	}
}

// ordinary reports whether a file is one a workspace could hold: not
// hidden, not an editor's backup or swap file.
func ordinary(path string) bool {
	name := filepath.Base(path)
	return !strings.HasPrefix(name, ".") && !strings.HasSuffix(name, "~") && !strings.HasSuffix(name, ".swp")
}
