// Package sqlite is a store.Store in a SQLite database file: the embedded
// default of `journey run`. Its statements are queries/*.sql and its
// schema migrations/*.sql, embedded and applied by goose when a store
// opens (Open creates a database, OpenExisting only opens one). It passes
// the conformance suite of runtime/store/storetest.
package sqlite

// The SQLite store: the embedded default, one database file.
//
// SQLite takes one writer at a time, so the store keeps exactly one
// writer connection and sends every write through it, in transactions that
// begin IMMEDIATE: a transaction takes the write lock when it starts, not
// when it first writes, so a writer never fails upgrading a read lock (a
// case busy_timeout cannot help), and a writer in another process waits
// up to busy_timeout instead of failing. The
// journal is a WAL, so readers — a small pool of their own — never block
// the writer nor it them; synchronous=FULL makes every commit durable, as
// the runtime's claims of exactly-once effects need.
//
// Every statement is a file in queries/sqlite, embedded and prepared when
// the store opens; none is assembled at run time. SQLite has no arrays, so
// a batch is a loop of single-row statements inside one transaction.
//
// Times are text: UTC, fixed width, nanoseconds (sqliteTimeLayout), so
// that text order is time order and the queries compare them as text. A
// zero time is NULL where the column allows it (wake-ups, exits).

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	_ "modernc.org/sqlite" // the "sqlite" driver, pure Go
)

//go:embed queries/*.sql
var sqliteQueryFiles embed.FS

// The schema's migrations, numbered, applied by goose when the store opens.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// sqliteTimeLayout formats every time the store writes.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000000Z"

const (
	sqliteBusyTimeout = 5 * time.Second // how long a statement waits for another process's lock
	sqliteReaders     = 4               // connections in the read pool
)

// Store is a store.Store in a SQLite database file. It is safe for
// concurrent use; writes are serialised on one connection.
type Store struct {
	write *sqlx.DB              // one connection; every transaction is BEGIN IMMEDIATE
	read  *sqlx.DB              // the read pool; the writer itself for ":memory:"
	wstmt map[string]*sqlx.Stmt // every query prepared on the writer, by file name without ".sql"
	rstmt map[string]*sqlx.Stmt // and on the read pool
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it if need be) the SQLite database at path
// and brings its schema up to date. path is a file name without a query;
// ":memory:" gives a private in-memory database, for tests.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite store: bad database path %q", path)
	}
	texts, err := sqliteQueries()
	if err != nil {
		return nil, err
	}
	s := &Store{}
	if err := s.open(ctx, path, texts); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	return s, nil
}

// OpenExisting is sqlite.Open for a store that must exist already:
// it creates no file, changes no database that holds no store (looking
// at it read-only), and returns an error wrapping ErrNoStore for either.
// A store it finds is brought up to date.
func OpenExisting(ctx context.Context, path string) (*Store, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite store: bad database path %q", path)
	}
	if path == ":memory:" {
		return nil, fmt.Errorf("%w at %s", store.ErrNoStore, path)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s", store.ErrNoStore, path)
	} else if err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	texts, err := sqliteQueries()
	if err != nil {
		return nil, err
	}
	// SQLite's own URI, read-only: the driver's plain path would open the
	// file read-write, and set the journal mode.
	uri := "file:" + strings.NewReplacer("%", "%25", "#", "%23").Replace(path) + "?mode=ro"
	probe, err := sqlx.Open("sqlite", uri)
	if err != nil {
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	var found bool
	err = probe.GetContext(ctx, &found, texts["store_exists"])
	probe.Close()
	if err != nil {
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	if !found {
		return nil, fmt.Errorf("%w at %s", store.ErrNoStore, path)
	}
	return Open(ctx, path)
}

func (s *Store) open(ctx context.Context, path string, texts map[string]string) error {
	busy := strconv.FormatInt(sqliteBusyTimeout.Milliseconds(), 10)
	memory := path == ":memory:"

	params := url.Values{
		"_busy_timeout": {busy},
		"_journal_mode": {"WAL"},
		"_synchronous":  {"FULL"},
		"_foreign_keys": {"0"},
		"_txlock":       {"immediate"},
	}
	w, err := sqlx.Open("sqlite", path+"?"+params.Encode())
	if err != nil {
		return err
	}
	s.write = w
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := checkSQLiteSettings(ctx, w, texts["settings"], memory); err != nil {
		return err
	}
	if err := migrate(ctx, w.DB); err != nil {
		return err
	}
	if s.wstmt, err = prepareSQLite(ctx, w, texts); err != nil {
		return err
	}

	if memory {
		s.read, s.rstmt = w, s.wstmt
		return nil
	}
	params = url.Values{
		"_busy_timeout": {busy},
		"_foreign_keys": {"0"},
		"_query_only":   {"1"},
	}
	r, err := sqlx.Open("sqlite", path+"?"+params.Encode())
	if err != nil {
		return err
	}
	s.read = r
	r.SetMaxOpenConns(sqliteReaders)
	r.SetMaxIdleConns(sqliteReaders)
	s.rstmt, err = prepareSQLite(ctx, r, texts)
	return err
}

// sqliteQueries reads the embedded queries, by file name without ".sql".
func sqliteQueries() (map[string]string, error) {
	files, err := fs.Glob(sqliteQueryFiles, "queries/*.sql")
	if err != nil {
		return nil, err
	}
	texts := make(map[string]string, len(files))
	for _, f := range files {
		b, err := sqliteQueryFiles.ReadFile(f)
		if err != nil {
			return nil, err
		}
		// Trimmed: the driver keeps a statement compiled only when nothing,
		// not even a newline, follows it; else it compiles it on every call.
		texts[strings.TrimSuffix(path.Base(f), ".sql")] = strings.TrimSpace(string(b))
	}
	return texts, nil
}

func prepareSQLite(ctx context.Context, db *sqlx.DB, texts map[string]string) (map[string]*sqlx.Stmt, error) {
	out := make(map[string]*sqlx.Stmt, len(texts))
	for name, text := range texts {
		st, err := db.PreparexContext(ctx, text)
		if err != nil {
			closeSQLiteStmts(out)
			return nil, fmt.Errorf("query %s: %w", name, err)
		}
		out[name] = st
	}
	return out, nil
}

func closeSQLiteStmts(stmts map[string]*sqlx.Stmt) {
	for _, st := range stmts {
		st.Close()
	}
}

// checkSQLiteSettings refuses a writer connection that did not take the
// settings the store's guarantees rest on.
func checkSQLiteSettings(ctx context.Context, db *sqlx.DB, query string, memory bool) error {
	var got struct {
		JournalMode string `db:"journal_mode"`
		Synchronous int    `db:"synchronous"`
		BusyTimeout int64  `db:"busy_timeout"`
		ForeignKeys int    `db:"foreign_keys"`
	}
	if err := db.GetContext(ctx, &got, query); err != nil {
		return err
	}
	switch {
	case !memory && !strings.EqualFold(got.JournalMode, "wal"):
		return fmt.Errorf("journal_mode is %s, not wal", got.JournalMode)
	case got.Synchronous != 2:
		return fmt.Errorf("synchronous is %d, not 2 (FULL)", got.Synchronous)
	case got.BusyTimeout != sqliteBusyTimeout.Milliseconds():
		return fmt.Errorf("busy_timeout is %d ms", got.BusyTimeout)
	case got.ForeignKeys != 0:
		return errors.New("foreign_keys is on")
	}
	return nil
}

// Close implements Store.
func (s *Store) Close() error {
	var errs []error
	if s.read != nil && s.read != s.write {
		closeSQLiteStmts(s.rstmt)
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		closeSQLiteStmts(s.wstmt)
		errs = append(errs, s.write.Close())
	}
	// The handles stay: a call after Close gets the driver's "database is
	// closed" error rather than a nil dereference.
	return errors.Join(errs...)
}

// stmt returns a query for use inside a write transaction.
func (s *Store) stmt(ctx context.Context, tx *sqlx.Tx, name string) *sqlx.Stmt {
	st, ok := s.wstmt[name]
	if !ok {
		panic("sqlite store: no query " + name)
	}
	return tx.StmtxContext(ctx, st)
}

// reader returns a query for the read pool.
func (s *Store) reader(name string) *sqlx.Stmt {
	st, ok := s.rstmt[name]
	if !ok {
		panic("sqlite store: no query " + name)
	}
	return st
}

// errSQLiteRollback makes inTx roll back without reporting an error.
var errSQLiteRollback = errors.New("roll back")

// inTx runs f in an immediate transaction on the writer and commits if f
// returns nil.
func (s *Store) inTx(ctx context.Context, f func(tx *sqlx.Tx) error) error {
	tx, err := s.write.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		if errors.Is(err, errSQLiteRollback) {
			return nil
		}
		return err
	}
	return tx.Commit()
}

// PutContact implements Store.
func (s *Store) PutContact(ctx context.Context, p *store.PutContactParams) error {
	attrs, err := store.JSONParam(p.Attrs)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		return s.queue(ctx, tx, p.ID, runtime.InputUpdate, nil, nil, nil, attrs, p.At)
	})
}

// AddEvent implements Store.
func (s *Store) AddEvent(ctx context.Context, p *store.AddEventParams) (bool, error) {
	payload, err := store.JSONParam(p.Payload)
	if err != nil {
		return false, err
	}
	added := false
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if p.ID != "" {
			res, err := s.stmt(ctx, tx, "event_id_insert").ExecContext(ctx,
				sql.Named("id", p.ID), sql.Named("contact_id", p.Contact), sql.Named("at", sqliteTime(p.At)),
				sql.Named("received_at", sqliteTime(p.ReceivedAt())))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				if err == nil {
					err = errSQLiteRollback // seen before
				}
				return err
			}
		}
		added = true
		return s.queue(ctx, tx, p.Contact, runtime.InputEvent, sqliteText(p.ID), sqliteText(p.Name), payload, nil, p.At)
	})
	return added && err == nil, err
}

// Release implements Store.
func (s *Store) Release(ctx context.Context, p *store.ReleaseParams) error {
	if _, err := s.Contact(ctx, p.Contact); err != nil {
		return err // an erasure in between makes the contact anew, with only this input, as an event would
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		return s.queue(ctx, tx, p.Contact, runtime.InputRelease, nil, sqliteText(p.Journey), nil, nil, p.At)
	})
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
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, id := range p.Contacts {
			if err := s.queue(ctx, tx, id, runtime.InputEnroll, nil, sqliteText(p.Journey), nil, nil, p.At); err != nil {
				return err
			}
		}
		return nil
	})
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
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		return s.queue(ctx, tx, p.Contact, runtime.InputConsent, nil, sqliteText(p.Channel), payload, nil, p.At)
	})
}

// Erase implements Store.
func (s *Store) Erase(ctx context.Context, p *store.EraseParams) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		args := []any{sql.Named("id", p.Contact), sql.Named("pseudonym", p.Pseudonym), sql.Named("at", sqliteTime(p.At))}
		res, err := s.stmt(ctx, tx, "erase_contact").ExecContext(ctx, args[0])
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = store.ErrNotFound
			}
			return err
		}
		for _, q := range []struct {
			name string
			args []any
		}{
			{"erase_wakeup", args[:1]}, {"erase_inputs", args[:1]}, {"erase_event_ids", args[:2]},
			{"erase_outbox", args[:2]}, {"erase_history", args[:2]}, {"erase_exits", args}, {"erase_enrollments", args},
		} {
			if _, err := s.stmt(ctx, tx, q.name).ExecContext(ctx, q.args...); err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
		}
		return nil
	})
}

// queue creates the contact if need be, adds an input, and wakes the
// contact at the input's time unless it is due earlier.
func (s *Store) queue(ctx context.Context, tx *sqlx.Tx, id, kind string, eventID, name, payload, attrs any, at time.Time) error {
	state, err := store.NewContactJSON(id)
	if err != nil {
		return err
	}
	if _, err := s.stmt(ctx, tx, "contact_insert").ExecContext(ctx,
		sql.Named("id", id), sql.Named("state", string(state))); err != nil {
		return err
	}
	if _, err := s.stmt(ctx, tx, "input_insert").ExecContext(ctx,
		sql.Named("contact_id", id), sql.Named("kind", kind), sql.Named("event_id", eventID),
		sql.Named("name", name), sql.Named("payload", payload), sql.Named("attrs", attrs),
		sql.Named("at", sqliteTime(at))); err != nil {
		return err
	}
	_, err = s.stmt(ctx, tx, "wakeup_upsert").ExecContext(ctx,
		sql.Named("contact_id", id), sql.Named("at", sqliteTime(at)))
	return err
}

// NextWake implements Store.
func (s *Store) NextWake(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullString
	if err := s.reader("next_wake").GetContext(ctx, &next); err != nil {
		return time.Time{}, false, err
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	t, err := parseSQLiteTime(next.String)
	return t, err == nil, err
}

// Contact implements Store.
func (s *Store) Contact(ctx context.Context, id string) (*runtime.ContactState, error) {
	var row struct {
		State string `db:"state"`
		Rev   int64  `db:"rev"`
	}
	err := s.reader("contact_state").GetContext(ctx, &row, sql.Named("id", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var st runtime.ContactState
	if err := json.Unmarshal([]byte(row.State), &st); err != nil {
		return nil, fmt.Errorf("contact %s: %w", id, err)
	}
	return &st, nil
}

// Outbox implements Store.
func (s *Store) Outbox(ctx context.Context, p *store.OutboxParams) ([]runtime.Action, error) {
	var rows []sqliteOutboxRow
	var err error
	if p.Contact == "" {
		err = s.reader("outbox_all").SelectContext(ctx, &rows)
	} else {
		err = s.reader("outbox_contact").SelectContext(ctx, &rows, sql.Named("contact_id", p.Contact))
	}
	if err != nil {
		return nil, err
	}
	return store.OutboxActions(rows)
}

// History implements Store: the rows read, unpacked.
func (s *Store) History(ctx context.Context, p *store.HistoryParams) ([]runtime.Record, error) {
	var rows []struct {
		Contact    string         `db:"contact_id"`
		Journey    string         `db:"journey"`
		Entry      int            `db:"entry"`
		Kind       string         `db:"kind"`
		Step       sql.NullString `db:"step"`
		Detail     sql.NullString `db:"detail"`
		At         string         `db:"at"`
		FirstStage sql.NullString `db:"first_stage"`
	}
	var err error
	if p.Contact == "" {
		err = s.reader("history_all").SelectContext(ctx, &rows)
	} else {
		err = s.reader("history_contact").SelectContext(ctx, &rows, sql.Named("contact_id", p.Contact))
	}
	if err != nil {
		return nil, err
	}
	hist := make([]store.HistoryRow, len(rows))
	for i, r := range rows {
		at, err := parseSQLiteTime(r.At)
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", r.Contact, err)
		}
		hist[i] = store.HistoryRow{
			Record: runtime.Record{
				At: at, Contact: r.Contact, Journey: r.Journey, Entry: r.Entry, Kind: r.Kind,
				Step: r.Step.String, Detail: r.Detail.String,
			},
			FirstStage: r.FirstStage.String,
		}
	}
	return store.UnpackHistory(hist), nil
}

// sqliteTime formats a time for a column.
func sqliteTime(t time.Time) string { return t.UTC().Format(sqliteTimeLayout) }

// sqliteNullTime is sqliteTime, or NULL for the zero time.
func sqliteNullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return sqliteTime(t)
}

func parseSQLiteTime(s string) (time.Time, error) {
	return time.Parse(sqliteTimeLayout, s)
}

// sqliteText is s, or NULL for "".
func sqliteText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// migrate brings db's schema up to date with the embedded migrations.
func migrate(ctx context.Context, db *sql.DB) error {
	dir, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	return store.Migrate(ctx, db, "sqlite", dir)
}
