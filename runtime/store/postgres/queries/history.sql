-- The history's rows in order, for one contact or ($1 = '') for all: a
-- row with a first stage stands for more than one record
-- (store.UnpackHistory).
SELECT contact_id, journey, entry, kind, coalesce(step, '') AS step, coalesce(detail, '') AS detail, at,
       coalesce(first_stage, '') AS first_stage
FROM history
WHERE $1 = '' OR contact_id = $1
ORDER BY seq;
