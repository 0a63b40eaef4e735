-- The connection's settings, checked when the store opens: the journal
-- mode ('wal'), synchronous (2, FULL), busy_timeout (ms) and foreign_keys.
SELECT j.journal_mode, s.synchronous, b.timeout AS busy_timeout, f.foreign_keys
FROM pragma_journal_mode AS j, pragma_synchronous AS s, pragma_busy_timeout AS b, pragma_foreign_keys AS f;
