package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tree creates the files named (with empty contents) under a temporary
// directory, changes into it, and returns it.
func tree(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range names {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

func TestJourneyFiles(t *testing.T) {
	tree(t,
		"b.journey",
		"a.journey",
		"notes.md",
		"sub/z.journey",
		"sub/deeper/y.journey",
		"sub/a_test.journey",
		".git/x.journey",
		"_old/x.journey",
		"testdata/bad.journey",
		"sub/.hidden.journey",
		"other/c.journey",
		"other/readme.txt",
		"empty/notes.md",
	)
	tests := []struct {
		name  string
		paths []string
		want  []string
		errs  []string
	}{{
		name:  "a directory is walked in lexical order",
		paths: []string{"."},
		want:  []string{"a.journey", "b.journey", "other/c.journey", "sub/a_test.journey", "sub/deeper/y.journey", "sub/z.journey"},
	}, {
		name:  "files are taken as given, in argument order",
		paths: []string{"b.journey", "sub/z.journey", "a.journey"},
		want:  []string{"b.journey", "sub/z.journey", "a.journey"},
	}, {
		name:  "a file that is not a .journey file is reported",
		paths: []string{"b.journey", "other/readme.txt", "a.journey"},
		want:  []string{"b.journey", "a.journey"},
		errs:  []string{"other/readme.txt is not a .journey file"},
	}, {
		name:  "a directory that holds no .journey file is reported",
		paths: []string{"_old/x.journey", "empty", "a.journey"},
		want:  []string{"_old/x.journey", "a.journey"},
		errs:  []string{"empty holds no .journey file"},
	}, {
		name:  "repeats are dropped",
		paths: []string{"sub", "sub/z.journey", "./sub/deeper/y.journey"},
		want:  []string{"sub/a_test.journey", "sub/deeper/y.journey", "sub/z.journey"},
	}, {
		name:  "a skipped directory named explicitly is walked",
		paths: []string{"testdata", "sub/"},
		want:  []string{"testdata/bad.journey", "sub/a_test.journey", "sub/deeper/y.journey", "sub/z.journey"},
	}, {
		name:  "a missing path is reported and the rest expanded",
		paths: []string{"nope.journey", "other"},
		want:  []string{"other/c.journey"},
		errs:  []string{"nope.journey: no such file or directory"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs []string
			got := journeyFiles(tt.paths, func(err error) { errs = append(errs, pathError(err)) })
			for i := range got {
				got[i] = filepath.ToSlash(got[i])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.errs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := tree(t)
	path := filepath.Join(dir, "a.journey")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(path, []byte("new contents")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "new contents" {
		t.Errorf("contents = %q, want %q", got, "new contents")
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want -rw-------", info.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only a.journey (no temporary file left)", len(entries))
	}

	err = writeFile(filepath.Join(dir, "missing.journey"), []byte("x"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("writeFile of a missing file: %v, want a not-exist error", err)
	}
}
