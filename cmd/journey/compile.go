package main

import (
	"os"
	"path/filepath"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
)

// compileCmd is `journey compile PATH… -o FILE [--sign KEY]`.
type compileCmd struct {
	Output string   `short:"o" required:"" placeholder:"FILE" help:"The bundle to write; - for standard output."`
	Sign   string   `placeholder:"KEY" help:"Sign the bundle with this ed25519 private key (PEM, as openssl genpkey -algorithm ed25519 writes it)."`
	Paths  []string `arg:"" name:"path" help:"The workspace: its folder, or files in it."`
}

func (c *compileCmd) run(e *env) {
	prog, ok := compileWorkspace(e, "compile", c.Paths)
	if !ok {
		return
	}
	var key []byte
	if c.Sign != "" {
		k, err := compiler.ReadPrivateKey(c.Sign)
		if err != nil {
			e.errorf("compile: %v", err)
			return
		}
		key = k
	}
	data, err := compiler.WriteBundle(prog, key)
	if err != nil {
		e.errorf("compile: %v", err)
		return
	}
	if c.Output == "-" {
		e.stdout.Write(data)
		return
	}
	if err := writeNewFile(c.Output, data); err != nil {
		e.errorf("compile: %v", err)
	}
}

// compileWorkspace loads and compiles the one workspace that paths name,
// printing its diagnostics. ok is false when there is nothing to go on
// with; the exit code is then set.
func compileWorkspace(e *env, cmd string, paths []string) (*compiler.Program, bool) {
	dir, ok := workspaceDir(e, cmd, paths)
	if !ok {
		return nil, false
	}
	ws, err := compiler.LoadToCheck(dir)
	if err != nil {
		e.errorf("%s: %s", cmd, pathError(err))
		return nil, false
	}
	if len(ws.Sources) == 0 {
		e.reportPath(noJourneyError(dir))
		return nil, false
	}
	prog, diags := compiler.Compile(ws)
	if diags.HasErrors() {
		e.report(diags, ws.Texts())
		e.fail(exitFindings)
		return nil, false
	}
	diag.RenderAll(e.stderr, diags, ws.Texts()) // warnings, without a summary
	return prog, true
}

// workspaceDir returns the folder that paths name: a folder, or files that
// all live in the same one.
func workspaceDir(e *env, cmd string, paths []string) (string, bool) {
	dir := ""
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			e.reportPath(err)
			return "", false
		}
		d := p
		if !info.IsDir() {
			if !isJourney(p) {
				e.reportPath(notJourneyError(p))
				return "", false
			}
			d = filepath.Dir(p)
		}
		if dir != "" && filepath.Clean(d) != filepath.Clean(dir) {
			e.errorf("%s: %s and %s are different workspaces; give one folder", cmd, dir, d)
			return "", false
		}
		dir = d
	}
	return dir, true
}

// writeNewFile writes data to path, replacing it atomically if it exists.
func writeNewFile(path string, data []byte) error {
	if _, err := os.Stat(path); err == nil {
		return writeFile(path, data)
	}
	return os.WriteFile(path, data, 0o644)
}
