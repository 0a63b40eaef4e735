-- Wakes a contact at :at, or keeps its earlier wake-up. A lease, if any,
-- stays: the holder's Complete recomputes the wake-up from the inputs it
-- left.
INSERT INTO wakeups (contact_id, wake_at)
VALUES (:contact_id, :at)
ON CONFLICT (contact_id) DO UPDATE
SET wake_at = CASE
    WHEN wakeups.wake_at IS NULL OR excluded.wake_at < wakeups.wake_at THEN excluded.wake_at
    ELSE wakeups.wake_at
END;
