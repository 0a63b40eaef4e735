// Package postgres is a store.Store in a Postgres database: production,
// and any number of runners on one database. Its statements are
// queries/*.sql and its schema migrations/*.sql, embedded and applied by
// goose when a store opens (Open creates the schema, OpenExisting only
// opens one). It passes the conformance suite of runtime/store/storetest.
package postgres

// The Postgres store: production, and any number of runners on one
// database. Its statements live one per file in queries/postgres, embedded
// and loaded by name; none is assembled at run time. The schema is
// migrations/postgres, applied when the store opens.
//
// The rules are memory.Store's, made durable and concurrent:
//
//   - Intake (AddEvent, PutContact) is one transaction: the event's
//     identity (a repeat changes nothing), the contact if it is new, its
//     wake-up brought forward to the input's time, then the input. The
//     wake-up's row lock is taken before the input is numbered, so the
//     inputs of one contact are numbered in commit order and a worker that
//     consumed inputs up to n can delete seq <= n without losing one that
//     was still in flight.
//   - A batch (AddBatch) is one transaction of three statements over
//     arrays: the events' identities (in order of identity, so that two
//     batches sharing some wait on one another, never in a cycle), the
//     contacts and their wake-ups (locked in order of contact), then the
//     inputs, numbered in the batch's order.
//   - Claim is one statement: due wake-ups, earliest first, FOR UPDATE
//     SKIP LOCKED, leased to the worker; then the states and inputs of the
//     whole batch are read in two queries.
//   - Complete is one transaction per batch: the wake-ups the worker still
//     holds are locked in contact order (a contact missing is lost), the
//     states are written only over the revision claimed (else lost), and
//     for the contacts written the consumed inputs are deleted, the next
//     wake-ups set and the leases released, the outbox rows inserted once
//     per key, the history appended and the enrollments mirrored — on
//     plain Postgres in one statement over arrays (write_batch), on Citus
//     in one statement each. The claim's and the commit's statements are
//     planned as lookups by key (plan_by_key), whatever the statistics.
//
// Times are timestamptz, which keeps microseconds: a time is rounded up to
// the microsecond when stored (a wake-up never comes before the timer it
// stands for), and a claim's Now is rounded down (nothing is claimed
// before it is due). Times read back are in UTC.

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/redact"
	"github.com/journeylang/journey/runtime/store"
)

// Store is a store.Store in a Postgres database, in the schema its
// connection's search_path names. Any number of stores, in one process
// or many, may share a schema.
type Store struct {
	db *sqlx.DB
	q  *pgQueries // pgq, or citusq once the store is distributed over Citus

	// On Citus, the shards the claims take in turn (citus_claim.go),
	// and the runners that share them (citus_share.go).
	wakeShards, outboxShards citusShards
	share                    citusShare
}

var _ store.Store = (*Store)(nil)

//go:embed queries/*.sql
var pgQueryFiles embed.FS

// The schema's migrations, numbered, applied by goose when the store opens.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// pgQuery returns the statement in queries/<name>.sql.
func pgQuery(name string) string { return embedded(pgQueryFiles, "queries/"+name+".sql") }

// embedded returns an embedded statement; one missing is a mistake in
// the build, found by every test that opens a store.
func embedded(files embed.FS, path string) string {
	b, err := files.ReadFile(path)
	if err != nil {
		panic(fmt.Sprintf("postgres store: no statement %s: %v", path, err))
	}
	return string(b)
}

// pgQueries holds the store's statements.
type pgQueries struct {
	currentSchema, insertEventID, touchContact, insertInput                   string
	claim, claimAsync, claimedStates, claimedInputs                           string
	planByKey, writeBatch                                                     string
	lockLeases, updateStates, nextWake, contact, outbox, history              string
	leaseOutbox, markOutbox, listOutbox, retryOutbox                          string
	statsOutbox, statsDue, statsActive                                        string
	tally, tallies, deleteTallies, lockTallies                                string
	lead, pruneEventIDs, wakeStale, insertVersion, versions, stale            string
	lockDeployments, latestDeployment, insertDeployment, deployed             string
	withdrawOutbox, retainOutbox, retainHistory, vacuumCandidates, autovacuum string
	oldestXact                                                                string
	insertEventIDs, touchContacts, insertInputs                               string
	eraseContact, eraseWakeup, eraseInputs, eraseEventIDs, eraseOutbox        string
	eraseHistory, eraseExits, eraseEnrollments                                string
	reportVersions, reportStages, reportExits, reportMessages, reportOutbox   string
	reportGoals, reportArms, reportDays, reportSettings                       string
	reportVersionStages, reportVersionExits, reportVersionMessages            string
	reportVersionGoals, reportVersionArms, reportVersionOutbox                string

	// On Citus only (citus_claim.go); "" on Postgres.
	firstWakeup, firstOutbox string
	// On Citus only, the commit of a batch a statement at a time (work.go);
	// "" on Postgres, where writeBatch is all of them in one.
	deleteInputs, releaseWakeups, insertOutbox, insertHistory, upsertEnrollments string
}

// pgq holds the store's statements, loaded once by file name.
var pgq = pgQueries{
	currentSchema:         pgQuery("current_schema"),
	insertEventID:         pgQuery("insert_event_id"),
	touchContact:          pgQuery("touch_contact"),
	insertInput:           pgQuery("insert_input"),
	claim:                 pgQuery("claim"),
	claimAsync:            pgQuery("claim_async"),
	planByKey:             pgQuery("plan_by_key"),
	writeBatch:            pgQuery("write_batch"),
	claimedStates:         pgQuery("claimed_states"),
	claimedInputs:         pgQuery("claimed_inputs"),
	lockLeases:            pgQuery("lock_leases"),
	updateStates:          pgQuery("update_states"),
	nextWake:              pgQuery("next_wake"),
	contact:               pgQuery("contact"),
	outbox:                pgQuery("outbox"),
	history:               pgQuery("history"),
	leaseOutbox:           pgQuery("lease_outbox"),
	markOutbox:            pgQuery("mark_outbox"),
	listOutbox:            pgQuery("list_outbox"),
	retryOutbox:           pgQuery("retry_outbox"),
	statsOutbox:           pgQuery("stats_outbox"),
	statsDue:              pgQuery("stats_due"),
	statsActive:           pgQuery("stats_active"),
	tally:                 pgQuery("tally"),
	tallies:               pgQuery("tallies"),
	deleteTallies:         pgQuery("delete_tallies"),
	lockTallies:           pgQuery("lock_tallies"),
	lead:                  pgQuery("lead"),
	pruneEventIDs:         pgQuery("prune_event_ids"),
	wakeStale:             pgQuery("wake_stale"),
	insertVersion:         pgQuery("insert_version"),
	versions:              pgQuery("versions"),
	stale:                 pgQuery("stale"),
	lockDeployments:       pgQuery("lock_deployments"),
	latestDeployment:      pgQuery("latest_deployment"),
	insertDeployment:      pgQuery("insert_deployment"),
	deployed:              pgQuery("deployed"),
	withdrawOutbox:        pgQuery("withdraw_outbox"),
	retainOutbox:          pgQuery("retain_outbox"),
	retainHistory:         pgQuery("retain_history"),
	vacuumCandidates:      pgQuery("vacuum_candidates"),
	autovacuum:            pgQuery("autovacuum"),
	oldestXact:            pgQuery("oldest_xact"),
	insertEventIDs:        pgQuery("insert_event_ids"),
	touchContacts:         pgQuery("touch_contacts"),
	insertInputs:          pgQuery("insert_inputs"),
	eraseContact:          pgQuery("erase_contact"),
	eraseWakeup:           pgQuery("erase_wakeup"),
	eraseInputs:           pgQuery("erase_inputs"),
	eraseEventIDs:         pgQuery("erase_event_ids"),
	eraseOutbox:           pgQuery("erase_outbox"),
	eraseHistory:          pgQuery("erase_history"),
	eraseExits:            pgQuery("erase_exits"),
	eraseEnrollments:      pgQuery("erase_enrollments"),
	reportVersions:        pgQuery("report_versions"),
	reportStages:          pgQuery("report_stages"),
	reportExits:           pgQuery("report_exits"),
	reportMessages:        pgQuery("report_messages"),
	reportOutbox:          pgQuery("report_outbox"),
	reportGoals:           pgQuery("report_goals"),
	reportArms:            pgQuery("report_arms"),
	reportDays:            pgQuery("report_days"),
	reportSettings:        pgQuery("report_settings"),
	reportVersionStages:   pgQuery("report_version_stages"),
	reportVersionExits:    pgQuery("report_version_exits"),
	reportVersionMessages: pgQuery("report_version_messages"),
	reportVersionGoals:    pgQuery("report_version_goals"),
	reportVersionArms:     pgQuery("report_version_arms"),
	reportVersionOutbox:   pgQuery("report_version_outbox"),
}

// DefaultPoolSize is how many connections a postgres.Store opens at most
// when its DSN does not say (pool_max_conns).
const DefaultPoolSize = 10

// Open connects to the database dsn names (a URL or key=value
// string, as lib/pq reads it) and brings its schema up to date. The store
// lives in the schema the connection's search_path resolves to: set
// search_path in the DSN (…?search_path=journey) to keep it apart; the
// schema must exist. The store keeps a pool of at most pool_max_conns
// connections (a parameter of the DSN, read here and not sent to the
// server; DefaultPoolSize when absent), all of which it keeps open once
// opened: a caller beyond them waits for one to be free.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return openPostgres(ctx, dsn, false)
}

// OpenExisting is postgres.Open for a store that must exist
// already: in a schema without one it makes none, and returns an error
// wrapping ErrNoStore. A store it finds is brought up to date.
func OpenExisting(ctx context.Context, dsn string) (*Store, error) {
	return openPostgres(ctx, dsn, true)
}

func openPostgres(ctx context.Context, dsn string, existing bool) (*Store, error) {
	cfg, pool, err := pgConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	db.SetMaxOpenConns(pool)
	db.SetMaxIdleConns(pool)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres store: connecting: %w", err)
	}
	var schema sql.NullString
	if err := db.GetContext(ctx, &schema, pgq.currentSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	if !schema.Valid {
		db.Close()
		return nil, errors.New("postgres store: the connection's search_path names no schema that exists")
	}
	if existing {
		var found bool
		if err := db.GetContext(ctx, &found, pgQuery("store_exists")); err != nil {
			db.Close()
			return nil, fmt.Errorf("postgres store: %w", err)
		}
		if !found {
			db.Close()
			return nil, fmt.Errorf("postgres store: %w in schema %s", store.ErrNoStore, schema.String)
		}
	}
	if err := migrate(ctx, db.DB); err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, q: &pgq}
	if err := s.useCitus(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// pgConfig reads a DSN: lib/pq's configuration, and the pool's size from
// pool_max_conns, which it takes out.
func pgConfig(dsn string) (pq.Config, int, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		var bad *url.Error // its text quotes the DSN, password and all
		if errors.As(err, &bad) {
			bad.URL = redact.URL(bad.URL)
		}
		return pq.Config{}, 0, err
	}
	pool := DefaultPoolSize
	if v, ok := cfg.Runtime["pool_max_conns"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return pq.Config{}, 0, fmt.Errorf("pool_max_conns=%q: want a whole number of connections, at least 1", v)
		}
		pool = n
		delete(cfg.Runtime, "pool_max_conns")
	}
	return cfg, pool, nil
}

// PutContact implements Store.
func (s *Store) PutContact(ctx context.Context, p *store.PutContactParams) error {
	attrs, err := store.JSONParam(p.Attrs)
	if err != nil {
		return err
	}
	_, err = s.intake(ctx, p.ID, "", &pgInput{kind: runtime.InputUpdate, attrs: attrs, at: p.At})
	return err
}

// AddEvent implements Store.
func (s *Store) AddEvent(ctx context.Context, p *store.AddEventParams) (bool, error) {
	payload, err := store.JSONParam(p.Payload)
	if err != nil {
		return false, err
	}
	return s.intake(ctx, p.Contact, p.ID, &pgInput{kind: runtime.InputEvent, eventID: p.ID, name: p.Name, payload: payload, at: p.At, received: p.ReceivedAt()})
}

// Release implements Store.
func (s *Store) Release(ctx context.Context, p *store.ReleaseParams) error {
	if _, err := s.Contact(ctx, p.Contact); err != nil {
		return err // an erasure in between makes the contact anew, with only this input, as an event would
	}
	_, err := s.intake(ctx, p.Contact, "", &pgInput{kind: runtime.InputRelease, name: p.Journey, at: p.At})
	return err
}

// Enroll implements Store.
func (s *Store) Enroll(ctx context.Context, p *store.EnrollParams) error {
	for i, id := range p.Contacts {
		if _, err := s.Contact(ctx, id); errors.Is(err, store.ErrNotFound) {
			return &store.UnknownContactError{Index: i, Contact: id}
		} else if err != nil {
			return err
		}
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	at := pgCeil(p.At)
	for _, id := range p.Contacts {
		initial, err := store.NewContactJSON(id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q.touchContact, id, string(initial), at); err != nil {
			return fmt.Errorf("postgres store: waking %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, s.q.insertInput, id, runtime.InputEnroll, "", p.Journey, nil, nil, at); err != nil {
			return fmt.Errorf("postgres store: queueing an enrollment for %s: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres store: enrolling: %w", err)
	}
	return nil
}

// Consent implements Store.
func (s *Store) Consent(ctx context.Context, p *store.ConsentParams) error {
	if _, err := s.Contact(ctx, p.Contact); err != nil {
		return err
	}
	payload, err := store.JSONParam(store.ConsentPayload(p))
	if err != nil {
		return err
	}
	_, err = s.intake(ctx, p.Contact, "", &pgInput{kind: runtime.InputConsent, name: p.Channel, payload: payload, at: p.At})
	return err
}

// Erase implements Store.
func (s *Store) Erase(ctx context.Context, p *store.EraseParams) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.q.eraseContact, p.Contact)
	if err != nil {
		return fmt.Errorf("postgres store: erasing %s: %w", p.Contact, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = store.ErrNotFound
		}
		return err
	}
	args := []any{p.Contact, p.Pseudonym, p.At}
	for _, q := range []struct {
		query string
		args  []any
	}{
		{s.q.eraseWakeup, args[:1]}, {s.q.eraseInputs, args[:1]}, {s.q.eraseEventIDs, args[:2]},
		{s.q.eraseOutbox, args[:2]}, {s.q.eraseHistory, args[:2]}, {s.q.eraseExits, args}, {s.q.eraseEnrollments, args},
	} {
		if _, err := tx.ExecContext(ctx, q.query, q.args...); err != nil {
			return fmt.Errorf("postgres store: erasing %s: %w", p.Contact, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres store: erasing %s: %w", p.Contact, err)
	}
	return nil
}

// pgInput is an input on its way into the inputs table.
type pgInput struct {
	kind, eventID, name string
	payload, attrs      any // JSON text, or nil for NULL
	at                  time.Time
	received            time.Time // an event's: when it was received, kept with its identity
}

// intake queues an input for a contact in one transaction, first taking
// the event identity dedupe (unless "") and reporting false for a repeat.
func (s *Store) intake(ctx context.Context, contact, dedupe string, in *pgInput) (bool, error) {
	initial, err := store.NewContactJSON(contact)
	if err != nil {
		return false, err
	}
	at := pgCeil(in.at)
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if dedupe != "" {
		var taken []string
		if err := tx.SelectContext(ctx, &taken, s.q.insertEventID, dedupe, contact, at, pgCeil(in.received)); err != nil {
			return false, fmt.Errorf("postgres store: event identity: %w", err)
		}
		if len(taken) == 0 {
			return false, nil
		}
	}
	if _, err := tx.ExecContext(ctx, s.q.touchContact, contact, string(initial), at); err != nil {
		return false, fmt.Errorf("postgres store: waking %s: %w", contact, err)
	}
	if _, err := tx.ExecContext(ctx, s.q.insertInput, contact, in.kind, in.eventID, in.name, in.payload, in.attrs, at); err != nil {
		return false, fmt.Errorf("postgres store: queueing an input for %s: %w", contact, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("postgres store: intake for %s: %w", contact, err)
	}
	return true, nil
}

// NextWake implements Store.
func (s *Store) NextWake(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullTime
	if err := s.db.GetContext(ctx, &next, s.q.nextWake); err != nil {
		return time.Time{}, false, fmt.Errorf("postgres store: next wake-up: %w", err)
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return next.Time.UTC(), true, nil
}

// Contact implements Store.
func (s *Store) Contact(ctx context.Context, id string) (*runtime.ContactState, error) {
	var state []byte
	err := s.db.GetContext(ctx, &state, s.q.contact, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres store: contact %s: %w", id, err)
	}
	var out runtime.ContactState
	if err := json.Unmarshal(state, &out); err != nil {
		return nil, fmt.Errorf("postgres store: contact %s: %w", id, err)
	}
	return &out, nil
}

// Outbox implements Store.
func (s *Store) Outbox(ctx context.Context, p *store.OutboxParams) ([]runtime.Action, error) {
	var rows []pgOutboxRow
	if err := s.db.SelectContext(ctx, &rows, s.q.outbox, p.Contact); err != nil {
		return nil, fmt.Errorf("postgres store: outbox: %w", err)
	}
	return store.OutboxActions(rows)
}

// pgRecord is a history row.
type pgRecord struct {
	Contact    string    `db:"contact_id"`
	Journey    string    `db:"journey"`
	Entry      int       `db:"entry"`
	Kind       string    `db:"kind"`
	Step       string    `db:"step"`
	Detail     string    `db:"detail"`
	At         time.Time `db:"at"`
	FirstStage string    `db:"first_stage"`
}

// History implements Store: the rows read, unpacked.
func (s *Store) History(ctx context.Context, p *store.HistoryParams) ([]runtime.Record, error) {
	var rows []pgRecord
	if err := s.db.SelectContext(ctx, &rows, s.q.history, p.Contact); err != nil {
		return nil, fmt.Errorf("postgres store: history: %w", err)
	}
	hist := make([]store.HistoryRow, len(rows))
	for i, r := range rows {
		hist[i] = store.HistoryRow{
			Record:     runtime.Record{At: r.At.UTC(), Contact: r.Contact, Journey: r.Journey, Entry: r.Entry, Kind: r.Kind, Step: r.Step, Detail: r.Detail},
			FirstStage: r.FirstStage,
		}
	}
	return store.UnpackHistory(hist), nil
}

// Close implements Store.
func (s *Store) Close() error { return s.db.Close() }

// pgCeil rounds a time up to the microsecond, in UTC.
func pgCeil(t time.Time) time.Time {
	u := t.Truncate(time.Microsecond)
	if u.Before(t) {
		u = u.Add(time.Microsecond)
	}
	return u.UTC()
}

// pgFloor rounds a time down to the microsecond, in UTC.
func pgFloor(t time.Time) time.Time { return t.Truncate(time.Microsecond).UTC() }

// pgTimeLayout formats a time as an element of a timestamptz[] parameter.
const pgTimeLayout = "2006-01-02T15:04:05.999999Z07:00"

// pgTimeText is a time as an element of a timestamptz[] parameter: rounded
// up to the microsecond, in UTC.
func pgTimeText(t time.Time) string { return pgCeil(t).Format(pgTimeLayout) }

// pgNullTimeText is pgTimeText, with NULL for the zero time.
func pgNullTimeText(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: pgTimeText(t), Valid: true}
}

// pgArray wraps a slice as an array parameter.
func pgArray(a any) any { return pq.Array(a) }

// migrate brings db's schema up to date with the embedded migrations.
func migrate(ctx context.Context, db *sql.DB) error {
	dir, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	return store.Migrate(ctx, db, "postgres", dir)
}
