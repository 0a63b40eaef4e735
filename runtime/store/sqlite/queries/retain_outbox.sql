-- Deletes up to :limit outbox rows done with before :before: sent before
-- it, or cancelled with their last attempt due before it; never a row
-- held by a dispatcher. The index outbox_done finds them, oldest first.
-- Times are fixed-width UTC text, so text order is time order.
DELETE FROM outbox
WHERE seq IN (
    SELECT seq
    FROM outbox
    WHERE status IN ('sent', 'cancelled')
      AND coalesce(sent_at, next_attempt_at) < :before
      AND lease_owner IS NULL
    ORDER BY coalesce(sent_at, next_attempt_at)
    LIMIT :limit
);
