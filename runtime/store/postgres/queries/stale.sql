-- Lists up to $4 contacts after $3, in order of id, with an active
-- enrollment in journey $1 under a version other than $2: those a deploy
-- of $2 would migrate. It only reads: leases and wake-ups do not matter.
-- Ids compare bytewise (COLLATE "C"), as in the other stores, whatever
-- the database's collation.
SELECT DISTINCT contact_id COLLATE "C" AS id
FROM enrollments
WHERE journey = $1
  AND status = 'active'
  AND version <> $2
  AND contact_id COLLATE "C" > $3
ORDER BY id
LIMIT $4;
