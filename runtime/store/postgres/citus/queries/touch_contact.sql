-- queries/touch_contact.sql on Citus: the rows carry the contact's
-- bucket, and the conflicts are on the keys that begin with it. Both
-- tables are co-located: one shard, one transaction on one worker.
-- $1 contact, $2 the initial state (JSON), $3 the input's time.
WITH created AS (
    INSERT INTO contacts (bucket, id, state)
    VALUES (journey_bucket($1), $1, $2)
    ON CONFLICT (bucket, id) DO NOTHING
)
INSERT INTO wakeups AS w (bucket, contact_id, wake_at)
VALUES (journey_bucket($1), $1, $3)
ON CONFLICT (bucket, contact_id) DO UPDATE
    SET wake_at = least(w.wake_at, excluded.wake_at)
    WHERE w.wake_at IS DISTINCT FROM least(w.wake_at, excluded.wake_at);
