package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
)

// inspectCmd is `journey inspect FILE [--format text|json] [--verify KEY] [--explain]`.
type inspectCmd struct {
	Format  string `enum:"text,json" default:"text" help:"Output format: text, or json (the manifest and the step graphs)."`
	Verify  string `placeholder:"PUBKEY" help:"Require the bundle to be signed by the private key of this ed25519 public key (PEM)."`
	Explain bool   `help:"Also print how the runtime notices each entry, goal, exit and stage trigger change with time, as journey check --explain does."`
	File    string `arg:"" name:"file" help:"The bundle."`
}

func (c *inspectCmd) run(e *env) {
	if c.Explain && c.Format == "json" {
		e.errorf("inspect: --explain prints text: leave out --format json")
		return
	}
	b, ok := readBundle(e, "inspect", c.File, c.Verify)
	if !ok {
		return
	}
	if c.Format == "json" {
		out, err := json.MarshalIndent(struct {
			Manifest  compiler.Manifest   `json:"manifest"`
			Signature *compiler.Signature `json:"signature,omitempty"`
			Journeys  []*compiler.Journey `json:"journeys"`
			Budget    *compiler.Budget    `json:"budget,omitempty"`
		}{b.Manifest, b.Signature, b.Program.Journeys, b.Program.Budget}, "", "  ")
		if err != nil {
			e.errorf("inspect: %v", err)
			return
		}
		fmt.Fprintf(e.stdout, "%s\n", out)
		return
	}
	m := b.Manifest
	fmt.Fprintf(e.stdout, "bundle %s\ncompiler %s\nschema %s\n", c.File, m.Compiler, m.SchemaDigest)
	if b.Signature != nil {
		fmt.Fprintf(e.stdout, "signed by key %s (%s)\n", b.Signature.KeyID, b.Signature.Algorithm)
	} else {
		fmt.Fprintln(e.stdout, "unsigned")
	}
	for _, s := range m.Sources {
		fmt.Fprintf(e.stdout, "source %s %s\n", s.File, s.SHA256)
	}
	for _, t := range m.Templates {
		fmt.Fprintf(e.stdout, "template %s %s\n", t.File, t.SHA256)
	}
	if b.Program.Budget != nil {
		fmt.Fprint(e.stdout, compiler.DumpBudget(b.Program.Budget))
		fmt.Fprint(e.stdout, compiler.DumpHolidays(b.Program.Holidays))
		fmt.Fprint(e.stdout, compiler.DumpRules(b.Program.Rules))
	} else {
		def := runtime.DefaultBudget
		fmt.Fprintf(e.stdout, "budget %d sends per %s (the default)\n", def.Sends, compiler.Duration(def.Per))
	}
	for _, j := range b.Program.Journeys {
		fmt.Fprintf(e.stdout, "\n%s", compiler.Dump(j))
	}
	if c.Explain {
		fmt.Fprintln(e.stdout, "\nwake-ups")
		e.explain("inspect", b.Program)
	}
}

// readBundle reads and verifies a bundle file.
func readBundle(e *env, cmd, file, pubkey string) (*compiler.Bundle, bool) {
	b, _, ok := readBundleData(e, cmd, file, pubkey)
	return b, ok
}

// readBundleData is readBundle, with the bundle's bytes.
func readBundleData(e *env, cmd, file, pubkey string) (*compiler.Bundle, []byte, bool) {
	if info, err := os.Stat(file); err == nil && info.IsDir() {
		e.errorf("%s: %s is a directory, not a bundle (journey compile %s -o FILE makes one)", cmd, file, file)
		return nil, nil, false
	}
	data, err := os.ReadFile(file)
	if err != nil {
		e.reportPath(err)
		return nil, nil, false
	}
	opts, ok := readOptions(e, cmd, pubkey)
	if !ok {
		return nil, nil, false
	}
	b, err := compiler.ReadBundle(data, opts)
	if errors.Is(err, compiler.ErrNotBundle) {
		// Another kind of file: the wrong input, as a directory is.
		e.errorf("%s: %s is not a bundle (journey compile makes one)", cmd, file)
		return nil, nil, false
	}
	if err != nil {
		// A bundle, refused: damaged, unsigned, or made for another version.
		fmt.Fprintf(e.stderr, "journey: %s: %s: %v\n", cmd, file, err)
		e.fail(exitFindings)
		return nil, nil, false
	}
	return b, data, true
}

// readOptions requires a bundle signed by the key in the PEM file pubkey,
// or nothing when it is "".
func readOptions(e *env, cmd, pubkey string) (compiler.ReadOptions, bool) {
	opts := compiler.ReadOptions{}
	if pubkey != "" {
		k, err := compiler.ReadPublicKey(pubkey)
		if err != nil {
			e.errorf("%s: --verify: %s", cmd, pathError(err))
			return opts, false
		}
		opts.PublicKey = k
	}
	return opts, true
}
