-- queries/mark_outbox.sql on Citus, routed to the shards of the rows'
-- contacts ($8): the batch's one shard when a lease took one shard's rows.
-- $1 keys, $2 statuses, $3 attempts, $4 next attempts (NULL to keep),
-- $5 errors ('' for none), $6 the worker, $7 the time, $8 the contacts.
UPDATE outbox AS o
SET status = u.status,
    attempts = u.attempts,
    next_attempt_at = coalesce(u.next_attempt_at, o.next_attempt_at),
    last_error = NULLIF(u.error, ''),
    sent_at = CASE WHEN u.status = 'sent' THEN $7::timestamptz ELSE o.sent_at END,
    lease_owner = NULL,
    lease_until = NULL
FROM unnest($1::text[], $2::text[], $3::integer[], $4::timestamptz[], $5::text[], $8::text[])
    AS u (key, status, attempts, next_attempt_at, error, contact_id)
WHERE o.bucket = ANY (journey_buckets($8))
  AND o.contact_id = u.contact_id AND o.key = u.key AND o.lease_owner = $6
RETURNING o.key;
