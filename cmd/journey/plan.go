package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/journeylang/journey/runtime/plan"
)

// planCmd is `journey plan (PATH… | --bundle FILE) --db DSN [--format text|json]`.
type planCmd struct {
	Bundle   string   `placeholder:"FILE" help:"Plan a compiled bundle instead of source."`
	Verify   string   `placeholder:"PUBKEY" help:"Require the bundle to be signed by this ed25519 public key (PEM)."`
	DB       string   `placeholder:"DSN" help:"The store the runners use: postgres://… for Postgres, else a SQLite file's path." default:"journey.db"`
	Format   string   `enum:"text,json" default:"text" help:"Output format: text or json."`
	Examples int      `default:"5" help:"Contact IDs shown per case."`
	At       string   `placeholder:"TIME" help:"Plan a deploy at this time (RFC 3339) rather than now: the contacts are first run to it under the deployment in force."`
	Paths    []string `arg:"" optional:"" name:"path" help:"The workspace to plan (its folder, or files in it)."`

	DetailedExitcode bool `name:"detailed-exitcode" help:"Exit 0 when the deploy changes nothing, 2 when it changes a journey, 1 on any error (for CI)."`
	changes          bool // the plan changes a journey (set by run)
}

func (c *planCmd) run(e *env) {
	src := &runCmd{Bundle: c.Bundle, Verify: c.Verify, Paths: c.Paths}
	d, ok := src.deployment(e, "plan")
	if !ok {
		return
	}
	at := time.Now()
	if c.At != "" {
		t, err := time.Parse(time.RFC3339, c.At)
		if err != nil {
			e.errorf("plan: --at: %q is not a time like 2026-11-22T09:00:00Z", c.At)
			return
		}
		at = t
	}
	ctx := context.Background()
	store, err := openExistingStore(ctx, c.DB)
	if err != nil {
		e.errorf("plan: %v", err)
		return
	}
	defer store.Close()
	p, err := plan.Make(ctx, plan.Options{Store: store, Deployment: d, Now: at, Examples: c.Examples})
	if err != nil {
		e.errorf("plan: %v", err)
		return
	}
	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // conditions read as written: score >= 60, a && b
		err = enc.Encode(p)
	} else {
		err = p.WriteText(e.stdout)
	}
	if err != nil {
		e.errorf("plan: %v", err)
	}
	c.changes = len(p.Journeys) > 0
}
