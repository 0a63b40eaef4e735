-- The history in order, for one contact or ($1 = '') for all.
SELECT contact_id, journey, entry, kind, coalesce(step, '') AS step, coalesce(detail, '') AS detail, at
FROM history
WHERE $1 = '' OR contact_id = $1
ORDER BY seq;
