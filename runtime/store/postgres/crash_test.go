package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/storetest"
	"github.com/journeylang/journey/runtime/worker"
)

// The crash test's journey: three actions per contact, an hour apart.
const crashJourney = `journey crash

entry on signed_up

stage Only {
  send "welcome"
  after 1h notify sales "new sign-up"
  after 2h task "Call" for owner
}
`

const crashSchema = `contact {
  email: string?
}

event signed_up

team sales
`

func crashDeployment(t testing.TB) *runtime.Deployment {
	return storetest.Deploy(t,
		map[string][]byte{"crash.journey": []byte(crashJourney), "schema.journey": []byte(crashSchema)},
		map[string][]byte{"welcome.md": []byte("subject: Welcome\n")})
}

// crashClock runs simulated time 3,600 times faster than the wall clock,
// from a start shared by every process of the test: the hour-apart steps
// fall due a second apart.
func crashClock(start time.Time, wallStart time.Time) func() time.Time {
	return func() time.Time { return start.Add(time.Since(wallStart) * 3600) }
}

// TestMain lets the test binary serve as the crash test's worker process.
func TestMain(m *testing.M) {
	if os.Getenv("JOURNEY_CRASH_DSN") != "" {
		crashWorker()
		return
	}
	os.Exit(m.Run())
}

// crashWorker is the worker process the test starts and kills: it works
// until it is killed.
func crashWorker() {
	dsn := os.Getenv("JOURNEY_CRASH_DSN")
	start, _ := time.Parse(time.RFC3339Nano, os.Getenv("JOURNEY_CRASH_START"))
	wall, _ := time.Parse(time.RFC3339Nano, os.Getenv("JOURNEY_CRASH_WALL"))
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	d := crashDeployment(&testing.B{})
	w := &worker.Worker{Store: st, Engine: &runtime.Engine{Deployment: d}, ID: "crash-" + strconv.Itoa(os.Getpid()), Batch: 50, Lease: 2 * time.Second}
	if err := w.Run(ctx, crashClock(start, wall), 20*time.Millisecond); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
}

// TestCrashRecovery starts a worker process on Postgres, kills it with
// SIGKILL at random moments, many times, and restarts it; afterwards every
// step occurrence is in the outbox exactly once and no contact is left
// with work due.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("long: kills and restarts a worker process many times")
	}
	_, dsn := pgSchema(t)
	crashRecovery(t, dsn)
}

// crashRecovery is TestCrashRecovery on the store in dsn's schema.
func crashRecovery(t *testing.T, dsn string) {
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const contacts = 2000
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	// Taken in batches of 100 as the API takes them, each with a repeat
	// of the previous batch's first event, which is ignored.
	event := func(i int) store.BatchItem {
		id := "c" + strconv.Itoa(i)
		return store.BatchItem{Event: &store.AddEventParams{Contact: id, ID: "e" + id, Name: "signed_up", At: start}}
	}
	for from := 0; from < contacts; from += 100 {
		var items []store.BatchItem
		for i := from; i < from+100; i++ {
			items = append(items, event(i))
		}
		if from > 0 {
			items = append(items, event(from-100))
		}
		res, err := st.AddBatch(ctx, &store.AddBatchParams{Items: items})
		if err != nil {
			t.Fatal(err)
		}
		if want := min(from, 1); len(res.Duplicates) != want {
			t.Fatalf("batch at %d: duplicates %v, want %d", from, res.Duplicates, want)
		}
	}
	wall := time.Now()
	kills := 0
	// Fifty kills at random moments. A worker must start, open the store
	// and commit a batch in the time it is given; on a loaded machine it
	// may have done none of that by the fiftieth kill, so more rounds
	// follow, each giving the worker longer, until the killed workers
	// have committed something (or thirty more rounds have passed).
	committed := func() bool {
		out, err := st.Outbox(ctx, &store.OutboxParams{})
		if err != nil {
			t.Fatal(err)
		}
		return len(out) > 0
	}
	for round := 0; round < 50 || (round < 80 && !committed()); round++ {
		wait := time.Duration(50+rand.IntN(250)) * time.Millisecond
		if round >= 50 {
			wait *= time.Duration(round - 48)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "JOURNEY_CRASH_DSN="+dsn,
			"JOURNEY_CRASH_START="+start.Format(time.RFC3339Nano), "JOURNEY_CRASH_WALL="+wall.Format(time.RFC3339Nano))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		cmd.Wait()
	}
	// How far the killed workers got: actions committed before the last
	// worker starts.
	before, err := st.Outbox(ctx, &store.OutboxParams{})
	if err != nil {
		t.Fatal(err)
	}
	// A last worker, left to finish: all three steps fall due within
	// three simulated hours, about three seconds of wall time.
	d := crashDeployment(t)
	w := &worker.Worker{Store: st, Engine: &runtime.Engine{Deployment: d}, ID: "finisher", Batch: 200, Lease: 2 * time.Second}
	clock := crashClock(start, wall)
	runCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		if _, err := w.Tick(runCtx, clock()); err != nil {
			t.Fatal(err)
		}
		next, ok, err := st.NextWake(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if runCtx.Err() != nil {
			t.Fatalf("work still due at %s after a minute", next)
		}
		time.Sleep(20 * time.Millisecond)
	}
	actions, err := st.Outbox(ctx, &store.OutboxParams{})
	if err != nil {
		t.Fatal(err)
	}
	perContact := map[string]int{}
	keys := map[string]bool{}
	for _, a := range actions {
		if keys[a.Key] {
			t.Fatalf("key %s twice in the outbox", a.Key)
		}
		keys[a.Key] = true
		perContact[a.Contact]++
	}
	for i := range contacts {
		if n := perContact["c"+strconv.Itoa(i)]; n != 3 {
			t.Errorf("contact c%d has %d actions, want 3", i, n)
		}
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var sent, dup int
	if err := db.QueryRow(`SELECT count(*) FROM history WHERE kind = 'sent'`).Scan(&sent); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT contact_id, step FROM history WHERE kind IN ('sent','notified','task') GROUP BY contact_id, step HAVING count(*) > 1) d`).Scan(&dup); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d worker processes killed with SIGKILL; %d contacts; %d actions committed by the killed workers; %d outbox rows in the end (want %d); %d sent records; %d duplicated step records",
		kills, contacts, len(before), len(actions), 3*contacts, sent, dup)
	if len(before) == 0 {
		t.Error("the killed workers committed nothing: the test killed them before they worked")
	}
	if len(actions) != 3*contacts || sent != contacts || dup != 0 {
		t.Fatal("actions lost or repeated")
	}
}
