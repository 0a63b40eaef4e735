-- The outbox in the order it was written, for one contact or ($1 = '')
-- for all.
SELECT key, contact_id, journey, version, step, kind, target, payload, due
FROM outbox
WHERE $1 = '' OR contact_id = $1
ORDER BY seq;
