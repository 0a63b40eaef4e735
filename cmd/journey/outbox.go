package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/journeylang/journey/runtime/redact"
	"github.com/journeylang/journey/runtime/store"
)

// outboxCmd is `journey outbox list|retry`: the delivery queue as
// operators see it.
type outboxCmd struct {
	List  outboxListCmd  `cmd:"" help:"List outbox rows: parked ones by default."`
	Retry outboxRetryCmd `cmd:"" help:"Make parked rows (or one row) pending again."`
}

type outboxListCmd struct {
	DB     string `placeholder:"DSN" help:"The store, as journey run made it: postgres://… for Postgres, else a SQLite file's path." default:"journey.db"`
	Status string `enum:"pending,sent,parked,unknown,cancelled,all" default:"parked" help:"Which rows: pending, sent, parked, unknown, cancelled or all."`
	Limit  int    `default:"100" help:"At most this many rows."`
}

type outboxRetryCmd struct {
	DB  string `placeholder:"DSN" help:"The store, as journey run made it: postgres://… for Postgres, else a SQLite file's path." default:"journey.db"`
	Key string `arg:"" optional:"" help:"One row's idempotency key; none: every parked row."`
}

func (c *outboxCmd) run(e *env, command string) {
	if strings.HasPrefix(command, "outbox retry") {
		c.Retry.run(e)
		return
	}
	c.List.run(e)
}

func (c *outboxListCmd) run(e *env) {
	ctx := context.Background()
	st, err := openExistingStore(ctx, c.DB)
	if err != nil {
		e.errorf("outbox: %v", err)
		return
	}
	defer st.Close()
	status := c.Status
	if status == "all" {
		status = ""
	}
	rows, err := st.ListOutbox(ctx, &store.ListOutboxParams{Status: status, Limit: c.Limit})
	if err != nil {
		e.errorf("outbox: %v", err)
		return
	}
	for _, r := range rows {
		fmt.Fprintf(e.stdout, "%s  %-7s  %-7s  attempts %d  %s %s  contact %s  %s", r.Key, r.Status, r.Kind, r.Attempts, r.Journey, r.Step, r.Contact, r.Due.UTC().Format(time.RFC3339))
		if r.LastError != "" {
			fmt.Fprintf(e.stdout, "  error: %s", redact.Text(r.LastError)) // a row may hold one stored unredacted
		}
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintf(e.stdout, "%d rows\n", len(rows))
}

func (c *outboxRetryCmd) run(e *env) {
	ctx := context.Background()
	st, err := openExistingStore(ctx, c.DB)
	if err != nil {
		e.errorf("outbox: %v", err)
		return
	}
	defer st.Close()
	n, err := st.RetryOutbox(ctx, &store.RetryOutboxParams{Key: c.Key, Now: time.Now()})
	if err != nil {
		e.errorf("outbox: %v", err)
		return
	}
	if n == 0 && c.Key != "" {
		c.why(ctx, e, st)
		return
	}
	fmt.Fprintf(e.stdout, "%d rows pending again\n", n)
}

// why says why the row of c.Key was not retried, and records exit code 1.
func (c *outboxRetryCmd) why(ctx context.Context, e *env, st store.Store) {
	rows, err := st.ListOutbox(ctx, &store.ListOutboxParams{Key: c.Key})
	if err != nil {
		e.errorf("outbox: %v", err)
		return
	}
	switch {
	case len(rows) == 0:
		fmt.Fprintf(e.stderr, "journey: outbox retry: no outbox row %s\n", c.Key)
	case rows[0].LeaseOwner != "":
		r := rows[0]
		fmt.Fprintf(e.stderr, "journey: outbox retry: outbox row %s is %s and held by %s until %s: retry it when the lease ends\n",
			c.Key, r.Status, r.LeaseOwner, r.LeaseUntil.UTC().Format(time.RFC3339))
	default:
		fmt.Fprintf(e.stderr, "journey: outbox retry: outbox row %s is %s: only a parked or unknown row is retried\n", c.Key, rows[0].Status)
	}
	e.fail(exitFindings)
}
