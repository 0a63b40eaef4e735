-- Cancels the marketing sends still waiting for delivery (pending or
-- parked, held by no dispatcher) of each contact $1[i] on channel $2[i]:
-- withdrawals of consent (rule 12). A transactional send is marked so in
-- its payload. The caller records the rows returned, in order of seq.
UPDATE outbox AS o
SET status = 'cancelled'
FROM (SELECT DISTINCT w.contact_id, w.channel
      FROM unnest($1::text[], $2::text[]) AS w (contact_id, channel)) AS w
WHERE o.contact_id = w.contact_id
  AND o.kind = 'send'
  AND o.status IN ('pending', 'parked')
  AND o.lease_owner IS NULL
  AND o.payload->>'channel' = w.channel
  AND o.payload->'transactional' IS DISTINCT FROM 'true'::jsonb
RETURNING o.seq, o.contact_id, o.journey, o.step, o.target, w.channel;
