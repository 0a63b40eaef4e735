-- The deployment in force, the latest, if its id is greater than :after:
-- no row when nothing was deployed or the caller has it already.
SELECT id, digest, bundle, deployed_by, created_at
FROM deployments
WHERE id > :after
ORDER BY id DESC
LIMIT 1;
