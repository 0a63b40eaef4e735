-- The functions that write a batch on the worker that holds its shard.
-- Run on the coordinator, in the store's schema, after distribute.sql
-- (and on opening a store distributed before they existed).
--
-- Citus routes an INSERT … SELECT over array parameters through the
-- coordinator: it computes the rows there and then writes them to their
-- shards. A call of a distributed function whose distribution argument
-- is a bucket is instead sent whole to the worker that holds the
-- bucket's shard, as one task, and the function's statements run there,
-- on local shards. So each of these takes one bucket of the batch's
-- shard first, then the batch's arrays as the plain statement does.
-- force_delegation sends the call to the worker inside a transaction
-- too, over the connection the transaction already holds to that
-- worker: a batch's position and its outbox rows still commit together,
-- on one worker, without two-phase commit.
--
-- The functions run on the workers, where the connection's search_path
-- is not the store's: each carries the schema as its own search_path
-- (SET search_path FROM CURRENT, the schema set just below, for this
-- transaction only).
--
-- Rows numbered by a sequence (inputs, outbox, history) are numbered
-- on the worker, from the range Citus gives the worker's sequences: see
-- written_at below, and docs/scale.md.

SELECT set_config('search_path', current_schema(), true);

-- journey_bucket on the workers too, for the functions below.
SELECT create_distributed_function('journey_bucket(text)');

-- When each outbox row and history record was written, by the clock of
-- the worker that wrote it. Citus gives each node's sequences a range
-- of their own (its group shifted 48 bits), so the numbers of rows
-- written on two workers do not follow the order they were written in;
-- nor, when a shard moves to a node of a lower range, do those of one
-- contact. Where one Postgres orders by number, the Citus statements
-- order by this time first, then the number (rows written before it
-- was added have none, and come first).
ALTER TABLE outbox ADD COLUMN written_at timestamptz;
ALTER TABLE history ADD COLUMN written_at timestamptz;

-- Queues inputs (queries/insert_inputs.sql), numbered in the order
-- given on the worker. An input is numbered after the contact's wake-up
-- is locked (touch_contact), so that the inputs of a contact are
-- numbered in commit order; and above the contact's pending inputs,
-- which a shard moved from a node of a higher range may hold (the
-- sequence is moved up to them). keep, if not NULL, says which of the
-- inputs to queue. Returns whether any was queued.
CREATE FUNCTION journey_insert_inputs(of_bucket integer, contacts text[], kinds text[], event_ids text[],
                                      names text[], payloads jsonb[], attrs jsonb[], ats timestamptz[],
                                      keep boolean[])
RETURNS boolean
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
DECLARE
    -- The contacts' buckets, a parameter of the statement below, by
    -- which Citus routes it to this shard (a subquery it would send to
    -- every shard).
    buckets integer[] := array(SELECT DISTINCT journey_bucket(c) FROM unnest(contacts) AS c);
    pending bigint;
BEGIN
    SELECT max(i.seq) INTO pending
    FROM inputs AS i
    WHERE i.bucket = ANY (buckets) AND i.contact_id = ANY (contacts);
    IF pending IS NOT NULL AND pending >= pg_sequence_last_value('inputs_seq_seq') THEN
        PERFORM setval('inputs_seq_seq', pending);
    END IF;
    INSERT INTO inputs (bucket, contact_id, kind, event_id, name, payload, attrs, at)
    SELECT journey_bucket(u.contact_id), u.contact_id, u.kind, NULLIF(u.event_id, ''), NULLIF(u.name, ''),
           u.payload, u.attrs, u.at
    FROM unnest(contacts, kinds, event_ids, names, payloads, attrs, ats, keep)
        WITH ORDINALITY AS u (contact_id, kind, event_id, name, payload, attrs, at, keep, n)
    WHERE coalesce(u.keep, true)
    ORDER BY u.n;
    RETURN FOUND;
END
$$;
SELECT create_distributed_function(
    'journey_insert_inputs(integer, text[], text[], text[], text[], jsonb[], jsonb[], timestamptz[], boolean[])',
    distribution_arg_name := 'of_bucket', colocate_with := 'contacts', force_delegation := true);

-- A batch's intake in one shard (Store.AddBatch): the events'
-- identities are taken, in order of identity; the contacts of the items
-- that are not repeats are made and their wake-ups brought forward,
-- locked in order of contact; then their inputs are queued in the
-- batch's order. The arrays are those of journey_insert_inputs, with
-- when each event was received and each contact's initial state.
-- Returns the items (numbered from 1) whose events were taken before:
-- the repeats.
CREATE FUNCTION journey_add_batch(of_bucket integer, contacts text[], kinds text[], event_ids text[],
                                  names text[], payloads jsonb[], attrs jsonb[], ats timestamptz[],
                                  received timestamptz[], states jsonb[])
RETURNS integer[]
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
DECLARE
    repeats integer[];
    keep boolean[];
BEGIN
    WITH item AS (
        SELECT journey_bucket(u.contact_id) AS bucket, u.contact_id, u.event_id, u.at, u.received, u.n
        FROM unnest(contacts, event_ids, ats, received) WITH ORDINALITY AS u (contact_id, event_id, at, received, n)
        WHERE u.event_id <> ''
    ), taken AS (
        INSERT INTO event_ids (bucket, id, contact_id, at, received_at)
        SELECT i.bucket, i.event_id, i.contact_id, i.at, i.received
        FROM item AS i
        ORDER BY i.bucket, i.event_id
        ON CONFLICT (bucket, id) DO NOTHING
        RETURNING bucket, id
    )
    SELECT coalesce(array_agg(i.n::integer ORDER BY i.n), '{}') INTO repeats
    FROM item AS i
    WHERE NOT EXISTS (SELECT 1 FROM taken AS t WHERE t.bucket = i.bucket AND t.id = i.event_id);

    SELECT array_agg(NOT (u.n = ANY (repeats)) ORDER BY u.n) INTO keep
    FROM unnest(contacts) WITH ORDINALITY AS u (contact_id, n);

    INSERT INTO contacts (bucket, id, state)
    SELECT DISTINCT ON (u.contact_id) journey_bucket(u.contact_id), u.contact_id, u.state
    FROM unnest(contacts, states, keep) AS u (contact_id, state, keep)
    WHERE u.keep
    ORDER BY u.contact_id
    ON CONFLICT (bucket, id) DO NOTHING;
    INSERT INTO wakeups AS w (bucket, contact_id, wake_at)
    SELECT journey_bucket(u.contact_id), u.contact_id, min(u.at)
    FROM unnest(contacts, ats, keep) AS u (contact_id, at, keep)
    WHERE u.keep
    GROUP BY u.contact_id
    ORDER BY u.contact_id
    ON CONFLICT (bucket, contact_id) DO UPDATE
        SET wake_at = least(w.wake_at, excluded.wake_at)
        WHERE w.wake_at IS DISTINCT FROM least(w.wake_at, excluded.wake_at);

    PERFORM journey_insert_inputs(of_bucket, contacts, kinds, event_ids, names, payloads, attrs, ats, keep);
    RETURN repeats;
END
$$;
SELECT create_distributed_function(
    'journey_add_batch(integer, text[], text[], text[], text[], jsonb[], jsonb[], timestamptz[], timestamptz[], jsonb[])',
    distribution_arg_name := 'of_bucket', colocate_with := 'contacts', force_delegation := true);

-- The outbox rows of a batch (queries/insert_outbox.sql), each with its
-- contact's bucket, a key unique within it. Returns whether any was
-- new.
CREATE FUNCTION journey_insert_outbox(of_bucket integer, keys text[], contacts text[], journeys text[],
                                      versions text[], steps text[], kinds text[], targets text[],
                                      payloads jsonb[], dues timestamptz[])
RETURNS boolean
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    INSERT INTO outbox (bucket, key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at,
                        written_at)
    SELECT journey_bucket(a.contact_id), a.key, a.contact_id, a.journey, a.version, a.step, a.kind, a.target,
           a.payload, a.due, a.due, clock_timestamp()
    FROM unnest(keys, contacts, journeys, versions, steps, kinds, targets, payloads, dues)
        WITH ORDINALITY AS a (key, contact_id, journey, version, step, kind, target, payload, due, n)
    ORDER BY a.n
    ON CONFLICT (bucket, key) DO NOTHING;
    RETURN FOUND;
END
$$;
SELECT create_distributed_function(
    'journey_insert_outbox(integer, text[], text[], text[], text[], text[], text[], text[], jsonb[], timestamptz[])',
    distribution_arg_name := 'of_bucket', colocate_with := 'contacts', force_delegation := true);

-- The history's rows of a batch are written by journey_insert_history,
-- in citus/history_function.sql.

-- The enrollments of a batch's new states
-- (queries/upsert_enrollments.sql); a row that did not change is not
-- rewritten. Returns whether any was written.
CREATE FUNCTION journey_upsert_enrollments(of_bucket integer, contacts text[], journeys text[], entries integer[],
                                           versions text[], statuses text[], stages text[],
                                           stage_ats timestamptz[], entered_ats timestamptz[],
                                           exited_ats timestamptz[], reasons text[])
RETURNS boolean
LANGUAGE plpgsql SET search_path FROM CURRENT
AS $$
BEGIN
    INSERT INTO enrollments AS e
        (bucket, contact_id, journey, entry, version, status, stage, stage_at, entered_at, exited_at, reason)
    SELECT journey_bucket(u.contact_id), u.contact_id, u.journey, u.entry, u.version, u.status, u.stage,
           u.stage_at, u.entered_at, u.exited_at, NULLIF(u.reason, '')
    FROM unnest(contacts, journeys, entries, versions, statuses, stages, stage_ats, entered_ats, exited_ats,
                reasons)
        AS u (contact_id, journey, entry, version, status, stage, stage_at, entered_at, exited_at, reason)
    ON CONFLICT (bucket, contact_id, journey, entry) DO UPDATE
    SET version = excluded.version,
        status = excluded.status,
        stage = excluded.stage,
        stage_at = excluded.stage_at,
        entered_at = excluded.entered_at,
        exited_at = excluded.exited_at,
        reason = excluded.reason
    WHERE (e.version, e.status, e.stage, e.stage_at, e.entered_at, e.exited_at, e.reason)
        IS DISTINCT FROM
        (excluded.version, excluded.status, excluded.stage, excluded.stage_at, excluded.entered_at,
         excluded.exited_at, excluded.reason);
    RETURN FOUND;
END
$$;
SELECT create_distributed_function(
    'journey_upsert_enrollments(integer, text[], text[], integer[], text[], text[], text[], timestamptz[], timestamptz[], timestamptz[], text[])',
    distribution_arg_name := 'of_bucket', colocate_with := 'contacts', force_delegation := true);
