-- Records bundle $2, of digest $1, deployed by $3 at $4, as the latest
-- deployment.
INSERT INTO deployments (digest, bundle, deployed_by, created_at)
VALUES ($1, $2, $3, $4)
RETURNING id;
