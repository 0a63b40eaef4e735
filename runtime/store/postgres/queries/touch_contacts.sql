-- touch_contact for the contacts of a batch: creates those that are new
-- and brings each one's wake-up forward to its earliest input. The
-- wake-ups are locked in order of contact, before the inputs are
-- numbered, and held to commit (see touch_contact).
-- $1 contact ids (distinct), $2 their initial states (JSON), $3 the time
-- of each one's earliest input.
WITH created AS (
    INSERT INTO contacts (id, state)
    SELECT u.id, u.state
    FROM unnest($1::text[], $2::jsonb[]) AS u (id, state)
    ORDER BY u.id
    ON CONFLICT (id) DO NOTHING
)
INSERT INTO wakeups AS w (contact_id, wake_at)
SELECT u.id, u.wake_at
FROM unnest($1::text[], $3::timestamptz[]) AS u (id, wake_at)
ORDER BY u.id
ON CONFLICT (contact_id) DO UPDATE
    SET wake_at = least(w.wake_at, excluded.wake_at)
    WHERE w.wake_at IS DISTINCT FROM least(w.wake_at, excluded.wake_at);
