-- Records the outcomes of leased rows and releases their leases, for the
-- rows worker $6 still holds; returns their keys (a key missing was lost).
-- $1 keys, $2 statuses, $3 attempts, $4 next attempts (NULL to keep),
-- $5 errors ('' for none), $7 the time, recorded as sent_at for a row sent.
UPDATE outbox AS o
SET status = u.status,
    attempts = u.attempts,
    next_attempt_at = coalesce(u.next_attempt_at, o.next_attempt_at),
    last_error = NULLIF(u.error, ''),
    sent_at = CASE WHEN u.status = 'sent' THEN $7::timestamptz ELSE o.sent_at END,
    lease_owner = NULL,
    lease_until = NULL
FROM unnest($1::text[], $2::text[], $3::integer[], $4::timestamptz[], $5::text[])
    AS u (key, status, attempts, next_attempt_at, error)
WHERE o.key = u.key AND o.lease_owner = $6
RETURNING o.key;
