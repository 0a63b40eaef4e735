-- The recorded versions of a journey, oldest first.
SELECT journey, version, ir, created_at
FROM journey_versions
WHERE journey = $1
ORDER BY created_at, version;
