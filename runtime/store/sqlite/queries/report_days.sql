-- A report's cohorts, by day: the enrollments of :journey ('' for every
-- journey) that began in [:since, :until), by the day (UTC, the first ten
-- characters of the time) each began, and how many of them converted.
SELECT journey, substr(entered_at, 1, 10) AS day,
       count(*) AS entered,
       count(*) FILTER (WHERE status = 'converted') AS converted
FROM enrollments
WHERE (:journey = '' OR journey = :journey)
  AND (:since IS NULL OR entered_at >= :since)
  AND (:until IS NULL OR entered_at < :until)
GROUP BY journey, substr(entered_at, 1, 10);
