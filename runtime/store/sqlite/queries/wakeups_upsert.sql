-- wakeup_upsert for the contacts of a batch, each woken at its earliest
-- input. :contacts is a JSON array of [id, initial state, time of the
-- earliest input].
INSERT INTO wakeups (contact_id, wake_at)
SELECT j.value ->> 0, j.value ->> 2
FROM json_each(:contacts) AS j
WHERE true
ON CONFLICT (contact_id) DO UPDATE
SET wake_at = CASE
    WHEN wakeups.wake_at IS NULL OR excluded.wake_at < wakeups.wake_at THEN excluded.wake_at
    ELSE wakeups.wake_at
END;
