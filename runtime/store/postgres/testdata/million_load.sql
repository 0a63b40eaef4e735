-- The million-contact benchmark's store (million_test.go): $1 contacts,
-- each new, with one signed_up event at $2 waiting (its identity taken,
-- its input queued) and its wake-up due at $2 — what the intake leaves.
WITH contacts AS (
    INSERT INTO contacts (id, state)
    SELECT 'c' || g, jsonb_build_object('id', 'c' || g, 'attrs', '{}'::jsonb)
    FROM generate_series(1, $1::integer) AS g
), ids AS (
    INSERT INTO event_ids (id, contact_id, at, received_at)
    SELECT 'ec' || g, 'c' || g, $2::timestamptz, $2::timestamptz
    FROM generate_series(1, $1::integer) AS g
), inputs AS (
    INSERT INTO inputs (contact_id, kind, event_id, name, at)
    SELECT 'c' || g, 'event', 'ec' || g, 'signed_up', $2::timestamptz
    FROM generate_series(1, $1::integer) AS g
)
INSERT INTO wakeups (contact_id, wake_at)
SELECT 'c' || g, $2::timestamptz
FROM generate_series(1, $1::integer) AS g;
