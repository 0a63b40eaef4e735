-- Lists up to :limit contacts after :after, in order of id, with an active
-- enrollment in :journey under a version other than :version: those a
-- deploy of :version would migrate. It only reads: leases and wake-ups do
-- not matter.
SELECT DISTINCT contact_id
FROM enrollments
WHERE journey = :journey
  AND status = 'active'
  AND version <> :version
  AND contact_id > :after
ORDER BY contact_id
LIMIT :limit;
