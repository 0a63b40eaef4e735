package postgres

// The Postgres store's deployments: the bundle in force, which every
// runner on the database polls.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"time"
)

// pgDeployment is a row of deployments.
type pgDeployment struct {
	ID        int64     `db:"id"`
	Digest    string    `db:"digest"`
	Bundle    []byte    `db:"bundle"`
	By        string    `db:"deployed_by"`
	CreatedAt time.Time `db:"created_at"`
}

func (r *pgDeployment) bundle() *store.DeployedBundle {
	return &store.DeployedBundle{ID: r.ID, Digest: r.Digest, Bundle: r.Bundle, By: r.By, At: r.CreatedAt.UTC()}
}

// Deploy implements Store. The table is locked against other deploys
// from the read of the latest deployment to the commit, so that two
// runners deploying one bundle at once record it once.
func (s *Store) Deploy(ctx context.Context, p *store.DeployParams) (*store.DeployedBundle, bool, error) {
	digest := runtime.BundleDigest(p.Bundle)
	bundle := p.Bundle
	if bundle == nil {
		bundle = []byte{} // an empty bundle, not NULL
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("postgres store: deploying %s: %w", digest, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.q.lockDeployments); err != nil {
		return nil, false, fmt.Errorf("postgres store: deploying %s: %w", digest, err)
	}
	var latest pgDeployment
	err = tx.GetContext(ctx, &latest, s.q.latestDeployment)
	switch {
	case err == nil && latest.Digest == digest:
		// In force already: the same digest is the same bundle.
		latest.Bundle = bytes.Clone(bundle)
		return latest.bundle(), false, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return nil, false, fmt.Errorf("postgres store: deploying %s: %w", digest, err)
	}
	d := &store.DeployedBundle{Digest: digest, Bundle: bytes.Clone(bundle), By: p.By, At: pgFloor(p.At)}
	if err := tx.GetContext(ctx, &d.ID, s.q.insertDeployment, digest, bundle, p.By, d.At); err != nil {
		return nil, false, fmt.Errorf("postgres store: deploying %s: %w", digest, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("postgres store: deploying %s: %w", digest, err)
	}
	return d, true, nil
}

// Deployed implements Store.
func (s *Store) Deployed(ctx context.Context, p *store.DeployedParams) (*store.DeployedBundle, error) {
	var row pgDeployment
	err := s.db.GetContext(ctx, &row, s.q.deployed, p.After)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres store: the deployment in force: %w", err)
	}
	return row.bundle(), nil
}
