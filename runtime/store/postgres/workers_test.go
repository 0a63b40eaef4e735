package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/storetest"
	"github.com/journeylang/journey/runtime/worker"
)

// TestPostgresTwoWorkers runs two workers, each with its own connection
// pool, on one schema: every contact is processed exactly once — one
// commit, one `sent` record, one outbox row — and no record is written
// twice.
func TestPostgresTwoWorkers(t *testing.T) {
	t.Parallel()
	const contacts = 500
	ctx := context.Background()
	_, dsn := pgSchema(t)
	pools := []*postgres.Store{pgOpen(t, dsn), pgOpen(t, dsn)}
	d := pgDeployment(t)

	// Intake from several goroutines at once, on the first pool.
	var wg sync.WaitGroup
	errs := make(chan error, contacts)
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < contacts; i += 8 {
				id := fmt.Sprintf("c%03d", i)
				ok, err := pools[0].AddEvent(ctx, &store.AddEventParams{Contact: id, ID: "signup-" + id, Name: "form_submitted", Payload: map[string]any{"form": "any"}, At: pgT0})
				if err == nil && !ok {
					err = fmt.Errorf("event for %s ignored", id)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	now := pgT0.Add(time.Minute)
	committed := make([]int, len(pools))
	start := make(chan struct{})
	errs = make(chan error, len(pools))
	for i, s := range pools {
		w := &worker.Worker{Store: s, Engine: &runtime.Engine{Deployment: d}, ID: fmt.Sprintf("worker-%d", i), Batch: 50, Lease: time.Minute}
		wg.Go(func() {
			<-start
			for {
				n, err := w.Tick(ctx, now)
				if err != nil {
					errs <- err
					return
				}
				committed[i] += n
				if n > 0 {
					continue
				}
				next, ok, err := s.NextWake(ctx)
				if err != nil {
					errs <- err
					return
				}
				if !ok || next.After(now) {
					return // nothing due
				}
				time.Sleep(time.Millisecond) // due but held by the other worker
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("commits per worker: %v", committed)
	if committed[0]+committed[1] != contacts {
		t.Errorf("%v commits, want %d in all", committed, contacts)
	}
	if committed[0] == 0 || committed[1] == 0 {
		t.Errorf("one worker did everything: %v", committed)
	}

	out, err := pools[1].Outbox(ctx, &store.OutboxParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != contacts {
		t.Errorf("outbox has %d rows, want %d", len(out), contacts)
	}
	perContact := map[string]int{}
	keys := map[string]bool{}
	for _, a := range out {
		perContact[a.Contact]++
		if keys[a.Key] {
			t.Errorf("outbox key %s twice", a.Key)
		}
		keys[a.Key] = true
	}

	hist, err := pools[1].History(ctx, &store.HistoryParams{})
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]int{}
	seen := map[string]bool{}
	for _, r := range hist {
		line := fmt.Sprintf("%s %s %s#%d %s %s %s", r.At.Format(time.RFC3339Nano), r.Contact, r.Journey, r.Entry, r.Kind, r.Step, r.Detail)
		if seen[line] {
			t.Errorf("record twice: %s", line)
		}
		seen[line] = true
		if r.Kind == runtime.RecSent {
			sent[r.Contact]++
		}
	}
	for i := range contacts {
		id := fmt.Sprintf("c%03d", i)
		if sent[id] != 1 || perContact[id] != 1 {
			t.Errorf("%s: %d sent records, %d outbox rows; want 1 and 1", id, sent[id], perContact[id])
		}
	}
}

// pgDeployment compiles a journey that sends one email on entry.
func pgDeployment(t *testing.T) *runtime.Deployment {
	t.Helper()
	return storetest.Deploy(t, map[string][]byte{
		"schema.journey": []byte(`contact {
  email: string
}

event form_submitted { form: string }
`),
		"welcome.journey": []byte(`journey welcome

entry on form_submitted

stage Welcome {
  send "welcome"
}
`),
	}, map[string][]byte{"welcome.md": []byte("subject: Welcome\n")})
}

// TestPostgresConcurrentIntake sends the same events to one contact from
// several goroutines while a worker keeps claiming and completing it:
// each event is taken once, and every one taken reaches the worker
// exactly once — none is deleted unseen by a complete that raced its
// intake.
func TestPostgresConcurrentIntake(t *testing.T) {
	t.Parallel()
	const events, senders = 200, 4
	ctx := context.Background()
	_, dsn := pgSchema(t)
	intake, wk := pgOpen(t, dsn), pgOpen(t, dsn)

	var wg sync.WaitGroup
	taken := make([]int, senders)
	errs := make(chan error, senders+1)
	for g := range senders {
		wg.Go(func() {
			for i := range events {
				// Times spread around pgT0, so some events bring the
				// wake-up forward and some do not.
				at := pgT0.Add(time.Duration((i*7919+g)%600-300) * time.Second)
				ok, err := intake.AddEvent(ctx, &store.AddEventParams{Contact: "hot", ID: fmt.Sprintf("e%03d", i), Name: "page_viewed", At: at})
				if err != nil {
					errs <- err
					return
				}
				if ok {
					taken[g]++
				}
			}
		})
	}
	intakeDone := make(chan struct{})
	go func() { wg.Wait(); close(intakeDone) }()
	done := make(chan struct{})
	seen := map[string]int{}
	go func() {
		defer close(done)
		now := pgT0.Add(time.Hour)
		for rounds := 0; ; rounds++ {
			work, err := wk.Claim(ctx, &store.ClaimParams{Now: now, Limit: 10, Worker: "w", Lease: time.Minute})
			if err != nil {
				errs <- err
				return
			}
			var results []*store.WorkResult
			var ids []string
			for _, w := range work {
				var consumed int64
				for _, in := range w.Inputs {
					consumed = max(consumed, in.Seq)
					ids = append(ids, in.ID)
				}
				results = append(results, &store.WorkResult{Contact: w.State.ID, Rev: w.Rev, State: w.State, Consumed: consumed, Outcome: &runtime.Outcome{}})
			}
			if len(results) > 0 {
				res, err := wk.Complete(ctx, &store.CompleteParams{Worker: "w", Now: now, Results: results})
				if err != nil {
					errs <- err
					return
				}
				if res.Committed != len(results) {
					errs <- fmt.Errorf("round %d: %+v", rounds, res)
					return
				}
				for _, id := range ids {
					seen[id]++
				}
				continue
			}
			select {
			case <-intakeDone:
				if _, ok, err := wk.NextWake(ctx); err != nil || !ok {
					if err != nil {
						errs <- err
					}
					return
				}
			default:
			}
		}
	}()
	wg.Wait()
	<-done
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := 0
	for _, n := range taken {
		total += n
	}
	if total != events {
		t.Errorf("%d events taken (per sender %v), want %d", total, taken, events)
	}
	if len(seen) != events {
		t.Errorf("the worker saw %d distinct events, want %d", len(seen), events)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s reached the worker %d times", id, n)
		}
	}
}

// TestPostgresIntakeLocksBeforeNumbering pins down what keeps
// TestPostgresConcurrentIntake safe: intake takes the contact's wake-up
// lock before its input gets a sequence number. While another transaction
// holds that lock, an event for the contact waits un-numbered, so no
// worker can see a later input of the contact while an earlier one is in
// flight (and delete the earlier one with seq <= consumed).
func TestPostgresIntakeLocksBeforeNumbering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	schema, dsn := pgSchema(t)
	s := pgOpen(t, dsn)
	admin := pgAdminDB(t)
	if _, err := s.AddEvent(ctx, &store.AddEventParams{Contact: "hot", ID: "e1", Name: "login", At: pgT0}); err != nil {
		t.Fatal(err)
	}
	lastSeq := func() int64 {
		t.Helper()
		var n int64
		if err := admin.QueryRow("SELECT last_value FROM " + pq.QuoteIdentifier(schema) + ".inputs_seq_seq").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	conn, err := admin.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var holder int
	if err := tx.QueryRow("SELECT pg_backend_pid()").Scan(&holder); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("SELECT 1 FROM " + pq.QuoteIdentifier(schema) + ".wakeups WHERE contact_id = 'hot' FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	added := make(chan error, 1)
	go func() {
		_, err := s.AddEvent(ctx, &store.AddEventParams{Contact: "hot", ID: "e2", Name: "login", At: pgT0.Add(-time.Minute)})
		added <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); ; {
		var waiting int
		if err := admin.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", holder).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second event never waited for the wake-up's lock")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := lastSeq(); n != 1 {
		t.Errorf("an event waiting for the contact's lock already took sequence number %d", n)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-added; err != nil {
		t.Fatal(err)
	}
	if n := lastSeq(); n != 2 {
		t.Errorf("last sequence number %d after the second event, want 2", n)
	}
	pgWantNextWake(t, s, pgT0.Add(-time.Minute))
}
