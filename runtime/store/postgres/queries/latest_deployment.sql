-- The deployment in force, the latest, without its bundle: a deploy
-- compares its digest. No row when nothing was deployed.
SELECT id, digest, deployed_by, created_at
FROM deployments
ORDER BY id DESC
LIMIT 1;
