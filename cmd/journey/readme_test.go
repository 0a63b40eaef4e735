package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/journeylang/journey/lang/format"
)

// TestReadmeTour follows the README's tour as a new user would: it makes
// the folder from the files the README prints, runs the commands the
// README shows and compares what they print with the README, making the
// edits the README's prose asks for between them. The files must be in
// journey fmt style.
func TestReadmeTour(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	dir := t.TempDir()

	// The files: a block right after a sentence that names the file.
	files := regexp.MustCompile("(?s)`(welcome/[^`/]+(?:/[^`/]+)?\\.(?:journey|md))`[^`]*?:\n\n```\\w*\n(.*?)```").FindAllStringSubmatch(readme, -1)
	want := []string{"welcome/schema.journey", "welcome/welcome.journey", "welcome/templates/welcome.md", "welcome/templates/tips.md", "welcome/templates/upgrade-offer.md", "welcome/welcome_test.journey"}
	var got []string
	for _, f := range files {
		got = append(got, f[1])
		path := filepath.Join(dir, f[1])
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(f[2]), 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f[1], ext) {
			if out, diags := format.Source(f[1], []byte(f[2])); diags.HasErrors() || string(out) != f[2] {
				t.Errorf("%s as the README prints it is not in journey fmt style:\n%s", f[1], out)
			}
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("the README's tour prints the files %q, want %q", got, want)
	}
	t.Chdir(dir)

	// The commands, each with what it prints.
	blocks := regexp.MustCompile("(?s)```text\n\\$ (journey [^\n]*)\n(.*?)```").FindAllStringSubmatch(readme, -1)
	if len(blocks) != 3 {
		t.Fatalf("the README's tour shows %d commands, want 3 (check, test --cover, a failing test)", len(blocks))
	}
	edit := func(file, old, new string) {
		t.Helper()
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(text, []byte(old)) || !strings.Contains(readme, new) {
			t.Fatalf("the README's edit of %s, %s to %s, no longer applies", file, old, new)
		}
		if err := os.WriteFile(file, bytes.Replace(text, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	journey := func(line string, code int, want string) {
		t.Helper()
		var out bytes.Buffer
		if got := run(strings.Fields(line)[1:], strings.NewReader(""), &out, &out); got != code {
			t.Errorf("%s exited %d, want %d:\n%s", line, got, code, out.String())
		}
		if out.String() != want {
			t.Errorf("%s prints\n%s\nthe README shows\n%s", line, out.String(), want)
		}
	}

	journey("journey fmt -l welcome", 0, "")
	journey(blocks[0][1], 1, blocks[0][2])
	edit("welcome/welcome.journey", `"fre"`, `"free"`) // "With "free", it checks clean."
	journey("journey check welcome", 0, "")
	journey(blocks[1][1], 0, blocks[1][2])
	edit("welcome/welcome_test.journey", `at 3d  expect sent "tips"`, `at 2d  expect sent "tips"`)
	journey(blocks[2][1], 1, blocks[2][2])
	edit("welcome/welcome_test.journey", `at 2d  expect sent "tips"`, `at 3d  expect sent "tips"`) // "Back on day 3"
	journey("journey compile welcome -o welcome.bundle", 0, "")
	var out bytes.Buffer
	if code := run([]string{"inspect", "welcome.bundle"}, nil, &out, &out); code != 0 || !strings.Contains(out.String(), "source welcome.journey ") {
		t.Errorf("journey inspect welcome.bundle exited %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"graph", "welcome"}, nil, &out, &out); code != 0 || !strings.Contains(out.String(), `subgraph j1["journey welcome"]`) {
		t.Errorf("journey graph welcome exited %d:\n%s", code, out.String())
	}
}
