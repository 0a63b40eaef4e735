package main

import (
	"context"
	"io"
	"os"
	"os/signal"

	"github.com/journeylang/journey/lsp"
)

// lspCmd is `journey lsp`: the language server, for editors.
type lspCmd struct{}

// stdio joins standard input and output into the server's stream.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return nil }

// run serves one editor on standard input and output until it exits.
func (c *lspCmd) run(e *env) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := lsp.Serve(ctx, stdio{e.stdin, e.stdout}, lsp.Options{}); err != nil {
		e.errorf("lsp: %v", err)
	}
}
