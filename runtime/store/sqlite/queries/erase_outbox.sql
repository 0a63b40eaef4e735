-- Erasure: the contact's outbox rows lose their payloads and their
-- contact (the pseudonym instead); those still waiting for delivery and
-- held by no dispatcher are cancelled.
UPDATE outbox
SET contact_id = :pseudonym,
    payload = 'null',
    status = CASE WHEN status IN ('pending', 'parked', 'unknown') AND lease_owner IS NULL THEN 'cancelled' ELSE status END
WHERE contact_id = :id;
