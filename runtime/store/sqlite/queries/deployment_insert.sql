-- Records :bundle, of digest :digest, deployed by :deployed_by at :at, as
-- the latest deployment.
INSERT INTO deployments (digest, bundle, deployed_by, created_at)
VALUES (:digest, :bundle, :deployed_by, :at)
RETURNING id;
