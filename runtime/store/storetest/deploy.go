package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// testDeploy puts bundles in force one after another: a bundle in force
// already is not recorded again, another one is, and so is an earlier
// one deployed again (a rollback). Deployed reports the latest to a
// runner that has not seen it.
func testDeploy(t *testing.T, newStore Open) {
	b1, b2 := []byte("bundle one\x00\xff"), []byte("bundle two")
	ctx := context.Background()
	st := newStore(t)
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	if d, err := st.Deployed(ctx, &store.DeployedParams{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Deployed on an empty store = %+v, %v; want ErrNotFound", d, err)
	}
	deploy := func(bundle []byte, by string, at time.Time, wantNew bool) *store.DeployedBundle {
		t.Helper()
		d, added, err := st.Deploy(ctx, &store.DeployParams{Bundle: bundle, By: by, At: at})
		if err != nil {
			t.Fatal(err)
		}
		if added != wantNew {
			t.Fatalf("Deploy of %q reported new = %v, want %v", bundle, added, wantNew)
		}
		return d
	}

	first := deploy(b1, "runner-a", at, true)
	want := &store.DeployedBundle{ID: first.ID, Digest: runtime.BundleDigest(b1), Bundle: b1, By: "runner-a", At: at}
	if first.ID <= 0 {
		t.Errorf("first deployment has ID %d", first.ID)
	}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("Deploy (-want +got):\n%s", diff)
	}
	wantDeployed(t, st, 0, want)

	// In force already, by whoever and whenever: the deployment
	// in force is reported, unchanged.
	if again := deploy(b1, "runner-b", at.Add(time.Minute), false); !cmp.Equal(want, again) {
		t.Errorf("Deploy again (-want +got):\n%s", cmp.Diff(want, again))
	}

	second := deploy(b2, "ci", at.Add(time.Hour), true)
	if second.ID <= first.ID || second.Digest != runtime.BundleDigest(b2) {
		t.Errorf("second deployment %+v, want an ID above %d and b2's digest", second, first.ID)
	}
	wantDeployed(t, st, first.ID, second)
	wantDeployed(t, st, 0, second)

	rollback := deploy(b1, "ci", at.Add(2*time.Hour), true)
	if rollback.ID <= second.ID || rollback.Digest != runtime.BundleDigest(b1) {
		t.Errorf("rollback %+v, want an ID above %d and b1's digest", rollback, second.ID)
	}
	wantDeployed(t, st, second.ID, &store.DeployedBundle{ID: rollback.ID, Digest: runtime.BundleDigest(b1), Bundle: b1, By: "ci", At: at.Add(2 * time.Hour)})

	if d, err := st.Deployed(ctx, &store.DeployedParams{After: rollback.ID}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Deployed after the latest = %+v, %v; want ErrNotFound", d, err)
	}
}

// testDeployConcurrent deploys one bundle from several runners at once on
// a fresh store: it is recorded once.
func testDeployConcurrent(t *testing.T, newStore Open) {
	const runners = 8
	bundle := []byte("the bundle")
	ctx := context.Background()
	st := newStore(t)
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		added int
		ids   = map[int64]bool{}
		errs  []error
	)
	start := make(chan struct{})
	for i := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			d, isNew, err := st.Deploy(ctx, &store.DeployParams{Bundle: bundle, By: "runner", At: at.Add(time.Duration(i) * time.Second)})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if isNew {
				added++
			}
			ids[d.ID] = true
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	if added != 1 || len(ids) != 1 {
		t.Errorf("%d of %d concurrent deploys were new, reporting deployments %v; want 1, all reporting it", added, runners, ids)
	}
	d, err := st.Deployed(ctx, &store.DeployedParams{})
	if err != nil || !ids[d.ID] || d.Digest != runtime.BundleDigest(bundle) {
		t.Errorf("Deployed = %+v, %v; want the one deployment", d, err)
	}
}

// testStale lists the contacts a deploy of a new version would migrate:
// those with an active enrollment under another version, each once, in
// order of ID and by pages; not those whose enrollment ended, nor those
// under the version deployed.
func testStale(t *testing.T, newStore Open) {
	v1 := reconcileDeployment(t, "journey j\n\nentry on signed_up\nexit when score >= 100\n\nstage A {\n  after 1d tag \"x\"\n  after 6d tag \"y\"\n}\n")
	v2 := reconcileDeployment(t, "journey j\n\nentry on signed_up\nexit when score >= 100\n\nstage A {\n  after 1d tag \"x\"\n  after 2d tag \"y\"\n}\n")
	old, next := v1.Journey("j").Version, v2.Journey("j").Version
	ctx := context.Background()
	st := newStore(t)
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	sim, _ := versionSim(v1, st, start)
	for _, id := range []string{"c5", "c1", "c4", "c2", "c3"} {
		if _, err := st.AddEvent(ctx, &store.AddEventParams{Contact: id, ID: id, Name: "signed_up", At: start}); err != nil {
			t.Fatal(err)
		}
	}
	// c3's enrollment ends; b0 never enrols.
	if err := st.PutContact(ctx, &store.PutContactParams{ID: "c3", Attrs: map[string]any{"score": 100}, At: start.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutContact(ctx, &store.PutContactParams{ID: "b0", Attrs: map[string]any{"score": 1}, At: start}); err != nil {
		t.Fatal(err)
	}
	now := start.Add(36 * time.Hour)
	if err := sim.Advance(ctx, now); err != nil {
		t.Fatal(err)
	}

	// c0 holds two active enrollments in j under v1 (the engine
	// makes no such state; the store must still list it once).
	if err := st.PutContact(ctx, &store.PutContactParams{ID: "c0", At: now}); err != nil {
		t.Fatal(err)
	}
	work, err := st.Claim(ctx, &store.ClaimParams{Now: now, Limit: 10, Worker: "w", Lease: time.Minute})
	if err != nil || len(work) != 1 || work[0].State.ID != "c0" {
		t.Fatalf("claiming c0: %v, %v", work, err)
	}
	res, err := st.Complete(ctx, &store.CompleteParams{Worker: "w", Now: now, Results: results(work, func(r *store.WorkResult) {
		for entry := 1; entry <= 2; entry++ {
			r.State.Enrollments = append(r.State.Enrollments, &runtime.Enrollment{
				Journey: "j", Entry: entry, Version: old, Status: runtime.StatusActive,
				Stage: "A", StageAt: now, EnteredAt: now,
			})
		}
	})})
	if err != nil || res.Committed != 1 {
		t.Fatalf("completing c0: %+v, %v", res, err)
	}

	stale := func(journey, version, after string, limit int) []string {
		t.Helper()
		ids, err := st.Stale(ctx, &store.StaleParams{Journey: journey, Version: version, After: after, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	var pages [][]string
	for after := ""; ; {
		page := stale("j", next, after, 2)
		pages = append(pages, page)
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1]
	}
	want := [][]string{{"c0", "c1"}, {"c2", "c4"}, {"c5"}}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("Stale for v2 by pages of 2 (-want +got):\n%s", diff)
	}
	if got := stale("j", next, "c1", 10); !cmp.Equal(got, []string{"c2", "c4", "c5"}) {
		t.Errorf("Stale for v2 after c1 = %v", got)
	}
	if got := stale("j", old, "", 10); len(got) != 0 {
		t.Errorf("Stale for the version they are under = %v, want none", got)
	}
	if got := stale("other", next, "", 10); len(got) != 0 {
		t.Errorf("Stale for another journey = %v, want none", got)
	}
	if got := stale("j", next, "", 0); len(got) != 0 {
		t.Errorf("Stale with a limit of 0 = %v, want none", got)
	}
}

// wantDeployed checks what Deployed reports to a runner that has the
// deployment after.
func wantDeployed(t *testing.T, st store.Store, after int64, want *store.DeployedBundle) {
	t.Helper()
	got, err := st.Deployed(context.Background(), &store.DeployedParams{After: after})
	if err != nil {
		t.Fatalf("Deployed after %d: %v", after, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Deployed after %d (-want +got):\n%s", after, diff)
	}
}
