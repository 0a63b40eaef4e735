package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/journeylang/journey/runtime/redact"
	"github.com/journeylang/journey/runtime/store"
)

// contactsCmd is `journey contacts release`: what an operator does to one
// contact.
type contactsCmd struct {
	Release contactsReleaseCmd `cmd:"" help:"Release a contact's halted journeys: its next run takes them up where they stopped."`
}

type contactsReleaseCmd struct {
	DB      string `placeholder:"DSN" help:"The store, as journey run made it: postgres://… for Postgres, else a SQLite file's path." default:"journey.db"`
	Journey string `placeholder:"NAME" help:"Release this journey only; by default every halted one."`
	ID      string `arg:"" help:"The contact's ID."`
}

func (c *contactsReleaseCmd) run(e *env) {
	ctx := context.Background()
	st, err := openExistingStore(ctx, c.DB)
	if err != nil {
		e.errorf("contacts release: %v", err)
		return
	}
	defer st.Close()
	err = st.Release(ctx, &store.ReleaseParams{Contact: c.ID, Journey: c.Journey, At: time.Now()})
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(e.stderr, "journey: contacts release: no contact %q in %s\n", c.ID, redact.DSN(c.DB))
		e.fail(exitFindings)
		return
	}
	if err != nil {
		e.errorf("contacts release: %v", err)
		return
	}
	what := "every halted journey"
	if c.Journey != "" {
		what = "journey " + c.Journey
	}
	fmt.Fprintf(e.stdout, "contact %s: %s released; a runner takes it up at the contact's next run\n", c.ID, what)
}
