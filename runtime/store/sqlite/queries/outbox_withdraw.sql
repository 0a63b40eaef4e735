-- Cancels the marketing sends of contact :contact_id on :channel still
-- waiting for delivery (pending or parked, held by no dispatcher): a
-- withdrawal of consent (rule 12). A transactional send is marked so in
-- its payload. RETURNING has no order: the caller sorts by seq.
UPDATE outbox
SET status = 'cancelled'
WHERE contact_id = :contact_id
  AND kind = 'send'
  AND status IN ('pending', 'parked')
  AND lease_owner IS NULL
  AND json_extract(payload, '$.channel') = :channel
  AND json_extract(payload, '$.transactional') IS NOT 1
RETURNING seq, journey, step, target;
