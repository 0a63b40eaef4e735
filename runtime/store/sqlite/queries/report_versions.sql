-- A report's enrollments by journey and version, by status: those of
-- :journey ('' for every journey) that began in [:since, :until) (NULL for
-- no bound). Times are text in time order.
SELECT journey, version,
       count(*) AS enrolled,
       count(*) FILTER (WHERE status = 'active') AS active,
       count(*) FILTER (WHERE status = 'converted') AS converted,
       count(*) FILTER (WHERE status = 'exited') AS exited
FROM enrollments
WHERE (:journey = '' OR journey = :journey)
  AND (:since IS NULL OR entered_at >= :since)
  AND (:until IS NULL OR entered_at < :until)
GROUP BY journey, version;
