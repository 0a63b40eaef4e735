-- A report's enrollments by journey and version, by status: those of
-- journey $1 ('' for every journey) that began in [$2, $3) (NULL for no
-- bound).
SELECT journey, version,
       count(*) AS enrolled,
       count(*) FILTER (WHERE status = 'active') AS active,
       count(*) FILTER (WHERE status = 'converted') AS converted,
       count(*) FILTER (WHERE status = 'exited') AS exited
FROM enrollments
WHERE ($1 = '' OR journey = $1)
  AND ($2::timestamptz IS NULL OR entered_at >= $2)
  AND ($3::timestamptz IS NULL OR entered_at < $3)
GROUP BY journey, version;
