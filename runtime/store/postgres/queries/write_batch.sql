-- Writes a batch for the contacts whose states were written, in one
-- statement: the inputs each run consumed are deleted; each wake-up is
-- set to the run's next, or to the earliest input still pending if that
-- is earlier (none if neither: least ignores NULLs), and its lease
-- released; the actions are added to the outbox in the order given, each
-- key once (a key already there, from a run committed twice, is
-- skipped), each due at its own time; the history's rows are appended
-- in the order given; and the enrollments are mirrored from the
-- new states, one row per contact, journey and entry, a row that did not
-- change not rewritten. Plain Postgres only: Citus cannot route a
-- statement that writes several tables, and runs the parts one by one
-- (citus/queries: delete_inputs, release_wakeups, insert_outbox,
-- insert_history, upsert_enrollments).
-- Every part sees one snapshot, taken after the batch's wake-ups were
-- locked (lock_leases), so no input of these contacts can commit
-- meanwhile; and no row is written twice (each part writes its own table,
-- and a contact, an action key or an enrollment comes once in a batch).
-- $1 contact ids, $2 the runs' next wake-ups (NULL for none), $3 the last
-- input each consumed (0 for none);
-- $4..$12 the actions: keys, contacts, journeys, versions, steps, kinds,
-- targets, payloads (JSON), due times;
-- $13..$20 the history's rows (store.PackHistory): contacts, journeys,
-- entries, kinds, steps ('' for none), details ('' for none), times, first
-- stages ('' for a row that is one record);
-- $21..$30 the enrollments: contacts, journeys, entries, versions,
-- statuses, stages, stage times, entry times, exit times (NULL for none),
-- reasons ('' for none).
WITH runs AS (
    SELECT u.id, u.wake, u.consumed
    FROM unnest($1::text[], $2::timestamptz[], $3::bigint[]) AS u (id, wake, consumed)
), consumed AS (
    DELETE FROM inputs AS i
    USING runs AS u
    WHERE u.consumed > 0 AND i.contact_id = u.id AND i.seq <= u.consumed
), released AS (
    -- The earliest input still pending: the consumed ones, deleted in this
    -- statement, are still in its snapshot, so they are passed over here.
    UPDATE wakeups AS w
    SET wake_at = least(u.wake, (SELECT min(i.at) FROM inputs AS i
                                 WHERE i.contact_id = w.contact_id AND i.seq > u.consumed)),
        lease_owner = NULL,
        lease_until = NULL
    FROM runs AS u
    WHERE w.contact_id = u.id
), sent AS (
    INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at)
    SELECT a.key, a.contact_id, a.journey, a.version, a.step, a.kind, a.target, a.payload, a.due, a.due
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                $11::jsonb[], $12::timestamptz[])
        WITH ORDINALITY AS a (key, contact_id, journey, version, step, kind, target, payload, due, n)
    ORDER BY a.n
    ON CONFLICT (key) DO NOTHING
), recorded AS (
    INSERT INTO history (contact_id, journey, entry, kind, step, detail, at, first_stage)
    SELECT r.contact_id, r.journey, r.entry, r.kind, NULLIF(r.step, ''), NULLIF(r.detail, ''), r.at,
           NULLIF(r.first_stage, '')
    FROM unnest($13::text[], $14::text[], $15::integer[], $16::text[], $17::text[], $18::text[],
                $19::timestamptz[], $20::text[])
        WITH ORDINALITY AS r (contact_id, journey, entry, kind, step, detail, at, first_stage, n)
    ORDER BY r.n
), enrolled AS (
    INSERT INTO enrollments AS e
        (contact_id, journey, entry, version, status, stage, stage_at, entered_at, exited_at, reason)
    SELECT u.contact_id, u.journey, u.entry, u.version, u.status, u.stage, u.stage_at, u.entered_at,
           u.exited_at, NULLIF(u.reason, '')
    FROM unnest($21::text[], $22::text[], $23::integer[], $24::text[], $25::text[], $26::text[],
                $27::timestamptz[], $28::timestamptz[], $29::timestamptz[], $30::text[])
        AS u (contact_id, journey, entry, version, status, stage, stage_at, entered_at, exited_at, reason)
    ON CONFLICT (contact_id, journey, entry) DO UPDATE
    SET (version, status, stage, stage_at, entered_at, exited_at, reason) =
        (excluded.version, excluded.status, excluded.stage, excluded.stage_at, excluded.entered_at,
         excluded.exited_at, excluded.reason)
    WHERE (e.version, e.status, e.stage, e.stage_at, e.entered_at, e.exited_at, e.reason)
        IS DISTINCT FROM
        (excluded.version, excluded.status, excluded.stage, excluded.stage_at, excluded.entered_at,
         excluded.exited_at, excluded.reason)
)
SELECT count(*) FROM runs;
