-- Records a journey version, once: a version is content-addressed, so one
-- already recorded is the same and is kept as it is.
INSERT INTO journey_versions (journey, version, ir, created_at)
VALUES (:journey, :version, :ir, :at)
ON CONFLICT (journey, version) DO NOTHING;
