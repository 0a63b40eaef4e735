package main

import (
	"bytes"
	"io"
	"os"

	"github.com/aymanbagabas/go-udiff"

	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/format"
)

// stdinName names standard input in diagnostics and listings.
const stdinName = "<standard input>"

// fmtCmd is `journey fmt [-w|-l|-d] PATH…`.
type fmtCmd struct {
	Write bool     `short:"w" xor:"mode" help:"Rewrite files in place when their formatting differs."`
	List  bool     `short:"l" xor:"mode" help:"List files whose formatting differs; exit 1 if any."`
	Diff  bool     `short:"d" xor:"mode" help:"Print a unified diff of the formatting changes; exit 1 if any."`
	Paths []string `arg:"" optional:"" name:"path" help:"A .journey file or a directory to walk for them. None: read standard input, write standard output."`
}

// run formats every file of c.Paths, or standard input when there are none.
// A file that does not parse is reported with its diagnostics and left as
// it is.
func (c *fmtCmd) run(e *env) {
	if len(c.Paths) == 0 {
		if c.Write {
			e.errorf("fmt: cannot use -w with standard input")
			return
		}
		src, err := io.ReadAll(e.stdin)
		if err != nil {
			e.errorf("fmt: reading standard input: %v", err)
			return
		}
		c.format(e, stdinName, src)
		return
	}
	for _, path := range journeyFiles(c.Paths, e.reportPath) {
		src, err := os.ReadFile(path)
		if err != nil {
			e.reportPath(err)
			continue
		}
		c.format(e, path, src)
	}
}

// format formats the text src of the file named name and does with the
// result what c's flags ask.
func (c *fmtCmd) format(e *env, name string, src []byte) {
	out, diags := format.Source(name, src)
	if diags.HasErrors() {
		diags.Sort()
		diag.RenderAll(e.stderr, diags, map[string][]byte{name: src})
		e.fail(exitFindings)
		return
	}
	changed := !bytes.Equal(src, out)
	switch {
	case c.List:
		if changed {
			io.WriteString(e.stdout, name+"\n")
			e.fail(exitFindings)
		}
	case c.Diff:
		if changed {
			io.WriteString(e.stdout, udiff.Unified(name+".orig", name, string(src), string(out)))
			e.fail(exitFindings)
		}
	case c.Write:
		if changed {
			if err := writeFile(name, out); err != nil {
				e.reportPath(err)
			}
		}
	default:
		e.stdout.Write(out)
	}
}
