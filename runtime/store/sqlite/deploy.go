package sqlite

// The SQLite store's deployments: the bundle in force, which a runner
// polls.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
)

// sqliteDeployment is a row of deployments.
type sqliteDeployment struct {
	ID        int64  `db:"id"`
	Digest    string `db:"digest"`
	Bundle    []byte `db:"bundle"`
	By        string `db:"deployed_by"`
	CreatedAt string `db:"created_at"`
}

func (r *sqliteDeployment) bundle() (*store.DeployedBundle, error) {
	at, err := parseSQLiteTime(r.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("deployment %d: %w", r.ID, err)
	}
	return &store.DeployedBundle{ID: r.ID, Digest: r.Digest, Bundle: r.Bundle, By: r.By, At: at}, nil
}

// Deploy implements Store. The transaction, immediate as every write
// here, holds the write lock from the read of the latest deployment to
// the commit, so that two runners deploying one bundle at once record it
// once.
func (s *Store) Deploy(ctx context.Context, p *store.DeployParams) (*store.DeployedBundle, bool, error) {
	digest := runtime.BundleDigest(p.Bundle)
	bundle := p.Bundle
	if bundle == nil {
		bundle = []byte{} // an empty bundle, not NULL
	}
	var out *store.DeployedBundle
	added := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		out, added = nil, false
		var latest sqliteDeployment
		err := s.stmt(ctx, tx, "deployment_latest").GetContext(ctx, &latest)
		switch {
		case err == nil && latest.Digest == digest:
			// In force already: the same digest is the same bundle.
			latest.Bundle = bytes.Clone(bundle)
			out, err = latest.bundle()
			return err
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		at := sqliteTime(p.At)
		var id int64
		if err := s.stmt(ctx, tx, "deployment_insert").GetContext(ctx, &id, sql.Named("digest", digest),
			sql.Named("bundle", bundle), sql.Named("deployed_by", p.By), sql.Named("at", at)); err != nil {
			return err
		}
		row := sqliteDeployment{ID: id, Digest: digest, Bundle: bytes.Clone(bundle), By: p.By, CreatedAt: at}
		out, err = row.bundle()
		added = err == nil
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("sqlite store: deploying %s: %w", digest, err)
	}
	return out, added, nil
}

// Deployed implements Store.
func (s *Store) Deployed(ctx context.Context, p *store.DeployedParams) (*store.DeployedBundle, error) {
	var row sqliteDeployment
	err := s.reader("deployed").GetContext(ctx, &row, sql.Named("after", p.After))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	var d *store.DeployedBundle
	if err == nil {
		d, err = row.bundle()
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite store: the deployment in force: %w", err)
	}
	return d, nil
}
