-- A report's exits by version: report_exits.sql grouped by the version
-- each enrollment is under now as well.
SELECT journey, version, stage, coalesce(reason, '') AS reason, count(*) AS contacts
FROM enrollments
WHERE (:journey = '' OR journey = :journey)
  AND (:since IS NULL OR entered_at >= :since)
  AND (:until IS NULL OR entered_at < :until)
  AND status = 'exited'
GROUP BY journey, version, stage, coalesce(reason, '');
