package main

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/journeylang/journey/compiler"
)

// ext is the extension of Journey source files.
const ext = ".journey"

// journeyFiles expands command-line paths into the Journey source files they
// name, in order and without repeats. A file must have the .journey
// extension. A directory is walked recursively for *.journey files in
// lexical order, skipping directories whose names begin with "." or "_" and
// directories named testdata (they hold deliberately broken or unformatted
// inputs), as the go command does for "./...".
//
// A path that cannot be read, a file that is not a .journey file and a
// directory that holds none are reported through report, and the other
// paths are still expanded.
func journeyFiles(paths []string, report func(error)) []string {
	var files []string
	seen := make(map[string]bool)
	add := func(file string) {
		if key := filepath.Clean(file); !seen[key] {
			seen[key] = true
			files = append(files, file)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			report(err)
			continue
		}
		if !info.IsDir() {
			if !isJourney(root) {
				report(notJourneyError(root))
				continue
			}
			add(root)
			continue
		}
		before := len(files)
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				report(err)
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != root && skipDir(d.Name()) {
					return fs.SkipDir
				}
				return nil
			}
			if isJourney(d.Name()) && !strings.HasPrefix(d.Name(), ".") {
				add(path)
			}
			return nil
		})
		if err != nil {
			report(err)
		}
		if len(files) == before && err == nil {
			report(noJourneyError(root))
		}
	}
	return files
}

// isJourney reports whether path names a Journey source file.
func isJourney(path string) bool { return strings.HasSuffix(path, ext) }

// noJourneyError and notJourneyError are the errors about a directory
// that holds no .journey file and a file of another kind, said the same by
// every command.
func noJourneyError(dir string) error { return fmt.Errorf("%s holds no .journey file", dir) }

func notJourneyError(file string) error { return fmt.Errorf("%s is not a .journey file", file) }

// workspaces loads, with load (compiler.LoadWorkspace, or
// compiler.LoadToCheck for a workspace that is only checked or compiled),
// the workspace of every file that paths name (see journeyFiles): the
// folder that holds it, with its sibling .journey files and templates, once
// per folder, in the order the folders are first met. A path or folder
// that cannot be read is reported to e and left out.
func workspaces(e *env, paths []string, load func(dir string) (*compiler.Workspace, error)) iter.Seq[*compiler.Workspace] {
	return func(yield func(*compiler.Workspace) bool) {
		seen := map[string]bool{}
		for _, path := range journeyFiles(paths, e.reportPath) {
			dir := filepath.Dir(path)
			if seen[dir] {
				continue
			}
			seen[dir] = true
			ws, err := load(dir)
			if err != nil {
				e.reportPath(err)
				continue
			}
			if !yield(ws) {
				return
			}
		}
	}
}

// skipDir reports whether a directory met while walking is left out.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata"
}

// writeFile replaces the contents of an existing file atomically: it writes
// a temporary file in the same directory, gives it the old file's mode, and
// renames it over the old file, so a reader (or a crash) sees either the
// old contents or the new, never a mix.
func writeFile(path string, data []byte) (err error) {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// pathError returns err's message with the operation left out, so that a
// missing file reads "x.journey: no such file or directory" rather than
// "stat x.journey: no such file or directory".
func pathError(err error) string {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Path + ": " + perr.Err.Error()
	}
	return err.Error()
}
