-- Creates a contact if it is new and brings its wake-up forward to $3.
-- The wake-up's row lock, taken here before the input is written and held
-- to commit, serialises the intake of one contact: its inputs are numbered
-- in the order they commit, so a worker never sees an input while one with
-- a lower number is still in flight. An unchanged wake-up is locked but
-- not rewritten (wakeups updates are never HOT).
-- $1 contact, $2 the initial state (JSON), $3 the input's time.
WITH created AS (
    INSERT INTO contacts (id, state)
    VALUES ($1, $2)
    ON CONFLICT (id) DO NOTHING
)
INSERT INTO wakeups AS w (contact_id, wake_at)
VALUES ($1, $3)
ON CONFLICT (contact_id) DO UPDATE
    SET wake_at = least(w.wake_at, excluded.wake_at)
    WHERE w.wake_at IS DISTINCT FROM least(w.wake_at, excluded.wake_at);
