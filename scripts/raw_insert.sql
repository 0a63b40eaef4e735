-- scripts/bench's yardstick for intake and import: one transaction of a
-- raw multi-row insert of 100 events, each with its contact, into a table
-- of the pgbench database with the columns an input has. pgbench runs it.
INSERT INTO raw_events (contact_id, event_id, name, payload, at)
SELECT 'c' || g || '-' || :client_id || '-' || random(), 'e' || g || '-' || random(), 'signed_up', '{}', now()
FROM generate_series(1, 100) AS g;
