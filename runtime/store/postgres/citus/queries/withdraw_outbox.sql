-- queries/withdraw_outbox.sql on Citus, routed to the batch's shard.
-- $1 contact ids, $2 channels.
UPDATE outbox AS o
SET status = 'cancelled'
FROM (SELECT DISTINCT w.contact_id, w.channel
      FROM unnest($1::text[], $2::text[]) AS w (contact_id, channel)) AS w
WHERE o.bucket = ANY (journey_buckets($1))
  AND o.contact_id = w.contact_id
  AND o.kind = 'send'
  AND o.status IN ('pending', 'parked')
  AND o.lease_owner IS NULL
  AND o.payload->>'channel' = w.channel
  AND o.payload->'transactional' IS DISTINCT FROM 'true'::jsonb
RETURNING o.seq, o.contact_id, o.journey, o.step, o.target, w.channel;
