-- A report's cohorts, by day: the enrollments of journey $1 ('' for every
-- journey) that began in [$2, $3), by the day (UTC) each began, and how
-- many of them converted.
SELECT journey, date_trunc('day', entered_at AT TIME ZONE 'UTC') AS day,
       count(*) AS entered,
       count(*) FILTER (WHERE status = 'converted') AS converted
FROM enrollments
WHERE ($1 = '' OR journey = $1)
  AND ($2::timestamptz IS NULL OR entered_at >= $2)
  AND ($3::timestamptz IS NULL OR entered_at < $3)
GROUP BY journey, date_trunc('day', entered_at AT TIME ZONE 'UTC');
