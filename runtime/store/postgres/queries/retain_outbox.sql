-- Deletes up to $2 outbox rows done with before $1: sent before it, or
-- cancelled with their last attempt due before it; never a row held by a
-- dispatcher. The index outbox_done finds them, oldest first; each is
-- deleted through the primary key.
DELETE FROM outbox
WHERE seq = ANY (ARRAY(
    SELECT seq
    FROM outbox
    WHERE status IN ('sent', 'cancelled')
      AND coalesce(sent_at, next_attempt_at) < $1
      AND lease_owner IS NULL
    ORDER BY coalesce(sent_at, next_attempt_at)
    LIMIT $2
    FOR UPDATE SKIP LOCKED
));
