package main

import (
	"encoding/json"
	"fmt"

	"github.com/journeylang/journey/internal/version"
)

// versionCmd is `journey version [--format text|json]`; `journey --version`
// prints the same text.
type versionCmd struct {
	Format string `enum:"text,json" default:"text" help:"Output format: text, or json (version, commit, time, modified, go, platform)."`
}

func (c *versionCmd) run(e *env) {
	info := version.Get()
	if c.Format == "json" {
		out, err := json.MarshalIndent(info, "", "  ")
		if err != nil {
			e.errorf("version: %v", err)
			return
		}
		fmt.Fprintf(e.stdout, "%s\n", out)
		return
	}
	fmt.Fprint(e.stdout, info)
}
