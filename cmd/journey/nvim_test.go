package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestNeovim starts a real editor, Neovim, headless, with its built-in
// LSP client running `journey lsp` on a workspace with a misspelt field,
// checks the diagnostic it shows (on a line with non-ASCII text before the
// name, so the column tells whether UTF-16 positions were converted),
// applies the quick fix, and checks that the diagnostic goes. Without nvim it is skipped, except
// under CI=true, where it fails.
func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nvim is not installed (.ci/run installs Debian's neovim)")
		}
		t.Skip("nvim is not installed")
	}
	const schema = "contact {\n  email: string\n  score: int\n}\n\nevent form_submitted { form: string }\n"
	const journey = "journey j\n\nentry on form_submitted\nexit  when has_tag(\"é🎉\") && scroe > 10\n\nstage A {\n  next\n}\n\nstage B {\n  exit \"done\"\n}\n"
	_, ws, bin := nvimWorkspace(t, schema, journey)
	script, err := filepath.Abs("testdata/nvim/diagnostics.lua")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "result")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-c", "luafile "+script, filepath.Join(ws, "j.journey"))
	cmd.Dir = ws
	cmd.Env = append(os.Environ(), "JOURNEY_BIN="+bin, "JOURNEY_NVIM_OUT="+out, "XDG_STATE_HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir())
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("nvim wrote no result: %v", err)
	}
	// The column counts bytes, as Neovim does: é is 2, 🎉 is 4.
	want := "4:33:UndefinedName:undefined field \"scroe\" (did you mean score?)\n" +
		"exit  when has_tag(\"é🎉\") && score > 10\n" +
		"clean\n"
	if string(got) != want {
		t.Errorf("nvim shows %q, want %q", got, want)
	}
}

// nvimWorkspace writes a workspace of a schema and a journey, and links
// the test binary as `journey` (TestMain runs it as the command).
func nvimWorkspace(t *testing.T, schema, journey string) (dir, ws, bin string) {
	t.Helper()
	dir = t.TempDir()
	ws = filepath.Join(dir, "ws")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"schema.journey": schema, "j.journey": journey} {
		if err := os.WriteFile(filepath.Join(ws, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin = filepath.Join(dir, "journey")
	if err := os.Symlink(os.Args[0], bin); err != nil {
		t.Fatal(err)
	}
	return dir, ws, bin
}
