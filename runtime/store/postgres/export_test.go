package postgres

// PoolSize is the most connections a Postgres store opens, for tests.
func PoolSize(s *Store) int { return s.db.Stats().MaxOpenConnections }

// PgConfig is pgConfig, for tests.
var PgConfig = pgConfig

// Query is the statement in queries/<name>.sql, for tests that explain it.
func Query(name string) string { return pgQuery(name) }

// CitusQuery is the statement in citus/<name>.sql, for tests that explain
// it.
func CitusQuery(name string) string { return citusQuery(name) }
