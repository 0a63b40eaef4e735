package postgres

import (
	"context"
	"time"
)

// PoolSize is the most connections a Postgres store opens, for tests.
func PoolSize(s *Store) int { return s.db.Stats().MaxOpenConnections }

// PgConfig is pgConfig, for tests.
var PgConfig = pgConfig

// Query is the statement in queries/<name>.sql, for tests that explain it.
func Query(name string) string { return pgQuery(name) }

// CitusQuery is the statement in citus/<name>.sql, for tests that explain
// it.
func CitusQuery(name string) string { return citusQuery(name) }

// OwnedShards is the ids of the shards a store claims in: of a runner
// that shares them (Share), its own; else all.
func OwnedShards(ctx context.Context, s *Store) ([]int64, error) {
	l, err := s.wakeShards.load(ctx, s)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, id := range l.ids {
		if s.share.owns(id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// RenewShare renews a runner's lease and reads the others' at once, as
// Share does every third of its lease.
func RenewShare(ctx context.Context, s *Store, name string, lease time.Duration) error {
	return s.renewShare(ctx, name, lease)
}
