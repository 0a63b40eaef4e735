package store

import (
	"context"
	"github.com/journeylang/journey/runtime"
	"time"
)

// RecordedVersions lists the versions the store recorded of the
// deployment's journeys, each journey's oldest first: what WithVersions
// takes.
func RecordedVersions(ctx context.Context, s Store, d *runtime.Deployment) ([]runtime.JourneyVersion, error) {
	var out []runtime.JourneyVersion
	for _, j := range d.Journeys() {
		vs, err := s.Versions(ctx, &VersionsParams{Journey: j.Name})
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

// WakeStale makes due at now every contact enrolled in one of the
// deployment's journeys under another version, batch contacts at a time
// (so the claim loop is never held up), and reports how many. Leased
// contacts are skipped, so call it again until Migrated; a contact it
// wakes is brought to the version in force by its next run.
func WakeStale(ctx context.Context, s Store, d *runtime.Deployment, now time.Time, batch int) (int, error) {
	total := 0
	for j := range d.Migrating() {
		for {
			n, err := s.WakeStale(ctx, &WakeStaleParams{Journey: j.Name, Version: j.Version, Now: now, Limit: batch})
			total += n
			if err != nil {
				return total, err
			}
			if n < batch {
				break
			}
		}
	}
	return total, nil
}

// Migrated reports whether no contact is left enrolled in one of the
// deployment's migrating journeys under another version. WakeStale
// reporting 0 does not say so: it skips leased contacts, and a worker
// running one on an older deployment may set its wake-up later again.
func Migrated(ctx context.Context, s Store, d *runtime.Deployment) (bool, error) {
	for j := range d.Migrating() {
		left, err := s.Stale(ctx, &StaleParams{Journey: j.Name, Version: j.Version, Limit: 1})
		if err != nil || len(left) > 0 {
			return false, err
		}
	}
	return true, nil
}
