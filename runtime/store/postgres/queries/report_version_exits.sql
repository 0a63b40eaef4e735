-- A report's exits by version: report_exits.sql grouped by the version
-- each enrollment is under now as well.
SELECT journey, version, stage, coalesce(reason, '') AS reason, count(*) AS contacts
FROM enrollments
WHERE ($1 = '' OR journey = $1)
  AND ($2::timestamptz IS NULL OR entered_at >= $2)
  AND ($3::timestamptz IS NULL OR entered_at < $3)
  AND status = 'exited'
GROUP BY journey, version, stage, coalesce(reason, '');
